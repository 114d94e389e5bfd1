import type { LoadedConfig } from "../config/load-config.js";
import { getBranchRules, getClassicProtection } from "../github/branch-protection.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { diffProtection, normalizeGraphqlProtection, normalizeProtection, type ProtectionSnapshot } from "./diff-protection.js";
import type { DriftItem, DriftKind } from "./drift-item.js";
import { scanProblem } from "./scan-problem.js";

export interface PartItems {
  items: DriftItem[];
  /** Kinds that could not be read this time: their earlier state is kept. */
  incomplete: DriftKind[];
}

/**
 * Protection drift of each production branch: against `drift.protection` where it declares
 * something, else against the baseline; a branch without a baseline gets one recorded.
 */
export async function protectionItems(
  gw: Gateway,
  params: {
    branches: readonly string[];
    declared: LoadedConfig["config"]["drift"]["protection"];
    baseline: Record<string, ProtectionSnapshot>;
    /** Branch → GraphQL's classic rule and ruleset rules, read in the scheduled scan's batch; other branches are read through REST. */
    prefetched?: ReadonlyMap<string, { classic: unknown; rules: unknown[] }>;
  },
): Promise<PartItems & { baseline: Record<string, ProtectionSnapshot>; baselineRecorded: boolean }> {
  const baseline = { ...params.baseline };
  const result = { items: [] as DriftItem[], incomplete: [] as DriftKind[], baseline, baselineRecorded: false };
  for (const branch of params.branches) {
    try {
      const known = params.prefetched?.get(branch);
      const actual = known ? normalizeGraphqlProtection(known.classic, known.rules) : normalizeProtection(await getClassicProtection(gw, branch), await getBranchRules(gw, branch));
      const recorded = baseline[branch];
      if (Object.keys(params.declared).length > 0) {
        result.items.push(...diffProtection({ branch, expected: params.declared, actual, source: "config" }));
      } else if (recorded) {
        result.items.push(...diffProtection({ branch, expected: recorded, actual, source: "baseline" }));
      } else {
        baseline[branch] = actual;
        result.baselineRecorded = true;
      }
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      result.incomplete.push("protection");
      result.items.push(scanProblem(`protection:${branch}`, `The protection of ${escapeInlineText(branch)} could not be read (403)`, "Grant the app `administration: read`, as `app.yml` asks."));
    }
  }
  return result;
}
