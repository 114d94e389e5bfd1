import type { Gateway } from "../github/gateway.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { parseChecklist } from "./checklist.js";
import { checklistIds, checklistName } from "./checklist-ids.js";
import { followUpBodyFor, saveFollowUp, type FollowUpState } from "./record.js";

/**
 * An open follow-up whose body is not what its state renders to was edited while the app was not
 * listening (a missed webhook), still carries the pending signature of its creation, or was written
 * by an older version of the app. The body is rendered again from the state. Boxes out of step with
 * the state get a comment: a box ticked then counts for nothing, since nobody knows who ticked it
 * (SPEC section 10, rule 2). A change of the text alone is put back quietly: it cannot be told from
 * a new version's wording, and a comment would accuse nobody in particular.
 */
export async function repairFollowUps(gw: Gateway, followUps: ReadonlyArray<{ issue: IssueSummary; state: FollowUpState; pending: boolean }>): Promise<number> {
  let repaired = 0;
  for (const { issue, state, pending } of followUps) {
    if (followUpBodyFor(gw, issue.number, state) === issue.body) continue;
    await saveFollowUp(gw, { issue, state });
    repaired++;
    if (pending) continue; // only the signature was unfinished: nobody changed anything
    const boxes = parseChecklist(issue.body);
    const unrecorded = checklistIds(state).filter((item) => boxes[item] === true && !state.ticks[item]);
    if (unrecorded.length === 0) continue;
    const them = unrecorded.length === 1 ? "it" : "them";
    await createComment(
      gw,
      issue.number,
      `This follow-up was edited while Pipeline Guard was not listening, so the edit was undone (its record is kept by Pipeline Guard). The box${unrecorded.length === 1 ? "" : "es"} ${unrecorded.map((id) => checklistName(id, state.replace)).join(", ")} had been ticked then, by someone unknown: tick ${them} again so that it is recorded who did.`,
    );
  }
  return repaired;
}
