import type { Context } from "probot";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor } from "../github/gateway.js";
import { pullRequestFacts } from "../github/pull-requests.js";
import { evaluateOrFailClosed, isMarkerLabel, labelCommentAndCheck, putBackRemovedLabel, recordMerge } from "../overrides/pull-request-verdict.js";

type PullRequestContext = Context<"pull_request">;

/** `pull_request` opened, edited, synchronize, reopened, ready_for_review, unlabeled, closed (merged). */
export async function handlePullRequest(context: PullRequestContext, appLogin: AppLogin): Promise<void> {
  const { payload } = context;
  if (payload.action === "labeled") return; // only a removal can need us: adding costs nothing
  const pr = pullRequestFacts(payload.pull_request);
  if (payload.action === "closed" && !pr.merged) return;
  const gw = gatewayFor(context, appLogin);
  const closing = payload.action === "closed";
  const removedLabel = payload.action === "unlabeled" ? (payload as Context<"pull_request.unlabeled">["payload"]).label?.name : undefined;
  const result = await evaluateOrFailClosed(gw, context, {
    pr,
    defaultBranch: payload.repository.default_branch,
    // Only events that report the check fail it closed: a label removal or a merge never reports
    // one, so an error there must not turn the head's standing check into a failure.
    failClosedShas: closing || payload.action === "unlabeled" ? [] : [pr.headSha],
    relevant: payload.action === "unlabeled" ? (loaded) => isMarkerLabel(loaded, removedLabel) : undefined,
  });
  if (!result) return;
  const { evaluation, loaded } = result;
  if (payload.action === "unlabeled") {
    if (removedLabel) await putBackRemovedLabel(gw, evaluation, loaded, { label: removedLabel, by: payload.sender.login });
    return;
  }
  if (closing) {
    await recordMerge(gw, evaluation, loaded);
    return;
  }
  await labelCommentAndCheck(gw, evaluation, loaded);
}
