import type { Context } from "probot";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor } from "../github/gateway.js";
import { pullRequestFacts } from "../github/pull-requests.js";
import { reevaluateForReview } from "../overrides/review-verdict.js";

/** `pull_request_review` submitted, edited, dismissed: the two-person rule of `overrides.approval`. */
export async function handlePullRequestReview(context: Context<"pull_request_review">, appLogin: AppLogin): Promise<void> {
  const { payload } = context;
  // A closed PR's verdict was settled at its merge (or it never merged): no call.
  if (payload.pull_request.state !== "open") return;
  await reevaluateForReview(gatewayFor(context, appLogin), context, {
    pr: pullRequestFacts(payload.pull_request),
    defaultBranch: payload.repository.default_branch,
  });
}
