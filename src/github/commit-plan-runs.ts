import type { Gateway } from "./gateway.js";

/**
 * Runs read to find a commit's newest completed plan run: one page. One commit of a PR has a run
 * per push event and per Re-run of the workflow (a re-run keeps its run's id), so a handful;
 * the newest is on the first page, GitHub listing newest first.
 */
export const COMMIT_RUNS_PAGE = 20;

/**
 * The completed `pull_request` runs of one workflow (its file name) on one commit, newest first:
 * one call. What each run proves (its repository, head repository, path) the caller checks.
 */
export async function completedPullRequestRuns(gw: Gateway, params: { workflow: string; headSha: string }) {
  const { data } = await gw.octokit.rest.actions.listWorkflowRuns({
    owner: gw.owner,
    repo: gw.repo,
    workflow_id: params.workflow,
    head_sha: params.headSha,
    event: "pull_request",
    status: "completed",
    per_page: COMMIT_RUNS_PAGE,
  });
  return data.workflow_runs;
}
