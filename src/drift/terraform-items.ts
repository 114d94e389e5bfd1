import type { Config } from "../config/schema.js";
import type { PlanFetch } from "../github/terraform-artifact.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import type { DriftItem } from "./drift-item.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { parseTerraformPlan } from "./parse-terraform-plan.js";
import { isImmutableResource } from "../immutable/is-immutable-resource.js";
import type { Distrust, NoTrustedRun, SkippedRun } from "./trusted-run.js";

const WORKFLOW_ITEM = "terraform:workflow";
const STALE_ITEM = "terraform:stale";
/** The plan was read but does not cover every resource (errored, `-target`, deferred changes). */
const INCOMPLETE_ITEM = "terraform:incomplete";
/** Skipped runs named in the item; the count says how many there were. */
const SKIPPED_LISTED = 5;
const MB = 1024 * 1024;

function distrustText(why: Distrust, run: SkippedRun["run"], branch: string): string {
  switch (why.kind) {
    case "fork":
      return "from a fork";
    case "event":
      return `triggered by ${inlineLiteral(why.event, 40)}`;
    case "branch":
      return why.branch === null ? "on no branch" : `on ${inlineLiteral(why.branch)}`;
    case "commit":
      return `its commit ${inlineLiteral(run.head_sha.slice(0, 12))} is not on ${inlineLiteral(branch)}`;
    case "unverified":
      return `its commit ${inlineLiteral(run.head_sha.slice(0, 12))} could not be checked against ${inlineLiteral(branch)} this time`;
  }
}

function skippedDetails(skipped: readonly SkippedRun[], branch: string): string[] {
  if (skipped.length === 0) return [];
  const listed = skipped.slice(0, SKIPPED_LISTED).map(({ run, why }) => `skipped: ${run.html_url} (${distrustText(why, run, branch)})`);
  const more = skipped.length > SKIPPED_LISTED ? [`…and ${skipped.length - SKIPPED_LISTED} more skipped`] : [];
  return [
    `A plan counts only from a run of this repository (not a fork), triggered by \`schedule\`, \`workflow_dispatch\` or \`push\`, on a commit of ${inlineLiteral(branch)}; a pull request's run never does.`,
    ...listed,
    ...more,
  ];
}

/**
 * Whether the items leave the plan's silence unproven: no plan could be read, or the one read
 * does not cover every resource. The scan then keeps the earlier Terraform items (their
 * first-seen times and acceptances) instead of counting them resolved.
 */
export function planSilenceUnproven(items: readonly DriftItem[]): boolean {
  return items.some((item) => item.id === WORKFLOW_ITEM || item.id === INCOMPLETE_ITEM);
}

/** Infrastructure drift from the newest plan, or an item that says why there is none to read. */
export function terraformItems(params: {
  fetch: PlanFetch | NoTrustedRun;
  terraform: Config["drift"]["terraform"];
  branch: string;
  now: Date;
  /** With `enabled`, drift of these resources is a snowflake (issue #13). */
  immutable?: Pick<Config["immutable"], "enabled" | "resources">;
}): DriftItem[] {
  const { fetch, terraform, branch, now, immutable } = params;
  const workflow = inlineLiteral(terraform.workflow);
  const problem = (title: string, details: string[] = []): DriftItem[] => [
    { id: WORKFLOW_ITEM, kind: "scan", title, details, fix: `Run ${workflow} on ${inlineLiteral(branch)} (it must upload the artifact ${inlineLiteral(terraform.artifact)} holding ${inlineLiteral(terraform.file)}).` },
  ];
  switch (fetch.kind) {
    case "no-run": {
      const skipped = fetch.skipped.length > 0 ? ` (${fetch.skipped.length} untrusted ${fetch.skipped.length === 1 ? "run" : "runs"} skipped)` : "";
      return problem(`No completed run of ${workflow} on ${inlineLiteral(branch)}: infrastructure drift is not checked${skipped}`, skippedDetails(fetch.skipped, branch));
    }
    case "run-failed":
      return problem(`The newest run of ${workflow} ended ${escapeInlineText(fetch.run.conclusion ?? "unknown")}`, [`run: ${fetch.run.html_url}`]);
    case "no-artifact":
      return problem(`The newest run of ${workflow} has no artifact ${inlineLiteral(terraform.artifact)}`, [`run: ${fetch.run.html_url}`]);
    case "no-file":
      return problem(`The artifact ${inlineLiteral(terraform.artifact)} holds no ${inlineLiteral(terraform.file)}`, [`run: ${fetch.run.html_url}`]);
    case "unreadable":
      return problem(`The artifact ${inlineLiteral(terraform.artifact)} could not be read: ${escapeInlineText(fetch.error, 100)}`, [`run: ${fetch.run.html_url}`]);
    case "too-large": {
      const what = fetch.what === "artifact" ? `plan artifact ${inlineLiteral(terraform.artifact)}` : `plan file ${inlineLiteral(terraform.file)}`;
      return problem(`The ${what} is ${Math.ceil(fetch.bytes / MB)} MB, more than the ${fetch.limit / MB} MB read: too large to read`, [`run: ${fetch.run.html_url}`]);
    }
    case "plan": {
      const ageHours = (now.getTime() - new Date(fetch.run.updated_at).getTime()) / 3_600_000;
      const parsed = parseTerraformPlan(fetch.text, immutable?.enabled ? { isImmutable: (resource) => isImmutableResource(resource, immutable.resources) } : {});
      const items: DriftItem[] = parsed.ok ? parsed.items : problem(`The plan could not be read: ${escapeInlineText(parsed.error)}`, [`run: ${fetch.run.html_url}`]);
      // Fails closed: what an incomplete plan lists is real, but its silence proves nothing, so
      // such a plan never reads as "no drift".
      if (parsed.ok && parsed.incomplete.length > 0) {
        items.push({
          id: INCOMPLETE_ITEM,
          kind: "scan",
          title: `The newest plan of ${workflow} is incomplete: it cannot be trusted as clean`,
          details: [...parsed.incomplete, `run: ${fetch.run.html_url}`],
          fix: `Make ${workflow} plan every resource on ${inlineLiteral(branch)}: no \`-target\`, and no error in the run's log. A deferred change clears once what it waits for is applied through the pipeline.`,
        });
      }
      if (ageHours > terraform.max_age_hours) {
        const [stale] = problem(`The newest plan is ${Math.floor(ageHours)} h old (more than ${terraform.max_age_hours} h): it may not show today's drift`, [`run: ${fetch.run.html_url}`]);
        if (stale) items.push({ ...stale, id: STALE_ITEM });
      }
      return items;
    }
  }
}
