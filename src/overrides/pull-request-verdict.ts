import type { Context } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { readConfig } from "../config/read-config.js";
import type { Gateway } from "../github/gateway.js";
import { createCheckRun } from "../github/check-runs.js";
import { getPullRequest, type PullRequestFacts } from "../github/pull-requests.js";
import { withKeyLock } from "../infrastructure/key-lock.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { evaluatePullRequest, type EvaluationProgress, type EvaluationTrigger, type PullRequestEvaluation } from "./evaluate-pull-request.js";
import { isStale, pullRequestFactsStore, pullRequestKey } from "./newest-facts.js";
import { followUpMergedOverride, reportFailingChecksMerge } from "./merged-pull-request.js";
import { withLabelRemoval } from "./pull-request-comment.js";
import { reportCheck, reportComment, reportEvaluationError, syncMarkerLabels } from "./report-pull-request.js";
import { allowedMarkers } from "./override-verdict.js";
import { followVerdictWithImmutableCheck, withdrawDeferralAfterError } from "../immutable/immutable-deferral.js";

export type ConfigContext = Pick<Context, "config" | "log" | "repo">;

/** The key under which one PR's evaluations are serialized and its newest facts kept. */
export function keyOf(gw: Gateway, pr: Pick<PullRequestFacts, "number">): string {
  return pullRequestKey(gw.owner, gw.repo, pr.number);
}

/** Records a PR's facts as the newest seen (a payload on arrival, a PR read for Re-run or recheck): no API call. */
export async function recordArrival(gw: Gateway, pr: PullRequestFacts): Promise<void> {
  await pullRequestFactsStore.arrived(keyOf(gw, pr), { headSha: pr.headSha, title: pr.title, body: pr.body, updatedAt: pr.updatedAt });
}

/**
 * Runs `fn` with the PR's evaluations serialized in this process (SPEC section 10, rule 13): a
 * slow evaluation of an old event and a fast one of a new event never interleave their writes.
 * Not re-entrant: only the entry points (the handlers' calls) take it.
 */
export function withPullRequestLock<T>(gw: Gateway, pr: Pick<PullRequestFacts, "number">, fn: () => Promise<T>): Promise<T> {
  return withKeyLock(keyOf(gw, pr), fn);
}

/**
 * Whether the facts judged are no longer the newest this process has seen of the PR; then the
 * result is dropped (a newer event, serialized behind this one, writes its own), and the
 * introducers it found are handed to the next evaluation of that head, since nothing wrote them.
 */
async function droppedAsStale(gw: Gateway, evaluation: PullRequestEvaluation): Promise<boolean> {
  const key = keyOf(gw, evaluation.pr);
  const newest = await pullRequestFactsStore.newest(key);
  if (!isStale(evaluation.pr, newest)) return false;
  await pullRequestFactsStore.keepUnwritten(key, evaluation.pr.headSha, evaluation.memory.introducers);
  gw.log.debug(
    { pr: evaluation.pr.number, judgedHead: evaluation.pr.headSha, newestHead: newest?.headSha, conclusion: evaluation.decision.conclusion },
    "stale verdict dropped: the pull request changed while it was evaluated",
  );
  return true;
}

/**
 * Loads the config and evaluates a PR into a production branch; on an error, completes the
 * check on `failClosedShas` (fail closed) and returns null, or with no SHA given, throws.
 * Not a production branch: null, no check. A caller that already read the config passes it.
 */
export async function evaluateOrFailClosed(
  gw: Gateway,
  context: ConfigContext,
  params: {
    pr: PullRequestFacts;
    defaultBranch: string;
    failClosedShas: readonly string[];
    trigger: EvaluationTrigger;
    relevant?: (loaded: LoadedConfig) => boolean;
    loaded?: LoadedConfig;
  },
): Promise<{ evaluation: PullRequestEvaluation; loaded: LoadedConfig } | null> {
  let loaded: LoadedConfig | null = null;
  const progress: EvaluationProgress = {};
  try {
    loaded = params.loaded ?? (await readConfig(context));
    if (!isProductionBranch({ branch: params.pr.baseRef, defaultBranch: params.defaultBranch, production: loaded.config.production })) return null;
    if (params.relevant && !params.relevant(loaded)) return null;
    const key = keyOf(gw, params.pr);
    const evaluation = await evaluatePullRequest(gw, {
      pr: params.pr,
      loaded,
      trigger: params.trigger,
      unwritten: (sha) => pullRequestFactsStore.unwritten(key, sha),
      progress,
    });
    return { evaluation, loaded };
  } catch (error) {
    // No check to fail closed (a merge, a label removal): the delivery itself fails, so that it is
    // seen and can be redelivered, rather than a follow-up or a put-back being lost in silence.
    if (params.failClosedShas.length === 0) throw error;
    await reportEvaluationError(gw, { headShas: params.failClosedShas, loaded, error, memory: progress.memory });
    // An error is no verdict: the head's deferred immutable check, if any, is taken back (issue #13).
    if (loaded && params.failClosedShas.includes(params.pr.headSha)) await withdrawDeferralAfterError(gw, { pr: params.pr.number, head: params.pr.headSha, config: loaded.config });
    return null;
  }
}

/**
 * Labels and the comment, then the check, unless the PR changed while it was evaluated (then
 * nothing is written: rule 13). A label or comment that cannot be written (a 403, a 5xx) must not
 * keep the check from completing: a required check never reported blocks the merge with no word
 * of why. The error still propagates, after the check.
 */
export async function labelCommentAndCheck(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  if (await droppedAsStale(gw, evaluation)) return;
  try {
    const removed = await syncMarkerLabels(gw, evaluation, loaded);
    await reportComment(gw, evaluation, { loaded, removedLabels: removed });
  } finally {
    await reportCheck(gw, evaluation, loaded, [evaluation.pr.headSha]);
  }
  // The immutable check of the head follows the verdict just written (issue #13).
  const { pr, decision, markers } = evaluation;
  await followVerdictWithImmutableCheck(gw, { pr: pr.number, head: pr.headSha, allowed: allowedMarkers(decision, markers), config: loaded.config });
}

/**
 * Evaluates a PR again from its head's memory: the Re-run button and `/pipeline-guard recheck`.
 * The PR as just read is the newest fact there is; evaluations of the PR are serialized.
 */
export async function reevaluatePullRequest(
  gw: Gateway,
  context: ConfigContext,
  params: { pr: PullRequestFacts; defaultBranch: string; loaded?: LoadedConfig },
): Promise<void> {
  const { pr, defaultBranch, loaded } = params;
  await recordArrival(gw, pr);
  await withPullRequestLock(gw, pr, async () => {
    const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch, failClosedShas: [pr.headSha], loaded, trigger: { event: "again" } });
    if (!result) return;
    await labelCommentAndCheck(gw, result.evaluation, result.loaded);
  });
}

/**
 * At the merge: the marker labels stay, the merge commit carries an override's verdict (it is
 * what gets deployed and what people read; the gate judges it by the PR's verdict either way, so a
 * merge commit that never got this check is still judged), the follow-up is opened, and a merge
 * over failing required checks is a bypass.
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
  if (await droppedAsStale(gw, evaluation)) return;
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
  await withPullRequestLock(gw, pr, async () => {
    const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch: params.defaultBranch, failClosedShas: [params.headSha], trigger: { event: "again" } });
    if (result) await reportCheck(gw, result.evaluation, result.loaded, [params.headSha]);
  });
}
