import { type Gateway, statusOf } from "./gateway.js";

export interface RuleSuiteBypass {
  id: number;
  /** Null when GitHub names no actor. */
  actor: string | null;
  ref: string;
  beforeSha: string;
  afterSha: string;
  pushedAt: string;
}

/**
 * Pushes GitHub's rulesets recorded as bypassed on a branch (GitHub keeps them a month). Reading
 * rule suites needs `administration: write`; without it (403) the ledger is unavailable: null.
 */
export async function listRulesetBypasses(gw: Gateway, branch: string): Promise<RuleSuiteBypass[] | null> {
  try {
    const { data } = await gw.octokit.rest.repos.getRepoRuleSuites({ owner: gw.owner, repo: gw.repo, ref: `refs/heads/${branch}`, rule_suite_result: "bypass", time_period: "month", per_page: 100 });
    return data.map((s) => ({ id: s.id ?? 0, actor: s.actor_name ?? null, ref: s.ref ?? branch, beforeSha: s.before_sha ?? "", afterSha: s.after_sha ?? "", pushedAt: s.pushed_at ?? "" }));
  } catch (error) {
    if (statusOf(error) === 403 || statusOf(error) === 404) return null;
    throw error;
  }
}
