import type { Config } from "../config/schema.js";
import { newlyTicked, parseChecklist, setChecklistItem, uncheckedItems } from "./checklist.js";

/** What the app remembers about a follow-up, in the issue's hidden state block. */
export interface FollowUpState {
  kind: "follow-up";
  /** The change's author: the one person whose tick of `review` does not count. */
  author: string;
  markers: string[];
  sha: string;
  pr?: number;
  dueAt: string;
  /** A direct push's other commits, so that the scan knows this follow-up covers them. */
  commits?: string[];
}

export type FollowUpAction =
  | { type: "reopen"; comment: string }
  | { type: "update-body"; body: string; comment: string }
  | { type: "close"; comment: string }
  | { type: "comment"; comment: string };

/**
 * A follow-up closed with a box unticked is reopened: the trail must be complete. The one way
 * out is "close as not planned" by someone allowed by `commands.allowed` (a deliberate, named
 * decision). In report mode nothing is reopened: the comment says what enforce mode would do.
 */
export function decideOnFollowUpClosed(params: {
  body: string;
  stateReason: string | null | undefined;
  closer: string;
  closerMayDismiss: boolean;
  mode: Config["mode"];
}): FollowUpAction | null {
  const open = uncheckedItems(parseChecklist(params.body));
  if (open.length === 0) return null;
  if (params.stateReason === "not_planned" && params.closerMayDismiss) return null;
  const list = open.map((i) => `**${i}**`).join(", ");
  if (params.mode === "report") {
    return { type: "comment", comment: `This follow-up was closed with ${list} unticked. In enforce mode Pipeline Guard would reopen it.` };
  }
  return {
    type: "reopen",
    comment:
      `Reopened: ${list} ${open.length === 1 ? "is" : "are"} not ticked yet. ` +
      "Tick each box when it is done, or close the issue as *not planned* if you may dismiss it (commands.allowed).",
  };
}

/** Whether an `issues.edited` change needs the app: a self-review to untick, or a finished list to close. */
export function decideOnFollowUpEdited(params: {
  body: string;
  previousBody: string | null | undefined;
  editor: string;
  state: Pick<FollowUpState, "author">;
  issueOpen: boolean;
  mode: Config["mode"];
}): FollowUpAction[] {
  const actions: FollowUpAction[] = [];
  let body = params.body;
  const ticked = params.previousBody == null ? [] : newlyTicked(parseChecklist(params.previousBody), parseChecklist(body));
  if (ticked.includes("review") && params.editor.toLowerCase() === params.state.author.toLowerCase()) {
    const why = "the **review** box counts only when someone other than the change's author ticks it";
    if (params.mode === "report") {
      actions.push({ type: "comment", comment: `@${params.editor} ticked **review** on their own change; ${why}. In enforce mode it would be unticked.` });
    } else {
      body = setChecklistItem(body, "review", false);
      actions.push({ type: "update-body", body, comment: `Unticked **review**: ${why}. Please ask a second person to review it after the fact.` });
    }
  }
  const checklist = parseChecklist(body);
  if (params.issueOpen && Object.keys(checklist).length > 0 && uncheckedItems(checklist).length === 0) {
    actions.push({ type: "close", comment: "Every follow-up item is done: closing. Thank you." });
  }
  return actions;
}
