import type { Config } from "../config/schema.js";
import { createCheckRun } from "../github/check-runs.js";
import { completedPullRequestRuns } from "../github/commit-plan-runs.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { runPullRequests, type RunPullRequest } from "../github/run-pull-requests.js";
import { workflowFileOf } from "../github/workflows.js";
import { isPlanRun, judgeAndWriteCheck, ownAppId, intoProduction, type PlanRun } from "./check-plan-run.js";
import { withImmutableCheckLock } from "./immutable-check-lock.js";
import { IMMUTABLE_CHECK_NAME, readError, type NotJudged } from "./immutable-outcome.js";
import { renderImmutableCheck } from "./render-immutable-check.js";

/**
 * The newest completed run of `immutable.plan_workflow` for the PR on its head: a `pull_request`
 * run of that workflow file, on that commit, made from the PR's own head repository (a fork's run
 * on the same commit is not this PR's). null when there is none.
 */
export function newestPlanRun(runs: readonly PlanRun[], params: { pr: RunPullRequest; immutable: Config["immutable"] }): PlanRun | null {
  const { pr } = params;
  const candidates = runs.filter(
    (run) =>
      (run.status ?? "completed") === "completed" &&
      run.head_sha.toLowerCase() === pr.headSha.toLowerCase() &&
      isPlanRun(run, params.immutable) &&
      run.head_repository?.full_name.toLowerCase() === pr.headRepo?.toLowerCase(),
  );
  return [...candidates].sort((a, b) => b.id - a.id)[0] ?? null;
}

/**
 * Re-run on `Pipeline Guard: immutable infrastructure` (SPEC section 10, rule 4: Re-run never
 * weakens a check). The check is judged again as a plan run's completion would judge it: the open
 * PR into a production branch whose head is the commit, with the head's own `Pipeline Guard`
 * verdict (1 GraphQL call), the newest completed run of the plan workflow for that PR on that
 * commit (1), its plan read with the same provenance checks and bounds (artifacts 1, download 1),
 * and the check (1): 5 calls. A plan that changed is judged anew; the same plan gives the same
 * check. When no run can be read the check fails (neutral in report mode), saying why: never a
 * success. A commit that is not the head of an open PR into a production branch (merged, pushed
 * over) keeps its check as it is: nothing is written, and nothing is weakened.
 */
export async function rerunImmutableCheck(gw: Gateway, params: { headSha: string; headBranch: string | null; config: Config }): Promise<void> {
  const { headSha, config } = params;
  const notJudged = (why: NotJudged) =>
    createCheckRun(gw, { headSha, name: IMMUTABLE_CHECK_NAME, ...renderImmutableCheck({ outcome: { kind: "not-judged", why }, mode: config.mode, immutable: config.immutable, runUrl: null }) });
  await withImmutableCheckLock(gw, headSha, async () => {
    if (!params.headBranch) {
      // GitHub names no branch for the check's suite (a fork's commit, a tag): no PR to judge it for.
      gw.log.info({ sha: headSha }, "Re-run of the immutable check on a commit of no branch: kept as it is");
      return;
    }
    let pr: RunPullRequest | undefined;
    let found: Awaited<ReturnType<typeof runPullRequests>>;
    let runs: PlanRun[];
    try {
      const appId = await ownAppId(gw);
      found = await runPullRequests(gw, params.headBranch, appId === undefined ? undefined : { sha: headSha, appId });
      // Any head repository: a fork's PR is found too, and its run is then refused as a fork's (judgeRun).
      const { defaultBranch } = found;
      pr = found.pullRequests.find((candidate) => candidate.headSha.toLowerCase() === headSha.toLowerCase() && intoProduction(candidate, { defaultBranch, config }));
      if (!pr) {
        gw.log.info({ sha: headSha, branch: params.headBranch }, "Re-run of the immutable check on a commit that is not the head of an open PR into a production branch: kept as it is");
        return;
      }
      runs = (await completedPullRequestRuns(gw, { workflow: workflowFileOf(config.immutable.plan_workflow), headSha })) as unknown as PlanRun[];
    } catch (error) {
      const status = statusOf(error);
      gw.log.warn({ err: error, status, sha: headSha }, "Re-run of the immutable check could not read the PR or its runs: it fails closed");
      await notJudged(readError(error));
      return;
    }
    const run = newestPlanRun(runs, { pr, immutable: config.immutable });
    if (!run) {
      gw.log.info({ sha: headSha, pr: pr.number, listed: runs.length }, "Re-run of the immutable check found no plan run to read: it fails closed");
      await notJudged({ kind: "no-run", workflow: config.immutable.plan_workflow });
      return;
    }
    await judgeAndWriteCheck(gw, { run, pr, verdict: found.verdict, config });
  });
}
