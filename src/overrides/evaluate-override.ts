import type { Config, FollowUpItem } from "../config/schema.js";
import type { FoundMarker } from "../markers/collect-markers.js";
import { approvalRequirement, type ApprovalOutcome } from "./decide-approval.js";
import { findIncident, incidentRequirement, type Incident } from "./find-incident.js";

export type Conclusion = "success" | "failure" | "neutral";

/** Whether the person who used a marker may; `reason` is shown to users as written. */
export interface Authorization {
  allowed: boolean;
  reason: string;
}

export interface OverrideFacts {
  markers: readonly FoundMarker[];
  /** Who wrote the override: the PR author, or the pusher of a direct push. */
  actor: string;
  /** A fork PR's marker is never honored: anyone can open one. */
  fromFork: boolean;
  /** null when not looked up (no markers, or a fork). */
  authorization: Authorization | null;
  justification: string | null;
  /** Where a justification is expected, for the message when it is missing. */
  justificationWhere: "pull-request" | "commit";
  /**
   * The two-person rule's facts, gathered only when `overrides.approval.required > 0` and a marker
   * is there (not from a fork); null: they could not be gathered (the rule is then unmet).
   */
  approval?: ApprovalOutcome | null;
  config: Pick<Config, "mode" | "markers" | "overrides">;
}

export interface Requirement {
  id: "not-fork" | "authorized" | "justified" | "incident" | "approved";
  met: boolean;
  detail: string;
}

export interface OverrideDecision {
  isOverride: boolean;
  conclusion: Conclusion;
  title: string;
  requirements: Requirement[];
  /** Labels of the markers found, in marker order. */
  labels: string[];
  /** Follow-up checklist items of the markers, without repeats, in a stable order. */
  followUpItems: FollowUpItem[];
  /** The incident the justification names (`overrides.incident.pattern`), or null. */
  incident: Incident | null;
}

const ITEM_ORDER: readonly FollowUpItem[] = ["retest", "postmortem", "review"];

function requirementsOf(facts: OverrideFacts): Requirement[] {
  const requirements: Requirement[] = [];
  if (facts.fromFork) {
    requirements.push({ id: "not-fork", met: false, detail: "markers in a pull request from a fork are never honored" });
  } else {
    const authorization = facts.authorization ?? { allowed: false, reason: "could not be checked" };
    requirements.push({ id: "authorized", met: authorization.allowed, detail: authorization.reason });
  }
  const { required, headings } = facts.config.overrides.justification;
  if (required) {
    const where =
      facts.justificationWhere === "pull-request"
        ? `a ${headings.map((h) => `"## ${h}"`).join(" or ")} section with text under it in the PR body`
        : `a "Justification: …" line in the commit message body`;
    requirements.push(
      facts.justification
        ? { id: "justified", met: true, detail: "justification given" }
        : { id: "justified", met: false, detail: `no justification: add ${where}` },
    );
  }
  if (facts.config.overrides.incident.required) {
    requirements.push({ id: "incident", ...incidentRequirement(findIncident(facts.justification, facts.config.overrides.incident), facts.config.overrides.incident) });
  }
  if (facts.config.overrides.approval.required > 0 && !facts.fromFork) {
    requirements.push({ id: "approved", ...approvalRequirement({ outcome: facts.approval ?? null, approval: facts.config.overrides.approval }) });
  }
  return requirements;
}

/** Facts in, decision out: no API, no clock. */
export function evaluateOverride(facts: OverrideFacts): OverrideDecision {
  const { markers, config } = facts;
  if (markers.length === 0) {
    return { isOverride: false, conclusion: "success", title: "No override markers", requirements: [], labels: [], followUpItems: [], incident: null };
  }
  const policies = markers.flatMap((m) => {
    const policy = config.markers[m.name];
    return policy ? [policy] : [];
  });
  const labels = [...new Set(policies.map((p) => p.label))];
  const wanted = new Set(policies.flatMap((p) => p.follow_up));
  const followUpItems = ITEM_ORDER.filter((item) => wanted.has(item));
  const requirements = requirementsOf(facts);
  const unmet = requirements.filter((r) => !r.met);
  const names = markers.map((m) => m.name).join(", ");
  let conclusion: Conclusion;
  let title: string;
  if (unmet.length === 0) {
    conclusion = "success";
    title = `Override allowed: ${names}`;
  } else {
    conclusion = config.mode === "report" ? "neutral" : "failure";
    const count = `${unmet.length} requirement${unmet.length === 1 ? "" : "s"} unmet`;
    title = config.mode === "report" ? `Report mode: override of ${names} has ${count}` : `Override not allowed: ${names} (${count})`;
  }
  const incident = findIncident(facts.justification, config.overrides.incident);
  return { isOverride: true, conclusion, title, requirements, labels, followUpItems, incident };
}

/** An error while gathering facts never leaves the check pending: enforce mode fails closed. */
export function failClosedConclusion(mode: Config["mode"]): Conclusion {
  return mode === "report" ? "neutral" : "failure";
}
