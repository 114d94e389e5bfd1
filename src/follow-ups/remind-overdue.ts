import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS } from "../github/labels.js";
import { notify } from "../notifications/notify.js";
import { escalationActions, renderEscalation } from "./escalation.js";
import { overdueActions, renderReminder } from "./overdue.js";
import { saveFollowUp, type FollowUpState } from "./record.js";

/**
 * Open follow-ups past due: labelled, and reminded at most once a day; long past due, escalated
 * once (`follow_up.escalate`). Returns how many reminders were made.
 */
export async function remindOverdue(
  gw: Gateway,
  params: {
    followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState }>;
    now: Date;
    escalate?: Config["follow_up"]["escalate"];
    /** Which notifications the repository sends (an escalation is one). */
    notify?: Config["notify"];
  },
): Promise<number> {
  let reminders = 0;
  for (const action of overdueActions(params.followUps, params.now)) {
    if (action.addLabel) await addLabels(gw, action.issue.number, [APP_LABELS.overdue]);
    if (action.remind) {
      await createComment(gw, action.issue.number, renderReminder(action));
      reminders++;
    }
  }
  if (params.escalate) await escalateFollowUps(gw, { followUps: params.followUps, now: params.now, escalate: params.escalate, notify: params.notify });
  return reminders;
}

/**
 * The escalation's time goes into the signed state first, then the label, then the one comment
 * that mentions `to`: a failure in between can lose the mention, never repeat it.
 */
async function escalateFollowUps(
  gw: Gateway,
  params: { followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState }>; now: Date; escalate: Config["follow_up"]["escalate"]; notify?: Config["notify"] },
): Promise<void> {
  for (const action of escalationActions(params.followUps, params)) {
    if (action.kind === "relabel") {
      await addLabels(gw, action.issue.number, [APP_LABELS.escalated]);
      continue;
    }
    const state = { ...action.state, escalatedAt: params.now.toISOString() };
    await saveFollowUp(gw, { issue: action.issue, state });
    await addLabels(gw, action.issue.number, [APP_LABELS.escalated]);
    await createComment(gw, action.issue.number, renderEscalation(state, params));
    if (params.notify) {
      notify(gw, { notify: params.notify }, { kind: "escalation", repository: `${gw.owner}/${gw.repo}`, title: action.issue.title, url: action.issue.html_url, to: params.escalate.to });
    }
  }
}
