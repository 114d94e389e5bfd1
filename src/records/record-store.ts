import type { z } from "zod";
import { type Gateway, statusOf } from "../github/gateway.js";
import { createIssue, listIssuesByCreator, updateIssue, type IssueListing, type IssueSummary } from "../github/issues.js";
import { ensureLabels, type LabelSpec } from "../github/labels.js";
import { withKeyLock } from "../infrastructure/key-lock.js";
import { currentMetrics } from "../infrastructure/metrics.js";
import { readSignedBlock, renderSignedBlock, UNTOUCHED_SLACK_MS } from "./signed-block.js";
import { stateKeys } from "./state-keys.js";

/**
 * The app's records (follow-ups, bypasses, the drift report) are issues it opened, each carrying
 * one signed block (src/records/signed-block.ts). This module finds them by author and key, reads
 * and verifies them, creates them once per key, and writes them; each kind of record owns its
 * schema and rendering in its own `record.ts` and goes through here.
 */

/** One kind of record: its name (the block's `kind`) and the one schema of its state. */
export interface RecordKind<S> {
  kind: string;
  schema: z.ZodType<S>;
}

export type RecordReading<S> =
  | { issue: IssueSummary; status: "verified"; key: string; state: S; pending: boolean }
  /** The app opened it and it claims to be a record, but nothing in it can be believed. */
  | { issue: IssueSummary; status: "invalid"; reason: string; claimedKey: string | null };

export function repositoryOf(gw: Pick<Gateway, "owner" | "repo">): string {
  return `${gw.owner}/${gw.repo}`;
}

function untouched(issue: Pick<IssueSummary, "createdAt" | "updatedAt">): boolean {
  const created = Date.parse(issue.createdAt);
  const updated = Date.parse(issue.updatedAt);
  return Number.isFinite(created) && Number.isFinite(updated) && updated - created <= UNTOUCHED_SLACK_MS;
}

/**
 * A body read as a record of `kind`, or null when it is not one (no block, or a block of another
 * kind). The state must verify AND match the kind's schema; anything else is `invalid`.
 */
export function readRecordBody<S>(
  kind: RecordKind<S>,
  params: { repository: string; issue: IssueSummary; body?: string | null },
): RecordReading<S> | null {
  const { issue } = params;
  const body = params.body === undefined ? issue.body : params.body;
  // A body other than the issue's own (an edit's `changes.body.from`) is never the untouched original.
  const reading = readSignedBlock(body, { repository: params.repository, number: issue.number, untouched: params.body === undefined && untouched(issue), keys: stateKeys() });
  if (reading.status === "absent") return null;
  if (reading.status === "invalid") {
    if (reading.claimed && reading.claimed.kind !== kind.kind) return null;
    return { issue, status: "invalid", reason: reading.reason, claimedKey: reading.claimed?.key ?? null };
  }
  if (reading.kind !== kind.kind) return null;
  const state = kind.schema.safeParse(reading.state);
  if (!state.success) return { issue, status: "invalid", reason: "the record's state does not have the expected form", claimedKey: reading.key };
  return { issue, status: "verified", key: reading.key, state: state.data, pending: reading.pending };
}

/** The app's own login, or an error: a record look-up without it could not tell the app's issues from anyone's. */
export async function requireAppLogin(gw: Gateway): Promise<string> {
  const login = await gw.appLogin();
  if (!login) throw new Error("the app's own login is not known (GitHub could not be asked): its records cannot be told from anyone else's");
  return login;
}

/** The app's issues (its records of every kind), by author. */
export async function listAppIssues(gw: Gateway, listing: Omit<IssueListing, "creator">): Promise<IssueSummary[]> {
  return listIssuesByCreator(gw, { ...listing, creator: await requireAppLogin(gw) });
}

/** Every record of `kind` among issues, verified or not. */
export function readRecords<S>(kind: RecordKind<S>, repository: string, issues: readonly IssueSummary[]): RecordReading<S>[] {
  return issues.flatMap((issue) => {
    const reading = readRecordBody(kind, { repository, issue });
    return reading ? [reading] : [];
  });
}

/**
 * The verified record of `kind` with `key`, or null. Found among the issues the app opened, never
 * by a label: removing or renaming a label loses nothing. A block that does not verify is never
 * taken for the record it claims to be (a planted claim must not stand in for the real one).
 */
