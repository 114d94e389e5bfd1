import type { BypassReading } from "../bypasses/record.js";
import type { FollowUpReading, FollowUpState } from "../follow-ups/record.js";
import { checklistIds } from "../follow-ups/checklist-ids.js";
import type { IssueSummary } from "../github/issues.js";

/** One override or bypass, as the auditor's ledger lists it (SPEC section 8a). */
export interface AuditRow {
  /** When it happened (the merge or push), ISO 8601. */
  when: string;
  /** `owner/name`. */
  repository: string;
  kind: "override" | "bypass";
  /**
   * `verified`: the record's signed block verifies, every field comes from it. `tampered`: the
   * app opened this issue but someone changed its record (SPEC section 10): nothing in it counts,
   * and the row only says that it exists.
   */
  record: "verified" | "tampered";
  pr: number | null;
  sha: string;
  /** The override's author, or the bypass's actor; empty when unknown. */
  who: string;
  markers: string[];
  justification: string | null;
  /**
   * A bypass has no follow-up: `n/a`. `waived`: closed by `/pipeline-guard waive REASON` (the reason
   * is in `waiverReason`); `not-planned`: closed as not planned with GitHub's button, without a reason.
   */
  followUp: "open" | "done" | "closed-incomplete" | "waived" | "not-planned" | "n/a";
  /** Ticked boxes of the follow-up's checklist, e.g. `2/3`; `n/a` for a bypass. */
  boxes: string;
  closedBy: string | null;
  closedAt: string | null;
  /** The issue's title: a follow-up's markers and PR title, a bypass's kind and branch. */
  title: string;
  issueUrl: string;
  /** The incident the override named (`overrides.incident`), and its link. */
  incident: string | null;
  incidentUrl: string | null;
  waivedBy: string | null;
  waiverReason: string | null;
  /** When the follow-up was escalated (`follow_up.escalate`). */
  escalatedAt: string | null;
}

const NO_EXTRAS = { incident: null, incidentUrl: null, waivedBy: null, waiverReason: null, escalatedAt: null } as const;

function followUpStatus(issue: IssueSummary, state: FollowUpState): AuditRow["followUp"] {
  if (issue.state !== "closed") return "open";
  if (checklistIds(state).every((id) => state.ticks[id])) return "done";
  if (state.waiver) return "waived";
  return issue.stateReason === "not_planned" ? "not-planned" : "closed-incomplete";
}

type Closed = { closedBy: string | null };

function common(issue: IssueSummary & Closed, repository: string) {
  return {
    repository,
    closedBy: issue.state === "closed" ? issue.closedBy : null,
    closedAt: issue.state === "closed" ? issue.closedAt : null,
    title: issue.title,
    issueUrl: issue.html_url,
  };
}

/** A follow-up record as a ledger row: every field from its verified state, never from its text. */
export function followUpRow(reading: FollowUpReading, issue: IssueSummary & Closed, repository: string): AuditRow {
  if (reading.status !== "verified") return tamperedRow("override", issue, repository);
  const { state } = reading;
  const boxes = checklistIds(state);
  const ticked = boxes.filter((id) => state.ticks[id]).length;
  return {
    ...common(issue, repository),
    when: state.at,
    kind: "override",
    record: "verified",
    pr: state.pr?.number ?? null,
    sha: state.sha,
    who: state.author ?? "",
    markers: [...state.markers],
    justification: state.justification,
    followUp: followUpStatus(issue, state),
    boxes: `${ticked}/${boxes.length}`,
    incident: state.incident?.id ?? null,
    incidentUrl: state.incident?.url ?? null,
    waivedBy: state.waiver?.by ?? null,
    waiverReason: state.waiver?.reason ?? null,
    escalatedAt: state.escalatedAt ?? null,
  };
}

export function bypassRow(reading: BypassReading, issue: IssueSummary & Closed, repository: string): AuditRow {
  if (reading.status !== "verified") return tamperedRow("bypass", issue, repository);
  const { state } = reading;
  return {
    ...common(issue, repository),
    when: state.at,
    kind: "bypass",
    record: "verified",
    pr: state.pr?.number ?? null,
    sha: state.sha,
    who: state.actor ?? "",
    markers: [],
    justification: null,
    followUp: "n/a",
    boxes: "n/a",
    ...NO_EXTRAS,
  };
}

/** A record someone changed: listed, so the ledger has no silent hole, with nothing read from it. */
function tamperedRow(kind: AuditRow["kind"], issue: IssueSummary & Closed, repository: string): AuditRow {
  return {
    ...common(issue, repository),
    when: new Date(issue.createdAt).toISOString(),
    kind,
    record: "tampered",
    pr: null,
    sha: "",
    who: "",
    markers: [],
    justification: null,
    followUp: kind === "bypass" ? "n/a" : issue.state === "closed" ? "closed-incomplete" : "open",
    boxes: "n/a",
    ...NO_EXTRAS,
  };
}
