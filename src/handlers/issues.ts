import type { Context } from "probot";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor } from "../github/gateway.js";
import { onFollowUpClosed, onFollowUpEdited } from "../follow-ups/follow-up-events.js";

/** `issues.closed`: a follow-up closed with work left is reopened (SPEC section 5). */
export async function handleIssueClosed(context: Context<"issues.closed">, appLogin: AppLogin): Promise<void> {
  await onFollowUpClosed(gatewayFor(context, appLogin), context);
}

/** `issues.edited`: edits of the app's records. */
export async function handleIssueEdited(context: Context<"issues.edited">, appLogin: AppLogin): Promise<void> {
  await onFollowUpEdited(gatewayFor(context, appLogin), context);
}
