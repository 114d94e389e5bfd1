import type { Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";
import { requireAppLogin } from "../records/record-store.js";
import { MAX_WAIVER_REASON, openItems, readFollowUp, saveFollowUp } from "./record.js";

/**
 * `/pipeline-guard waive REASON` on a follow-up (SPEC section 11), by someone allowed by
 * `commands.allowed` (the caller checked): the accepted risk goes into the signed state (who, why,
 * when) and the issue is closed as not planned, in one write. The app's own close is no close by
 * someone else, so it is never reopened. Returns the reply.
 */
export async function waiveFollowUp(gw: Gateway, params: { issue: IssueSummary; by: string; reason: string; now: Date }): Promise<string> {
  const { issue } = params;
  const self = await requireAppLogin(gw);
  const reading = issue.author?.toLowerCase() === self.toLowerCase() ? readFollowUp(gw, issue) : null;
  if (!reading) return "`waive` works on a follow-up issue of Pipeline Guard's: comment it there.";
  if (reading.status !== "verified") return "This follow-up's record does not verify (it was changed by someone else), so nothing can be recorded in it. The next drift scan reports it.";
  if (issue.state !== "open") return "This follow-up is already closed: reopen it first if the work it asks for is to be waived.";
  const left = openItems(reading.state);
  if (left.length === 0) return "Every box of this follow-up is ticked: there is nothing to waive.";
  const waiver = { by: params.by, reason: params.reason.slice(0, MAX_WAIVER_REASON), at: params.now.toISOString() };
  await saveFollowUp(gw, { issue, state: { ...reading.state, waiver }, change: { state: "closed", state_reason: "not_planned" } });
  return `Waived: ${left.map((i) => `**${i}**`).join(", ")} will not be done. The reason is on the record, and the follow-up is closed as not planned.`;
}
