import type { Config } from "../config/schema.js";
import type { ReviewOpinion } from "../github/pull-request-reviews.js";
import type { Authorization } from "./evaluate-override.js";
import type { MarkerPerson } from "./introducers.js";

/**
 * The two-person rule (`overrides.approval`), pure: which reviews could count, and what the check
 * says. A review counts only when it is an approval of the PR's current head, by a person (not a
 * bot, not a deleted account) who is neither the PR's author nor anyone who could have written one
 * of its markers (SPEC section 10, rule 6), and who is allowed by `approval.by`.
 */

/** What is known of the approvals of an override. */
export type ApprovalOutcome =
  /** A PR: the approvals of its head that count, and why the others do not. */
  | { kind: "reviews"; head: string; approvedBy: Authorization[]; notCounted: string[] }
  /** A direct push cannot be approved beforehand: its follow-up's Second approval box, ticked or not. */
  | { kind: "direct-push"; tickedBy: string | null };

const short = (sha: string) => sha.slice(0, 7);

/**
 * The reviewers whose approval could count (to be looked up against `approval.by`, in order), and
 * a reason for each approval that cannot. Only APPROVED opinions are considered: a reviewer whose
 * latest opinion asks for changes has not approved; a dismissed review is no opinion at all.
 */
export function approvalCandidates(params: { opinions: readonly ReviewOpinion[]; headSha: string; people: readonly MarkerPerson[] }): {
  candidates: string[];
  notCounted: string[];
} {
  const excluded = new Map<string, MarkerPerson>();
  for (const person of params.people) if (person.login) excluded.set(person.login.toLowerCase(), person);
  const candidates: string[] = [];
  const notCounted: string[] = [];
  const seen = new Set<string>();
  for (const opinion of params.opinions) {
    if (opinion.state !== "APPROVED") continue;
    if (opinion.login === null) {
      notCounted.push("an approval by a deleted account does not count");
      continue;
    }
    const key = opinion.login.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const who = `@${opinion.login}`;
    if (opinion.isBot || key.endsWith("[bot]")) {
      notCounted.push(`${who} is a bot: a bot is never the second person`);
    } else if (excluded.has(key)) {
      notCounted.push(`${who} (${excluded.get(key)!.roles.join("; ")}) cannot approve their own override`);
    } else if (!opinion.commitSha || opinion.commitSha.toLowerCase() !== params.headSha.toLowerCase()) {
      notCounted.push(`${who} approved ${opinion.commitSha ? `an older commit (${short(opinion.commitSha)})` : "a commit GitHub no longer knows"}, not the head ${short(params.headSha)}`);
    } else {
      candidates.push(opinion.login);
    }
  }
  return { candidates, notCounted };
}

function describeBy(by: Config["overrides"]["approval"]["by"]): string {
  const ways = [`${by.permission} permission`];
  if (by.teams.length > 0) ways.push(`membership of ${by.teams.join(", ")}`);
  if (by.users.length > 0) ways.push(`being listed in users`);
  return ways.join(", or ");
}

/** Whether the rule is met, and the requirement's line: who approved and who is still needed. */
export function approvalRequirement(params: { outcome: ApprovalOutcome | null; approval: Config["overrides"]["approval"] }): { met: boolean; detail: string } {
  const { outcome, approval } = params;
  const needed = approval.required;
  const plural = needed === 1 ? "approval" : "approvals";
  const whoMay = `someone allowed by overrides.approval.by (${describeBy(approval.by)}) other than the author and the markers' authors`;
  if (outcome === null) return { met: false, detail: "the approvals could not be checked" };
  if (outcome.kind === "direct-push") {
    if (outcome.tickedBy) return { met: true, detail: `second approval given after the push by @${outcome.tickedBy} (the follow-up's Second approval box)` };
    return {
      met: false,
      detail: `a direct push cannot be approved beforehand: override without approval; the follow-up's **Second approval** box must be ticked by ${whoMay}`,
    };
  }
  const approved = outcome.approvedBy.filter((a) => a.allowed);
  const refused = outcome.approvedBy.filter((a) => !a.allowed).map((a) => a.reason);
  const count = `${Math.min(approved.length, needed)} of ${needed} ${plural} of the head ${short(outcome.head)}`;
  const by = approved.length > 0 ? `: approved by ${approved.map((a) => a.reason).join("; ")}` : "";
  const notCounted = [...refused, ...outcome.notCounted];
  const others = notCounted.length > 0 ? `. Not counted: ${notCounted.join("; ")}` : "";
  if (approved.length >= needed) return { met: true, detail: `${count}${by}${others}` };
  const missing = needed - approved.length;
  return { met: false, detail: `${count}${by}; still needed: ${missing} more ${missing === 1 ? "approval" : "approvals"} of the head by ${whoMay}${others}` };
}