export async function findRecord<S>(
  gw: Gateway,
  kind: RecordKind<S>,
  params: { key: string; direction?: "asc" | "desc" },
): Promise<Extract<RecordReading<S>, { status: "verified" }> | null> {
  const repository = repositoryOf(gw);
  let found: Extract<RecordReading<S>, { status: "verified" }> | null = null;
  await listIssuesByCreator(gw, { creator: await requireAppLogin(gw), state: "all", direction: params.direction }, (issue) => {
    const reading = readRecordBody(kind, { repository, issue });
    if (reading?.status === "verified" && reading.key === params.key) found = reading;
    return found !== null;
  });
  return found;
}

/** The full body of a record: its hidden key line (SPEC section 5), its text, its signed block. */
export type RenderBody = (block: string) => string;

export function signedBlockFor<S>(kind: RecordKind<S>, params: { repository: string; number: number | null; key: string; state: S }): string {
  return renderSignedBlock({ kind: kind.kind, key: params.key, state: params.state }, { repository: params.repository, number: params.number }, stateKeys());
}

/** How many times a create whose outcome is unknown (5xx, timeout) is tried, a look-up before each retry. */
const CREATE_ATTEMPTS = 2;

/** A failure after which the issue may exist all the same: a 5xx, or no answer at all. */
function mayHaveLanded(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

/**
 * Find-or-create by key (SPEC section 10, rule 9): one record per key, whatever is redelivered,
 * replayed or concurrent in this process, and even when a create landed but answered 5xx or timed
 * out: the key is looked up again before creating again. The record is created with a pending
 * signature and signed with its number at once; `closed` closes it in that same write.
 */
export async function createRecord<S>(
  gw: Gateway,
  kind: RecordKind<S>,
  spec: {
    key: string;
    state: S;
    title: string;
    labels: readonly [LabelSpec, ...LabelSpec[]];
    assignees?: readonly string[];
    render: (state: S) => RenderBody;
    closed?: boolean;
    direction?: "asc" | "desc";
  },
): Promise<{ issue: IssueSummary; created: boolean }> {
  return withKeyLock(`${gw.owner}/${gw.repo}:record:${kind.kind} ${spec.key}`, async () => {
    const existing = await findRecord(gw, kind, { key: spec.key, direction: spec.direction });
    if (existing) return { issue: existing.issue, created: false };
    const repository = repositoryOf(gw);
    const body = (number: number | null) => spec.render(spec.state)(signedBlockFor(kind, { repository, number, key: spec.key, state: spec.state }));
    await ensureLabels(gw, spec.labels);
    let issue: IssueSummary | null = null;
    for (let attempt = 1; issue === null; attempt++) {
      try {
        issue = await createIssue(gw, { record: { kind: kind.kind, key: spec.key }, title: spec.title, body: body(null), labels: spec.labels.map((l) => l.name), assignees: spec.assignees });
      } catch (error) {
        if (!mayHaveLanded(error)) throw error;
        gw.log.warn({ err: error, kind: kind.kind, key: spec.key, attempt }, "creating a record failed in a way that may have landed: looking it up before trying again");
        const landed = await findRecord(gw, kind, { key: spec.key, direction: "desc" });
        if (landed) {
          issue = landed.issue;
        } else if (attempt >= CREATE_ATTEMPTS) {
          throw error;
        }
      }
    }
    if (issue.number > 0) await signCreatedRecord(gw, { issue, body: body(issue.number), closed: spec.closed === true });
    currentMetrics()?.recordsCreated.inc({ kind: kind.kind });
    return { issue, created: true };
  });
}

async function signCreatedRecord(gw: Gateway, params: { issue: IssueSummary; body: string; closed: boolean }): Promise<void> {
  try {
    await updateIssue(gw, params.issue.number, { body: params.body, ...(params.closed ? { state: "closed", state_reason: "completed" } : {}) });
    params.issue.body = params.body;
  } catch (error) {
    // The record exists with its pending signature, which is believed while nobody touches the
    // issue; the next write of the record signs it with its number.
    gw.log.error({ err: error, issue: params.issue.number }, "a new record could not be signed with its number yet");
  }
}

/** Rewrites a record's body for its state (and optionally opens or closes it) in one write; no write when nothing changed. */
export async function saveRecord<S>(
  gw: Gateway,
  kind: RecordKind<S>,
  params: {
    issue: IssueSummary;
    key: string;
    state: S;
    render: RenderBody;
    change?: { state: "open" | "closed"; state_reason?: "completed" | "not_planned" | "reopened" };
  },
): Promise<string> {
  const block = signedBlockFor(kind, { repository: repositoryOf(gw), number: params.issue.number, key: params.key, state: params.state });
  const body = params.render(block);
  if (body === params.issue.body && !params.change) return body;
  await updateIssue(gw, params.issue.number, { ...(body === params.issue.body ? {} : { body }), ...(params.change ?? {}) });
  return body;
}
