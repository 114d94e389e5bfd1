import { z } from "zod";
import type { Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { hasHiddenKey } from "../markdown/hidden-block.js";
import { listIssuesByCreator, listIssuesByCreatorPages } from "../github/issues.js";
import {
  createRecord,
  readRecordBody,
  requireAppLogin,
  repositoryOf,
  saveRecord,
  signedBlockFor,
  type RecordKind,
  type RecordReading,
} from "../records/record-store.js";
import { protectionSnapshotSchema } from "./diff-protection.js";

/**
 * The drift report's record (SPEC section 6): the report's memory, kept in its own body as a
 * signed block: first-seen times, acceptances (`/pipeline-guard accept`), the protection
 * baseline, and the records found tampered with. GitHub holds it; the app stays stateless.
 */
const isoTime = z.iso.datetime();
export const acceptanceSchema = z
  .object({
    by: z.string().min(1),
    reason: z.string(),
    /** `YYYY-MM-DD` (accepted through the end of that day, UTC), an ISO time, or null for no end. */
    until: z.union([z.iso.date(), isoTime]).nullable(),
    /** ISO time of the accept command. */
    at: isoTime,
  })
  .strict();
export type Acceptance = z.infer<typeof acceptanceSchema>;

export const driftStateSchema = z
  .object({
    v: z.literal(1),
    items: z.record(z.string(), z.object({ firstSeen: isoTime }).strict()),
    accepted: z.record(z.string(), acceptanceSchema),
    /** Branch → the protection seen at its first scan; used where `drift.protection` is `{}`. */
    baseline: z.record(z.string(), protectionSnapshotSchema),
    /** Issue number → when a record of the app was found tampered with, and how (SPEC section 10, rule 2). */
    tampered: z.record(z.string(), z.object({ seenAt: isoTime, reason: z.string() }).strict()),
  })
  .strict();
export type DriftState = z.infer<typeof driftStateSchema>;

export const DRIFT_RECORD: RecordKind<DriftState> = { kind: "drift", schema: driftStateSchema };
/** There is one report per repository: its key is the kind's name. */
export const DRIFT_KEY = "drift";
export const DRIFT_REPORT_TITLE = "Configuration drift report";

export type DriftReportReading = RecordReading<DriftState>;

/**
 * The repository's report: the app's issue whose block verifies as the drift report, or, when none
 * does, the app's issue that claims to be it (its block or its key line) but does not verify: a
 * report someone tampered with, which the scan rebuilds in place and records. Listed oldest first:
 * the report is opened at the first scan, before most other records.
 */
export async function findDriftReport(gw: Gateway): Promise<DriftReportReading | null> {
  const seek = reportSeeker(gw);
  await listIssuesByCreator(gw, { creator: await requireAppLogin(gw), state: "all", direction: "asc" }, seek.visit);
  return seek.found();
}

/** The report among issues visited in order: `visit` says when the verified one is found; `found` is it, or the first tampered claim. */
function reportSeeker(gw: Pick<Gateway, "owner" | "repo">): { visit: (issue: IssueSummary) => boolean; found: () => DriftReportReading | null } {
  const repository = repositoryOf(gw);
  let tampered: DriftReportReading | null = null;
  let verified: DriftReportReading | null = null;
  return {
    visit: (issue) => {
      if (verified) return true;
      const reading = readRecordBody(DRIFT_RECORD, { repository, issue });
      if (reading?.status === "verified" && reading.key === DRIFT_KEY) verified = reading;
      else if (!tampered && reading?.status === "invalid" && (reading.claimedKey === DRIFT_KEY || hasHiddenKey(issue.body, "drift", DRIFT_KEY))) tampered = reading;
      return verified !== null;
    },
    found: () => verified ?? tampered,
  };
}

/**
 * The report (as `findDriftReport` finds it) and the app's open issues from one listing where
 * it can: the report's look-up lists the app's issues oldest first, whole pages at a time, until
 * the report is found; when that listing reached the last page it holds every issue of the app,
 * open ones included, and `open` is them. Otherwise `open` is null: the caller lists the open
 * issues as usual. Never more calls than the two look-ups apart.
 */
export async function findDriftReportAndOpenIssues(gw: Gateway): Promise<{ report: DriftReportReading | null; open: IssueSummary[] | null }> {
  const seek = reportSeeker(gw);
  let seen = 0;
  const listed = await listIssuesByCreatorPages(gw, { creator: await requireAppLogin(gw), state: "all", direction: "asc" }, (issues) => {
    let found = false;
    for (const issue of issues.slice(seen)) found = seek.visit(issue) || found;
    seen = issues.length;
    return found;
  });
  // The last page is visited here too (the callback only runs while pages are left to decide on).
  for (const issue of listed.issues.slice(seen)) seek.visit(issue);
  // Newest first, as the open listing gives them.
  return { report: seek.found(), open: listed.complete ? listed.issues.filter((issue) => issue.state === "open").reverse() : null };
}

export function readDriftReport(gw: Pick<Gateway, "owner" | "repo">, issue: IssueSummary, body?: string | null): DriftReportReading | null {
  return readRecordBody(DRIFT_RECORD, { repository: repositoryOf(gw), issue, body });
}

/** The signed block of the report for `state`, in issue `number` (null: a report not created yet). */
export function driftBlock(gw: Pick<Gateway, "owner" | "repo">, number: number | null, state: DriftState): string {
  return signedBlockFor(DRIFT_RECORD, { repository: repositoryOf(gw), number, key: DRIFT_KEY, state });
}

export async function createDriftReport(
  gw: Gateway,
  params: { state: DriftState; render: (state: DriftState, block: string) => string; closed?: boolean },
): Promise<{ issue: IssueSummary; created: boolean }> {
  return createRecord(gw, DRIFT_RECORD, {
    key: DRIFT_KEY,
    state: params.state,
    title: DRIFT_REPORT_TITLE,
    labels: [APP_LABELS.drift],
    render: (state) => (block) => params.render(state, block),
    closed: params.closed,
    direction: "asc",
  });
}

export async function saveDriftReport(
  gw: Gateway,
  params: { issue: IssueSummary; state: DriftState; body: (block: string) => string; change?: { state: "open" | "closed"; state_reason?: "completed" | "reopened" } },
): Promise<string> {
  return saveRecord(gw, DRIFT_RECORD, { issue: params.issue, key: DRIFT_KEY, state: params.state, render: params.body, change: params.change });
}
