import type { Config } from "../config/schema.js";
import { createCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { withPullRequestLock } from "../overrides/pull-request-verdict.js";
import { headDefersImmutableRule, renderRememberedCheck } from "./immutable-deferral.js";
import { IMMUTABLE_CHECK_NAME } from "./immutable-outcome.js";
import { memoryFromJudgement } from "./immutable-memory.js";
import type { ImmutableJudgement } from "./judge-immutable-plan.js";

/**
 * Findings an override may defer (a complete plan, at most 50): the head's `Pipeline Guard`
 * verdict is read (1 call) and the check is written with its memory, deferred when the verdict is
 * an allowed `[emergency-deploy]` override. Both happen under the PR's evaluation lock, so that an
 * evaluation that withdraws the override cannot read this check before it is written and leave it
 * green (SPEC section 10, rule 13). A verdict that cannot be read defers nothing (fail closed);
 * the next evaluation of the PR re-judges the check from its memory.
 */
export async function writeDeferrableCheck(gw: Gateway, params: { run: { head_sha: string; html_url: string; id: number }; pr: number; judgement: ImmutableJudgement; config: Config }): Promise<void> {
  const { run, pr, judgement, config } = params;
  await withPullRequestLock(gw, { number: pr }, async () => {
    let deferred = false;
    try {
      deferred = await headDefersImmutableRule(gw, { pr, head: run.head_sha });
    } catch (error) {
      gw.log.warn({ err: error, run: run.id, pr }, "the PR's verdict could not be read: the immutable check is not deferred");
    }
    const memory = memoryFromJudgement({ pr, head: run.head_sha, runUrl: run.html_url, judgement, deferred });
    const check = renderRememberedCheck({ memory, mode: config.mode, immutable: config.immutable });
    // A memory too big to keep cannot be followed by a later verdict: never deferred then.
    const kept = check.text === undefined ? renderRememberedCheck({ memory: { ...memory, deferred: false }, mode: config.mode, immutable: config.immutable }) : check;
    await createCheckRun(gw, { headSha: run.head_sha, name: IMMUTABLE_CHECK_NAME, ...kept });
  });
}
