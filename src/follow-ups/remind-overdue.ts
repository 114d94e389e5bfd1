import type { Gateway } from "../github/gateway.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS } from "../github/labels.js";
import { overdueActions, renderReminder } from "./overdue.js";
import type { FollowUpState } from "./record.js";

/** Open follow-ups past due: labelled, and reminded at most once a day. Returns how many reminders were made. */
export async function remindOverdue(gw: Gateway, params: { followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState }>; now: Date }): Promise<number> {
  let reminders = 0;
  for (const action of overdueActions(params.followUps, params.now)) {
    if (action.addLabel) await addLabels(gw, action.issue.number, [APP_LABELS.overdue]);
    if (action.remind) {
      await createComment(gw, action.issue.number, renderReminder(action));
      reminders++;
    }
  }
  return reminders;
}
