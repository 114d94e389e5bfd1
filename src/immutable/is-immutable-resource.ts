import type { PlannedResource } from "../drift/parse-terraform-plan.js";

/** A glob of `immutable.resources` as a regular expression: `*` is any run of characters, all else is literal. */
function globPattern(glob: string): RegExp {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "s");
}

/**
 * Whether `immutable.resources` names the resource. Address brackets are literal (`aws_instance.web[0]`
 * is an address, not a character class), so `*` is the only wildcard. A pattern without a dot is a
 * resource type (`aws_instance`, `aws_*`): every address of it, in any module. A pattern that
 * starts with `module.` is matched against the full address; any other against the address within
 * its module, so `aws_instance.*` covers `module.db.aws_instance.this[0]` too. Data sources are
 * only read by a plan and never match.
 */
export function isImmutableResource(resource: Pick<PlannedResource, "address" | "localAddress" | "type" | "mode">, patterns: readonly string[]): boolean {
  if (resource.mode === "data") return false;
  return patterns.some((glob) => {
    const pattern = globPattern(glob);
    if (!glob.includes(".")) return pattern.test(resource.type);
    return pattern.test(glob.startsWith("module.") ? resource.address : resource.localAddress);
  });
}
