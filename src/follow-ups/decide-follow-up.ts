import type { Config } from "../config/schema.js";
import type { Authorization } from "../overrides/evaluate-override.js";
import { quietLogin } from "../markdown/escape-markdown.js";
import type { Checklist } from "./checklist.js";
import { checklistIds, checklistName, type ChecklistId } from "./checklist-ids.js";
import { openItems, type FollowUpState } from "./record.js";

/**
 * A follow-up closed with a box unticked (in its state) is reopened: the trail must be complete.
 * The one way out is "close as not planned" by someone allowed by `commands.allowed` (a
 * deliberate, named decision). In report mode nothing is reopened: the comment says what enforce
 * mode would do. Null: nothing to do.
 */
export function decideOnFollowUpClosed(params: {
  state: Pick<FollowUpState, "items" | "ticks" | "replace">;
  stateReason: string | null | undefined;
  closerMayDismiss: boolean;
  mode: Config["mode"];
}): { reopen: boolean; comment: string } | null {
  const open = openItems(params.state);
  if (open.length === 0) return null;
  if (params.stateReason === "not_planned" && params.closerMayDismiss) return null;
  const list = open.map((id) => checklistName(id, params.state.replace)).join(", ");
  if (params.mode === "report") {
    return { reopen: false, comment: `This follow-up was closed with ${list} unticked. In enforce mode Pipeline Guard would reopen it.` };
  }
  return {
    reopen: true,
    comment:
      `Reopened: ${list} ${open.length === 1 ? "is" : "are"} not ticked yet. ` +
      "Tick each box when it is done, or close the issue as *not planned* if you may dismiss it (commands.allowed).",
  };
}

export interface FollowUpEdit {
  /** The state after the edit: ticks taken as input, everything else as it was. */
  state: FollowUpState;
  /** What to say about the edit (refused ticks, undone text), or nothing. */
  comments: string[];
  /** Every box is ticked now: close the issue. */
  close: boolean;
}

/**
 * An edit of a follow-up by someone other than the app (SPEC section 10, rules 2 and 7). Ticking or
 * unticking a box is the one edit people make on purpose: it goes into the state with who did it.
 * A box whose line was deleted ticks nothing. The `review` box counts only when someone other than
 * the change's author ticks it, and never a bot (a bot is never the second reviewer). Every other
 * change is undone by rendering the body again from the state; the comment says who changed what.
 */
export function decideFollowUpEdit(params: {
  state: FollowUpState;
  /** The boxes as the edited body shows them. */
  boxes: Checklist;
  editor: { login: string; isBot: boolean };
  /** The edit changed more than the boxes: text, lines, the hidden block. */
  otherChanges: string[];
  issueOpen: boolean;
  mode: Config["mode"];
  now: Date;
  /** The editor looked up against `overrides.approval.by`, when they ticked the Second approval box. */
  approver?: Authorization;
}): FollowUpEdit {
  const { editor, mode } = params;
  const ticks = { ...params.state.ticks };
  const comments: string[] = [];
  const who = quietLogin(editor.login);
  for (const item of checklistIds(params.state)) {
    const box = params.boxes[item];
    if (box === undefined || box === Boolean(ticks[item])) continue;
    if (!box) {
      delete ticks[item];
      continue;
    }
    const refusal = refusedTick(item, params.state, editor, params.approver);
    if (refusal && mode !== "report") {
      comments.push(`${who} ticked ${checklistName(item, params.state.replace)}, which was not recorded: ${refusal}.`);
      continue;
    }
    if (refusal) comments.push(`${who} ticked ${checklistName(item, params.state.replace)}: ${refusal}. In enforce mode it would be unticked.`);
    ticks[item] = { by: editor.login, at: params.now.toISOString() };
  }
  if (params.otherChanges.length > 0) {
    comments.push(`${who} changed ${params.otherChanges.join(", ")} of this follow-up: the change was undone. Pipeline Guard keeps this record; only the checklist's boxes are yours to tick or untick, and it records who did.`);
  }
  const state = { ...params.state, ticks };
  const close = params.issueOpen && checklistIds(state).length > 0 && openItems(state).length === 0;
  if (close) comments.push("Every follow-up item is done: closing. Thank you.");
  return { state, comments, close };
}

function refusedTick(item: ChecklistId, state: Pick<FollowUpState, "author">, editor: { login: string; isBot: boolean }, approver?: Authorization): string | null {
  if (item === "approval") return refusedApproval(state, editor, approver);
  if (item !== "review") return null;
  if (editor.isBot) return "the **review** box counts only when a person other than the change's author ticks it, and a bot is never the second reviewer";
  if (state.author && editor.login.toLowerCase() === state.author.toLowerCase()) {
    return "the **review** box counts only when someone other than the change's author ticks it; please ask a second person to review the change";
  }
  return null;
}

/**
 * The Second approval of a direct push (the two-person rule): a person other than the pusher,
 * allowed by `overrides.approval.by`. Not looked up (`approver` missing): refused, fail closed.
 */
function refusedApproval(state: Pick<FollowUpState, "author">, editor: { login: string; isBot: boolean }, approver?: Authorization): string | null {
  if (editor.isBot) return "the **Second approval** is a person's, and a bot is never the second person";
  if (state.author && editor.login.toLowerCase() === state.author.toLowerCase()) {
    return "the **Second approval** must come from someone other than the person who pushed the change";
  }
  if (!approver) return "the **Second approval** could not be checked against `overrides.approval.by`";
  return approver.allowed ? null : `the **Second approval** needs someone allowed by \`overrides.approval.by\`: ${approver.reason.replace(/^@/, "")}`;
}
