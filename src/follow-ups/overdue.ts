import type { IssueSummary } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { openItems, type FollowUpState } from "./record.js";
import { checklistName, type ChecklistId } from "./checklist-ids.js";

const DAY_MS = 24 * 3_600_000;

export interface OverdueAction {
  issue: IssueSummary;
  addLabel: boolean;
  remind: boolean;
  openItems: ChecklistId[];
  /** The follow-up's deferred replacements, which name its `replace-N` boxes. */
  replace?: readonly string[];
}

/**
 * Open follow-ups past their due date: labelled `pipeline-guard:overdue` once, and reminded at most
 * once a day: a reminder waits until a day has passed without any activity on the issue (our own
 * last reminder included), so the app needs no memory of its own.
 */
export function overdueActions(followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState }>, now: Date): OverdueAction[] {
  return followUps.flatMap(({ issue, state }) => {
    if (issue.state !== "open") return [];
    const due = new Date(state.dueAt).getTime();
    if (!(due < now.getTime())) return [];
    const addLabel = !issue.labels.includes(APP_LABELS.overdue.name);
    const quietSince = new Date(issue.updatedAt || 0).getTime();
    const remind = addLabel || now.getTime() - quietSince >= DAY_MS;
    return [{ issue, addLabel, remind, openItems: openItems(state), ...(state.replace ? { replace: state.replace } : {}) }];
  });
}

export function renderReminder(action: OverdueAction): string {
  const items = action.openItems.length > 0 ? action.openItems.map((id) => checklistName(id, action.replace)).join(", ") : "the checklist";
  return `This follow-up is past its due date. Still to do: ${items}. Tick each box when it is done.`;
}
