import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { checkAllowed } from "../github/permissions.js";
import { latestReviewOpinions } from "../github/pull-request-reviews.js";
import { MAX_PEOPLE_CHECKED } from "./authorize-people.js";
import { approvalCandidates, type ApprovalOutcome } from "./decide-approval.js";
import type { MarkerPerson } from "./introducers.js";

/**
 * The approvals of a PR's head for the two-person rule: one GraphQL call for every reviewer's latest
 * opinion, then one permission look-up per approver who could count (an approval of an older head,
 * the author's own, a bot's cost none), until enough are allowed. At most `MAX_PEOPLE_CHECKED`
 * approvers are looked up. Errors propagate: the caller fails closed, an unreadable approval never
 * counts.
 */
export async function gatherApprovals(
  gw: Gateway,
  params: { number: number; headSha: string; people: readonly MarkerPerson[]; approval: Config["overrides"]["approval"] },
): Promise<Extract<ApprovalOutcome, { kind: "reviews" }>> {
  const opinions = await latestReviewOpinions(gw, params.number);
  const { candidates, notCounted } = approvalCandidates({ opinions, headSha: params.headSha, people: params.people });
  const approvedBy = [];
  let allowed = 0;
  for (const [i, login] of candidates.entries()) {
    if (allowed >= params.approval.required) break;
    if (i >= MAX_PEOPLE_CHECKED) {
      notCounted.push(`${candidates.length - i} more approvals were not looked up (Pipeline Guard looks up at most ${MAX_PEOPLE_CHECKED})`);
      break;
    }
    const authorization = await checkAllowed(gw, login, params.approval.by);
    if (authorization.allowed) allowed++;
    approvedBy.push(authorization);
  }
  return { kind: "reviews", head: params.headSha, approvedBy, notCounted };
}
