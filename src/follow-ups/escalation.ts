import type { Config } from "../config/schema.js";
import type { IssueSummary } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { openItems, type FollowUpState } from "./record.js";

const HOUR_MS = 3_600_000;

/** What the scan does for one open follow-up under `follow_up.escalate`. */
export type EscalationAction =
  /** Long past due and never escalated: record the time, label it, mention `to` once. */
  | { kind: "escalate"; issue: IssueSummary; state: FollowUpState }
  /** Escalated before, its label since removed: the label goes back, nobody is mentioned again. */
  | { kind: "relabel"; issue: IssueSummary };

/**
 * Open follow-ups with work left, `after_hours` past their due date (SPEC section 11,
 * `follow_up.escalate`). The escalation is once per follow-up: its time is in the signed state, so
 * a removed label or a later scan never mentions anyone again. `to: []` escalates to nobody.
 */
export function escalationActions(
  followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState }>,
  params: { escalate: Config["follow_up"]["escalate"]; now: Date },
): EscalationAction[] {
  if (params.escalate.to.length === 0) return [];
  return followUps.flatMap(({ issue, state }): EscalationAction[] => {
    if (issue.state !== "open" || openItems(state).length === 0) return [];
    if (state.escalatedAt) {
      return issue.labels.includes(APP_LABELS.escalated.name) ? [] : [{ kind: "relabel", issue }];
    }
    const threshold = new Date(state.dueAt).getTime() + params.escalate.after_hours * HOUR_MS;
    return params.now.getTime() > threshold ? [{ kind: "escalate", issue, state }] : [];
  });
}

/** The one comment: who is asked, what is left, how late. The targets are the configuration's own (default branch). */
export function renderEscalation(state: FollowUpState, params: { escalate: Config["follow_up"]["escalate"]; now: Date }): string {
  const mentions = params.escalate.to.map((t) => `@${t.replace(/^@/, "")}`).join(", ");
  const late = Math.floor((params.now.getTime() - new Date(state.dueAt).getTime()) / HOUR_MS);
  const items = openItems(state).map((i) => `**${i}**`).join(", ");
  return (
    `Escalated to ${mentions}: this follow-up is ${late} h past its due date (more than \`follow_up.escalate.after_hours\`: ${params.escalate.after_hours}) ` +
    `and ${items} ${openItems(state).length === 1 ? "is" : "are"} still open. Please see that the work is done, or that the follow-up is waived with a reason (\`/pipeline-guard waive REASON\`).`
  );
}
