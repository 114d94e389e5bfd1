import type { Context } from "probot";
import { onFollowUpClosed, onFollowUpEdited } from "../follow-ups/follow-up-events.js";

/** `issues.closed`: a follow-up closed with work left is reopened (SPEC section 5). */
export async function handleIssueClosed(context: Context<"issues.closed">): Promise<void> {
  await onFollowUpClosed(context);
}

/** `issues.edited`: edits of the app's records. */
export async function handleIssueEdited(context: Context<"issues.edited">): Promise<void> {
  await onFollowUpEdited(context);
}
