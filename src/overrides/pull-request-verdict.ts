import type { Context } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { readConfig } from "../config/read-config.js";
import type { Gateway } from "../github/gateway.js";
import { createCheckRun } from "../github/check-runs.js";
import { getPullRequest, type PullRequestFacts } from "../github/pull-requests.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { evaluatePullRequest, type PullRequestEvaluation } from "./evaluate-pull-request.js";
import { followUpMergedOverride, reportFailingChecksMerge } from "./merged-pull-request.js";
import { withLabelRemoval } from "./pull-request-comment.js";
import { reportCheck, reportComment, reportEvaluationError, syncMarkerLabels } from "./report-pull-request.js";

export type ConfigContext = Pick<Context, "config" | "log" | "repo">;

/**
 * Loads the config and evaluates a PR into a production branch; on an error, completes the
 * check on `failClosedShas` (fail closed) and returns null, or with no SHA given, throws.
 * Not a production branch: null, no check. A caller that already read the config passes it.
 */
export async function evaluateOrFailClosed(
  gw: Gateway,
  context: ConfigContext,
  params: { pr: PullRequestFacts; defaultBranch: string; failClosedShas: readonly string[]; relevant?: (loaded: LoadedConfig) => boolean; loaded?: LoadedConfig },
): Promise<{ evaluation: PullRequestEvaluation; loaded: LoadedConfig } | null> {
  let loaded: LoadedConfig | null = null;
  try {
    loaded = params.loaded ?? (await readConfig(context));
    if (!isProductionBranch({ branch: params.pr.baseRef, defaultBranch: params.defaultBranch, production: loaded.config.production })) return null;
    if (params.relevant && !params.relevant(loaded)) return null;
    return { evaluation: await evaluatePullRequest(gw, params.pr, loaded), loaded };
  } catch (error) {
    // No check to fail closed (a merge, a label removal): the delivery itself fails, so that it is
    // seen and can be redelivered, rather than a follow-up or a put-back being lost in silence.
    if (params.failClosedShas.length === 0) throw error;
    await reportEvaluationError(gw, { headShas: params.failClosedShas, loaded, error });
    return null;
  }
}

/**
 * Labels and the comment, then the check. A label or comment that cannot be written (a 403, a
 * 5xx) must not keep the check from completing: a required check never reported blocks the
 * merge with no word of why. The error still propagates, after the check.
 */
export async function labelCommentAndCheck(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  try {
    const removed = await syncMarkerLabels(gw, evaluation, loaded);
    await reportComment(gw, evaluation, { loaded, removedLabels: removed });
  } finally {
    await reportCheck(gw, evaluation, loaded, [evaluation.pr.headSha]);
  }
}

/** Evaluates a PR again, as a fresh `synchronize` would: the Re-run button and `/pipeline-guard recheck`. */
export async function reevaluatePullRequest(
  gw: Gateway,
  context: ConfigContext,
  params: { pr: PullRequestFacts; defaultBranch: string; loaded?: LoadedConfig },
): Promise<void> {
  const { pr, defaultBranch, loaded } = params;
  const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch, failClosedShas: [pr.headSha], loaded });
  if (!result) return;
  await labelCommentAndCheck(gw, result.evaluation, result.loaded);
}

/**
 * At the merge: the marker labels stay, the merge commit carries an override's verdict (it is
 * what gets deployed, and the gate reads the check of the SHA it deploys), the follow-up is
 * opened, and a merge over failing required checks is a bypass.
 */
export async function recordMerge(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  const { pr } = evaluation;
  await syncMarkerLabels(gw, evaluation, loaded);
  if (evaluation.decision.isOverride && pr.mergeCommitSha) {
    await reportCheck(gw, evaluation, loaded, [pr.mergeCommitSha]);
    await followUpMergedOverride(gw, evaluation, loaded); // also updates the comment, with the link
  } else {
    await reportComment(gw, evaluation, { loaded });
  }
  await reportFailingChecksMerge(gw, evaluation, loaded);
}

export function isMarkerLabel(loaded: LoadedConfig, label: string | undefined): boolean {
  const name = label?.toLowerCase();
  return Object.values(loaded.config.markers).some((m) => m.label.toLowerCase() === name);
}

/** A marker's label removed while the marker is there (or after the merge) goes back, and the comment says who removed it. */
export async function putBackRemovedLabel(
  gw: Gateway,
  evaluation: PullRequestEvaluation,
  loaded: LoadedConfig,
  removal: { label: string; by: string },
): Promise<void> {
  if (!evaluation.decision.labels.some((l) => l.toLowerCase() === removal.label.toLowerCase())) return;
  await syncMarkerLabels(gw, evaluation, loaded);
  const entry = { label: removal.label, by: removal.by, at: new Date().toISOString() };
  await reportComment(gw, evaluation, { loaded, update: (state) => withLabelRemoval(state, entry) });
}

/**
 * A merge group's head gets the same check as its PR, so that a required `Pipeline Guard` never
 * leaves the queue waiting. `prNumber` null: the group's ref names no PR; the PR's own check had
 * to pass to enter the queue, so neutral lets the queue go on without letting anything new through.
 */
export async function judgeMergeGroup(
  gw: Gateway,
  context: ConfigContext,
  params: { headSha: string; headRef: string; prNumber: number | null; defaultBranch: string },
): Promise<void> {
  if (params.prNumber === null) {
    await createCheckRun(gw, {
      headSha: params.headSha,
      conclusion: "neutral",
      title: "Pull request of this merge group not identified",
      summary: `The merge group's ref ${inlineLiteral(params.headRef)} does not name a pull request; its own Pipeline Guard check decided its entry into the queue.`,
    });
    return;
  }
  let pr: PullRequestFacts;
  try {
    pr = await getPullRequest(gw, params.prNumber);
  } catch (error) {
    await reportEvaluationError(gw, { headShas: [params.headSha], loaded: null, error });
    return;
  }
  const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch: params.defaultBranch, failClosedShas: [params.headSha] });
  if (result) await reportCheck(gw, result.evaluation, result.loaded, [params.headSha]);
}
