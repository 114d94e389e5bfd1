import type { LoadedConfig } from "../config/load-config.js";
import type { Gateway } from "../github/gateway.js";
import { listRulesetBypasses } from "../github/rule-suites.js";
import { isExemptActor, reportBypass } from "./report-bypass.js";

/**
 * Pushes GitHub recorded as bypassing rulesets become bypass issues, so the record outlives
 * GitHub's one-month window. Returns how many were made.
 */
export async function recordRulesetBypasses(gw: Gateway, params: { loaded: LoadedConfig; branches: readonly string[]; appLogin?: string }): Promise<number> {
  let made = 0;
  const { config } = params.loaded;
  for (const branch of params.branches) {
    const bypasses = await listRulesetBypasses(gw, branch);
    for (const suite of bypasses ?? []) {
      if (!suite.afterSha || isExemptActor(suite.actor, config, params.appLogin)) continue;
      const { created } = await reportBypass(
        gw,
        {
          kind: "ruleset bypass",
          branch,
          sha: suite.afterSha,
          actor: suite.actor,
          at: new Date(suite.pushedAt || Date.now()),
          before: suite.beforeSha,
          after: suite.afterSha,
          details: [`GitHub recorded this push as bypassing the branch's rulesets (rule suite ${suite.id}).`],
        },
        "issue",
        config.mode,
        config,
      );
      if (created) made++;
    }
  }
  return made;
}
