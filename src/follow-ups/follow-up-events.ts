import type { Context } from "probot";
import { z } from "zod";
import { readConfig } from "../config/read-config.js";
import type { Gateway } from "../github/gateway.js";
import { createComment, updateIssue } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { checkAllowed } from "../github/permissions.js";
import { decideOnFollowUpClosed, decideOnFollowUpEdited, type FollowUpAction } from "./decide-follow-up.js";
import { parseChecklist, uncheckedItems } from "./checklist.js";
import { readStateBlock, replaceStateBlock } from "../markdown/hidden-block.js";

const followUpState = z.object({ kind: z.literal("follow-up"), author: z.string() });

type IssueContext = Context<"issues.closed"> | Context<"issues.edited">;

/** Our follow-up issues only: the label and the state block are in the payload, so anything else costs no call. */
function followUpAuthor(context: IssueContext): string | null {
  const { issue } = context.payload;
  if (issue.user?.type !== "Bot" || !issue.labels?.some((l) => l.name === APP_LABELS.followUp.name)) return null;
  const state = followUpState.safeParse(readStateBlock(issue.body));
  return state.success ? state.data.author : null;
}

async function apply(gw: Gateway, issueNumber: number, actions: readonly FollowUpAction[]): Promise<void> {
  for (const action of actions) {
    switch (action.type) {
      case "reopen":
        await updateIssue(gw, issueNumber, { state: "open" });
        break;
      case "update-body":
        await updateIssue(gw, issueNumber, { body: action.body });
        break;
      case "close":
        await updateIssue(gw, issueNumber, { state: "closed", state_reason: "completed" });
        break;
      case "comment":
        break;
    }
    await createComment(gw, issueNumber, action.comment);
  }
}

/** `issues.closed` on a follow-up: closed with a box unticked, it is reopened (SPEC section 5). */
export async function onFollowUpClosed(gw: Gateway, context: Context<"issues.closed">): Promise<void> {
  const { issue, sender } = context.payload;
  if (followUpAuthor(context) === null || uncheckedItems(parseChecklist(issue.body)).length === 0) return;
  const { config } = await readConfig(context);
  const stateReason = (issue as { state_reason?: string | null }).state_reason;
  const closerMayDismiss =
    stateReason === "not_planned" && sender.type !== "Bot" ? (await checkAllowed(gw, sender.login, config.commands.allowed)).allowed : false;
  const action = decideOnFollowUpClosed({ body: issue.body ?? "", stateReason, closer: sender.login, closerMayDismiss, mode: config.mode });
  if (action) await apply(gw, issue.number, [action]);
}

/**
 * `issues.edited` on a follow-up: a self-ticked review is unticked; a finished list closes the
 * issue. The hidden state (who the change's author is) is read from the body before the edit, and
 * a person's edit of it is undone: otherwise an author could rename themselves and tick review.
 * An edit that needs nothing costs no call. A bot's edit is left alone: the app's own edits (the
 * retest tick, an untick) come back as this event, and the step that made them has already closed
 * the issue where that was due; acting again would close and comment twice.
 */
export async function onFollowUpEdited(gw: Gateway, context: Context<"issues.edited">): Promise<void> {
  if (followUpAuthor(context) === null) return;
  const { issue, sender, changes } = context.payload;
  if (changes.body === undefined || sender.type === "Bot") return;
  const previousState = readStateBlock(changes.body.from);
  const previous = followUpState.safeParse(previousState);
  const tampered = previous.success && JSON.stringify(previousState) !== JSON.stringify(readStateBlock(issue.body));
  const body = tampered ? replaceStateBlock(issue.body ?? "", previousState) : (issue.body ?? "");
  const author = previous.success ? previous.data.author : (followUpAuthor(context) ?? "");
  const decide = (mode: "enforce" | "report") =>
    decideOnFollowUpEdited({ body, previousBody: changes.body?.from, editor: sender.login, state: { author }, issueOpen: issue.state === "open", mode });
  if (!tampered && decide("enforce").length === 0) return;
  const { config } = await readConfig(context);
  const actions = decide(config.mode);
  if (tampered && !actions.some((a) => a.type === "update-body")) {
    actions.unshift({ type: "update-body", body, comment: "The hidden state of this follow-up is kept by Pipeline Guard: the change to it was undone." });
  }
  await apply(gw, issue.number, actions);
}
