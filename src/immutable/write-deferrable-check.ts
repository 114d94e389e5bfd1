import type { Config } from "../config/schema.js";
import { createCheckRun, type OwnCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { renderRememberedCheck, verdictDefersImmutableRule } from "./immutable-deferral.js";
import { IMMUTABLE_CHECK_NAME } from "./immutable-outcome.js";
import { memoryFromJudgement } from "./immutable-memory.js";
import type { ImmutableJudgement } from "./judge-immutable-plan.js";

/**
 * Findings an override may defer (a complete plan, at most 50): the check is written with its
 * memory, deferred when the head's `Pipeline Guard` verdict (read with the PR, in the same call)
 * is an allowed `[emergency-deploy]` override. The caller holds the head's immutable check lock
 * from before that read (src/immutable/immutable-check-lock.ts), so that an evaluation that
 * withdraws the override meanwhile follows this check afterwards and takes the deferral back. A
 * verdict that was not read (`undefined`: the app's id is unknown) defers nothing (fail closed);
 * the next evaluation of the PR re-judges the check from its memory.
 */
export async function writeDeferrableCheck(
  gw: Gateway,
  params: { run: { head_sha: string; html_url: string; id: number }; pr: number; judgement: ImmutableJudgement; verdict: OwnCheckRun | null | undefined; config: Config },
): Promise<void> {
  const { run, pr, judgement, config } = params;
  if (params.verdict === undefined) gw.log.warn({ run: run.id, pr }, "the PR's verdict was not read (the app's id is unknown): the immutable check is not deferred");
  const deferred = verdictDefersImmutableRule(params.verdict, { pr, head: run.head_sha });
  const memory = memoryFromJudgement({ pr, head: run.head_sha, runUrl: run.html_url, judgement, deferred });
  const check = renderRememberedCheck({ memory, mode: config.mode, immutable: config.immutable });
  // A memory too big to keep cannot be followed by a later verdict: never deferred then.
  const kept = check.text === undefined ? renderRememberedCheck({ memory: { ...memory, deferred: false }, mode: config.mode, immutable: config.immutable }) : check;
  await createCheckRun(gw, { headSha: run.head_sha, name: IMMUTABLE_CHECK_NAME, ...kept });
}
