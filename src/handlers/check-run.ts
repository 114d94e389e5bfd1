import type { Context } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import { CHECK_NAME, createCheckRun } from "../github/check-runs.js";
import { gatewayFor, type Gateway } from "../github/gateway.js";
import { pullRequestFacts, type PullRequestFacts } from "./evaluate-pull-request.js";
import { evaluateOrFailClosed, labelCommentAndCheck } from "./pull-request.js";
import { reportCheck, reportEvaluationError } from "./report-pull-request.js";

async function getPullRequest(gw: Gateway, number: number): Promise<PullRequestFacts> {
  const { data } = await gw.octokit.rest.pulls.get({ owner: gw.owner, repo: gw.repo, pull_number: number });
  return pullRequestFacts(data);
}

/** Evaluates a PR again, as a fresh `synchronize` would: the Re-run button and `/pipeline-guard recheck`. */
export async function reevaluatePullRequest(
  gw: Gateway,
  context: Pick<Context, "config" | "log" | "repo">,
  params: { pr: PullRequestFacts; defaultBranch: string; loaded?: LoadedConfig },
): Promise<void> {
  const { pr, defaultBranch, loaded } = params;
  const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch, failClosedShas: [pr.headSha], loaded });
  if (!result) return;
  await labelCommentAndCheck(gw, result.evaluation, result.loaded);
}

/**
 * `check_run.rerequested` on our check. The payload lists the PR for branches of this
 * repository; a fork's head is looked up by commit, and when no open PR holds the commit the
 * check is completed neutral rather than left as GitHub shows it (queued).
 */
export async function handleCheckRunRerequested(context: Context<"check_run.rerequested">): Promise<void> {
  const { check_run: checkRun, repository } = context.payload;
  if (checkRun.name !== CHECK_NAME) return;
  const gw = gatewayFor(context);
  let number = checkRun.pull_requests[0]?.number;
  if (number === undefined) {
    const { data } = await gw.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: gw.owner, repo: gw.repo, commit_sha: checkRun.head_sha });
    number = data.find((p) => p.state === "open")?.number;
  }
  if (number === undefined) {
    await createCheckRun(gw, {
      headSha: checkRun.head_sha,
      conclusion: "neutral",
      title: "No open pull request holds this commit",
      summary: "Pipeline Guard checks pull requests into production branches; this commit is not the head of an open one.",
    });
    return;
  }
  let pr: PullRequestFacts;
  try {
    pr = await getPullRequest(gw, number);
  } catch (error) {
    // The Re-run button was pressed: the check must end, failing closed, rather than stay queued.
    await reportEvaluationError(gw, { headShas: [checkRun.head_sha], loaded: null, error });
    return;
  }
  await reevaluatePullRequest(gw, context, { pr, defaultBranch: repository.default_branch });
}

/** GitHub names a merge group's branch `gh-readonly-queue/<base>/pr-<number>-<sha>`. */
const MERGE_QUEUE_REF = /\/pr-(\d+)-[0-9a-f]+$/;

/**
 * `merge_group.checks_requested`: a required `Pipeline Guard` must report on the group's head too,
 * or the queue waits forever. The group's PR is evaluated again and its conclusion reported there.
 */
export async function handleMergeGroup(context: Context<"merge_group.checks_requested">): Promise<void> {
  const { merge_group: group, repository } = context.payload;
  const gw = gatewayFor(context);
  const match = MERGE_QUEUE_REF.exec(group.head_ref);
  if (!match) {
    // The PR's own check had to pass to enter the queue, so neutral lets the queue go on
    // without letting anything new through.
    await createCheckRun(gw, {
      headSha: group.head_sha,
      conclusion: "neutral",
      title: "Pull request of this merge group not identified",
      summary: `The merge group's ref \`${group.head_ref.replace(/`/g, "'")}\` does not name a pull request; its own Pipeline Guard check decided its entry into the queue.`,
    });
    return;
  }
  const defaultBranch = repository?.default_branch ?? group.base_ref.replace(/^refs\/heads\//, "");
  let pr: PullRequestFacts;
  try {
    pr = await getPullRequest(gw, Number(match[1]));
  } catch (error) {
    await reportEvaluationError(gw, { headShas: [group.head_sha], loaded: null, error });
    return;
  }
  const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch, failClosedShas: [group.head_sha] });
  if (result) await reportCheck(gw, result.evaluation, result.loaded, [group.head_sha]);
}
