import type { Context } from "probot";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor } from "../github/gateway.js";
import { pullRequestFacts } from "../github/pull-requests.js";
import type { EvaluationTrigger } from "../overrides/evaluate-pull-request.js";
import {
  evaluateOrFailClosed,
  isMarkerLabel,
  labelCommentAndCheck,
  putBackRemovedLabel,
  recordArrival,
  recordMerge,
  withPullRequestLock,
} from "../overrides/pull-request-verdict.js";

type PullRequestContext = Context<"pull_request">;

/** What in the payload tells who could have brought a marker (SPEC section 10, rule 6). */
function triggerOf(payload: PullRequestContext["payload"]): EvaluationTrigger {
  switch (payload.action) {
    case "opened":
      return { event: "opened" };
    case "edited": {
      const { changes } = payload as Context<"pull_request.edited">["payload"];
      const from: { title?: string | null; body?: string | null } = {};
      if (changes?.title) from.title = changes.title.from;
      if (changes?.body) from.body = changes.body.from ?? null;
      return { event: "edited", sender: payload.sender?.login ?? "ghost", from, baseChanged: Boolean(changes?.base) };
    }
    case "synchronize": {
      const { before } = payload as Context<"pull_request.synchronize">["payload"];
      return { event: "synchronize", sender: payload.sender?.login ?? "ghost", before: before ?? null };
    }
    default:
      return { event: "again" };
  }
}

/** `pull_request` opened, edited, synchronize, reopened, ready_for_review, unlabeled, closed (merged). */
export async function handlePullRequest(context: PullRequestContext, appLogin: AppLogin): Promise<void> {
  const { payload } = context;
  const pr = pullRequestFacts(payload.pull_request);
  const gw = gatewayFor(context, appLogin);
  // The newest facts, on arrival (rule 13): an evaluation of older ones still running drops its result.
  await recordArrival(gw, pr);
  if (payload.action === "labeled") return; // only a removal can need us: adding costs nothing
  if (payload.action === "closed" && !pr.merged) return;
  const closing = payload.action === "closed";
  const removedLabel = payload.action === "unlabeled" ? (payload as Context<"pull_request.unlabeled">["payload"]).label?.name : undefined;
  await withPullRequestLock(gw, pr, async () => {
    const result = await evaluateOrFailClosed(gw, context, {
      pr,
      defaultBranch: payload.repository.default_branch,
      // Only events that report the check fail it closed: a label removal or a merge never reports
      // one, so an error there must not turn the head's standing check into a failure.
      failClosedShas: closing || payload.action === "unlabeled" ? [] : [pr.headSha],
      relevant: payload.action === "unlabeled" ? (loaded) => isMarkerLabel(loaded, removedLabel) : undefined,
      trigger: triggerOf(payload),
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
  });
}
