import { z } from "zod";
import type { Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { createRecord, readRecordBody, readRecords, repositoryOf, saveRecord, type RecordKind, type RecordReading } from "../records/record-store.js";
import { bypassTitle, renderBypassBody } from "./render-bypass-issue.js";

/**
 * A bypass issue's record (SPEC section 5): the one schema of its state, its key, and its reading
 * and writing. Everything the body shows is in the state, so the body can always be rendered again.
 */
export const BYPASS_KINDS = ["direct push", "force push", "branch deleted", "merged with failing checks", "ruleset bypass"] as const;
export type BypassKind = (typeof BYPASS_KINDS)[number];

/** Commits listed in the body; the state remembers more of them (their SHAs) for the scan. */
export const MAX_COMMITS_LISTED = 20;
/** Commits remembered in the state, so that the scan knows which ones a report covers. */
const MAX_COMMITS_REMEMBERED = 250;
const MAX_SUBJECT_LENGTH = 120;

export const bypassStateSchema = z
  .object({
    v: z.literal(1),
    bypass: z.enum(BYPASS_KINDS),
    branch: z.string(),
    /** The commit that reached the branch (for a deletion, the last commit it had). */
    sha: z.string().min(7),
    /** Who did it; null when no GitHub login is known (the scan found it after a missed webhook). */
    actor: z.string().nullable(),
    at: z.iso.datetime(),
    before: z.string().optional(),
    after: z.string().optional(),
    pr: z.object({ number: z.number().int().positive(), title: z.string() }).strict().optional(),
    /** Lines that say what was skipped (each failing required check), written by the app. */
    details: z.array(z.string()),
    /** Every commit the bypass brought that the app knows of (SHAs). */
    commits: z.array(z.string()),
    /** How many commits the bypass brought (the state keeps at most 250 of their SHAs). */
    commitCount: z.number().int().nonnegative(),
    /** The first commits' subjects, for the body. */
    subjects: z.array(z.object({ sha: z.string(), subject: z.string() }).strict()),
  })
  .strict();
export type BypassState = z.infer<typeof bypassStateSchema>;

export const BYPASS_RECORD: RecordKind<BypassState> = { kind: "bypass", schema: bypassStateSchema };

/** A bypass as the handlers and the scan see it: the input of a new bypass record. */
export interface BypassRecord {
  kind: BypassKind;
  branch: string;
  sha: string;
  actor: string | null;
  at: Date;
  before?: string;
  after?: string;
  pr?: { number: number; title: string };
  details: readonly string[];
  commits?: ReadonlyArray<{ sha: string; message: string }>;
}

export function bypassKey(record: Pick<BypassRecord, "sha">): string {
  return `sha=${record.sha}`;
}

export function newBypassState(record: BypassRecord): BypassState {
  const commits = record.commits ?? [];
  return {
    v: 1,
    bypass: record.kind,
    branch: record.branch,
    sha: record.sha,
    actor: record.actor,
    at: record.at.toISOString(),
    ...(record.before ? { before: record.before } : {}),
    ...(record.after ? { after: record.after } : {}),
    ...(record.pr ? { pr: { number: record.pr.number, title: record.pr.title } } : {}),
    details: [...record.details],
    commits: commits.slice(0, MAX_COMMITS_REMEMBERED).map((c) => c.sha),
    commitCount: commits.length,
    subjects: commits.slice(0, MAX_COMMITS_LISTED).map((c) => ({ sha: c.sha, subject: (c.message.split("\n")[0] ?? "").slice(0, MAX_SUBJECT_LENGTH) })),
  };
}

/** Opens the bypass's issue, once per key however often the event comes. */
export async function openBypass(gw: Gateway, record: BypassRecord): Promise<{ issue: IssueSummary; created: boolean }> {
  const state = newBypassState(record);
  return createRecord(gw, BYPASS_RECORD, {
    key: bypassKey(record),
    state,
    title: bypassTitle(state),
    labels: [APP_LABELS.bypass],
    render: (s) => (block) => renderBypassBody(s, { key: bypassKey(s), block }),
  });
}

export type BypassReading = RecordReading<BypassState>;

export function readBypass(gw: Pick<Gateway, "owner" | "repo">, issue: IssueSummary, body?: string | null): BypassReading | null {
  return readRecordBody(BYPASS_RECORD, { repository: repositoryOf(gw), issue, body });
}

export function readBypasses(gw: Pick<Gateway, "owner" | "repo">, issues: readonly IssueSummary[]): BypassReading[] {
  return readRecords(BYPASS_RECORD, repositoryOf(gw), issues);
}

/** Writes the bypass's body again from its state (an edit undone). */
export async function saveBypass(gw: Gateway, params: { issue: IssueSummary; state: BypassState }): Promise<string> {
  const key = bypassKey(params.state);
  return saveRecord(gw, BYPASS_RECORD, { issue: params.issue, key, state: params.state, render: (block) => renderBypassBody(params.state, { key, block }) });
}
