import type { Gateway } from "../github/gateway.js";
import { createComment, listAppIssues } from "../github/issues.js";
import { addLabels, APP_LABELS } from "../github/labels.js";
import { overdueActions, renderReminder } from "./overdue.js";

/** Open follow-ups past due: labelled, and reminded at most once a day. Returns how many reminders were made. */
export async function remindOverdue(gw: Gateway, now: Date): Promise<number> {
  let reminders = 0;
  const open = await listAppIssues(gw, { label: APP_LABELS.followUp.name, state: "open" });
  for (const action of overdueActions(open, now)) {
    if (action.addLabel) await addLabels(gw, action.issue.number, [APP_LABELS.overdue]);
    if (action.remind) {
      await createComment(gw, action.issue.number, renderReminder(action));
      reminders++;
    }
  }
  return reminders;
}
