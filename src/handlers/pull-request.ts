import type { Context } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import { readConfig } from "../config/read-config.js";
import { gatewayFor, type Gateway } from "../github/gateway.js";
import { isProductionBranch } from "../policy/is-production-branch.js";
import { withLabelRemoval } from "../render/render-pull-request-comment.js";
import { evaluatePullRequest, pullRequestFacts, type PullRequestEvaluation, type PullRequestFacts } from "./evaluate-pull-request.js";
import { followUpMergedOverride, reportFailingChecksMerge } from "./merged-pull-request.js";
import { reportCheck, reportComment, reportEvaluationError, syncMarkerLabels } from "./report-pull-request.js";

type PullRequestContext = Context<"pull_request">;

/**
 * Loads the config and evaluates a PR into a production branch; on an error, completes the
 * check on `failClosedShas` (fail closed) and returns null, or with no SHA given, throws.
 * Not a production branch: null, no check. A caller that already read the config passes it.
 */
export async function evaluateOrFailClosed(
  gw: Gateway,
  context: Pick<Context, "config" | "log" | "repo">,
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

/** `pull_request` opened, edited, synchronize, reopened, ready_for_review, unlabeled, closed (merged). */
export async function handlePullRequest(context: PullRequestContext, appLogin?: string): Promise<void> {
  const { payload } = context;
  if (payload.action === "labeled") return; // only a removal can need us: adding costs nothing
  const pr = pullRequestFacts(payload.pull_request);
  if (payload.action === "closed" && !pr.merged) return;
  const gw = gatewayFor(context);
  const closing = payload.action === "closed";
  const result = await evaluateOrFailClosed(gw, context, {
    pr,
    defaultBranch: payload.repository.default_branch,
    // Only events that report the check fail it closed: a label removal or a merge never reports
    // one, so an error there must not turn the head's standing check into a failure.
    failClosedShas: closing || payload.action === "unlabeled" ? [] : [pr.headSha],
    relevant: payload.action === "unlabeled" ? (loaded) => isMarkerLabel(loaded, payload.label?.name) : undefined,
  });
  if (!result) return;
  const { evaluation, loaded } = result;

  if (payload.action === "unlabeled") {
    await putBackRemovedLabel(gw, context as Context<"pull_request.unlabeled">, evaluation, loaded);
    return;
  }
  if (closing) {
    await syncMarkerLabels(gw, evaluation, loaded);
    if (evaluation.decision.isOverride && pr.mergeCommitSha) {
      // The merge commit carries the override's verdict too: it is what gets deployed, and the
      // deployment gate reads the check of the SHA it deploys.
      await reportCheck(gw, evaluation, loaded, [pr.mergeCommitSha]);
      await followUpMergedOverride(gw, evaluation, loaded); // also updates the comment, with the link
    } else {
      await reportComment(gw, evaluation, { loaded });
    }
    await reportFailingChecksMerge(gw, evaluation, loaded, appLogin);
    return;
  }
  await labelCommentAndCheck(gw, evaluation, loaded);
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

function isMarkerLabel(loaded: LoadedConfig, label: string | undefined): boolean {
  const name = label?.toLowerCase();
  return Object.values(loaded.config.markers).some((m) => m.label.toLowerCase() === name);
}

/** A marker's label removed while the marker is there (or after the merge) goes back, and the comment says who removed it. */
async function putBackRemovedLabel(gw: Gateway, context: Context<"pull_request.unlabeled">, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  const removed = context.payload.label?.name;
  if (!removed || !evaluation.decision.labels.some((l) => l.toLowerCase() === removed.toLowerCase())) return;
  await syncMarkerLabels(gw, evaluation, loaded);
  const removal = { label: removed, by: context.payload.sender.login, at: new Date().toISOString() };
  await reportComment(gw, evaluation, { loaded, update: (state) => withLabelRemoval(state, removal) });
}
