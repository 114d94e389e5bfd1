import { z } from "zod";
import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";
import { APP_LABELS, markerLabelSpec } from "../github/labels.js";
import { createRecord, findRecord, readRecordBody, readRecords, repositoryOf, saveRecord, signedBlockFor, type RecordKind, type RecordReading } from "../records/record-store.js";
import { renderFollowUpBody, followUpTitle } from "./render-follow-up-issue.js";
import { checklistIds, FOLLOW_UP_BOXES, REPLACE_ITEM_ID, type ChecklistId, type FollowUpBox } from "./checklist-ids.js";

/**
 * A follow-up issue's record (SPEC section 5): the one schema of its state, its key, and its
 * reading and writing. The body is rendered from the state alone, so that an edit can always be
 * undone by rendering again, and the checklist is the state's: who ticked which box.
 */
export { FOLLOW_UP_BOXES, type FollowUpBox } from "./checklist-ids.js";
export const followUpBox = z.enum(FOLLOW_UP_BOXES);

/** A waiver's reason is a sentence or two; the command line holds at most 1,000 characters anyway. */
export const MAX_WAIVER_REASON = 1000;

const tick = z.object({ by: z.string().min(1), at: z.iso.datetime() }).strict();
export type Tick = z.infer<typeof tick>;

/** Replacements an `[emergency-deploy]` override deferred, kept in a follow-up (issue #13): as many as the immutable check lists. */
export const MAX_DEFERRED_REPLACEMENTS = 50;
/** A box of the checklist: a follow-up item, or a deferred replacement's `replace-N`. */
const checklistId = z.union([followUpBox, z.string().regex(REPLACE_ITEM_ID)]) as z.ZodType<ChecklistId>;

export const followUpStateSchema = z
  .object({
    v: z.literal(1),
    /** The PR, when the override came through one. */
    pr: z.object({ number: z.number().int().positive(), title: z.string() }).strict().optional(),
    /** The merge commit, or the pushed commit. */
    sha: z.string().min(7),
    branch: z.string(),
    markers: z.array(z.string()),
    labels: z.array(z.string()),
    items: z.array(followUpBox),
    /**
     * Immutable resources whose replacement an allowed `[emergency-deploy]` override deferred
     * (issue #13): one box each, `replace-N` for the N-th address. Absent on other follow-ups.
     */
    replace: z.array(z.string().min(1)).min(1).max(MAX_DEFERRED_REPLACEMENTS).optional(),
    /** The change's author (a direct push: its pusher); null when no GitHub login is known. */
    author: z.string().nullable(),
    /** Who merged, or who pushed. */
    merger: z.string().nullable(),
    at: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    dueHours: z.number().int().positive(),
    justification: z.string().nullable(),
    /** Requirements not met at merge: the follow-up says the override went through anyway. */
    unmet: z.array(z.string()),
    /** A direct push's other commits, so that the scan knows this follow-up covers them. */
    commits: z.array(z.string()).optional(),
    /** `follow_up.retest_workflow` when the follow-up was opened, for the retest box's text. */
    retestWorkflow: z.string(),
    /** The incident the justification named (`overrides.incident`), with its link. */
    incident: z.object({ id: z.string().min(1).max(100), url: z.string().nullable() }).strict().optional(),
    /**
     * When the follow-up was escalated (`follow_up.escalate`): written before the comment that
     * mentions people, so that a failure can lose a mention but never repeat one.
     */
    escalatedAt: z.iso.datetime().optional(),
    /** `/pipeline-guard waive REASON`: who accepted the risk of the work left undone, and why. */
    waiver: z.object({ by: z.string().min(1), reason: z.string().min(1).max(MAX_WAIVER_REASON), at: z.iso.datetime() }).strict().optional(),
    /** Who ticked each box, and when; a box without an entry is open. */
    ticks: z.partialRecord(checklistId, tick),
  })
  .strict();
export type FollowUpState = z.infer<typeof followUpStateSchema>;

export const FOLLOW_UP_RECORD: RecordKind<FollowUpState> = { kind: "follow-up", schema: followUpStateSchema };

/** What an override was, whichever road it took (a merged PR or a direct push): the input of a new follow-up. */
export interface OverrideRecord {
  pr?: { number: number; title: string };
  sha: string;
  branch: string;
  markers: readonly string[];
  labels: readonly string[];
  items: readonly FollowUpBox[];
  author: string | null;
  merger: string | null;
  at: Date;
  justification: string | null;
  unmet: readonly string[];
  /** Addresses whose replacement the override deferred (the immutable check's findings). */
  replace?: readonly string[];
  /** Every commit of a direct push (the head is `sha`). */
  commits?: readonly string[];
  incident?: { id: string; url: string | null } | null;
}

/** Commits of a direct push remembered in the state, for the scan's look-back. */
const MAX_COMMITS_REMEMBERED = 250;
/** GitHub allows ten assignees on an issue. */
const MAX_ASSIGNEES = 10;

export function followUpKey(record: { pr?: { number: number }; sha: string }): string {
  return record.pr ? `pr=${record.pr.number}` : `sha=${record.sha}`;
}

export function newFollowUpState(record: OverrideRecord, config: Pick<Config, "follow_up">): FollowUpState {
  const due = new Date(record.at.getTime() + config.follow_up.due_hours * 3_600_000);
  return {
    v: 1,
    ...(record.pr ? { pr: { number: record.pr.number, title: record.pr.title } } : {}),
    sha: record.sha,
    branch: record.branch,
    markers: [...record.markers],
    labels: [...record.labels],
    items: [...record.items],
    ...(record.replace && record.replace.length > 0 ? { replace: record.replace.slice(0, MAX_DEFERRED_REPLACEMENTS) } : {}),
    author: record.author,
    merger: record.merger,
    at: record.at.toISOString(),
    dueAt: due.toISOString(),
    dueHours: config.follow_up.due_hours,
    justification: record.justification,
    unmet: [...record.unmet],
    ...(record.commits && record.commits.length > 1 ? { commits: record.commits.slice(0, MAX_COMMITS_REMEMBERED) } : {}),
    retestWorkflow: config.follow_up.retest_workflow,
    ...(record.incident ? { incident: { id: record.incident.id, url: record.incident.url } } : {}),
    ticks: {},
  };
}

export function followUpAssignees(state: FollowUpState, assignees: readonly string[]): string[] {
  const logins = assignees.map((a) => (a === "author" ? state.author : a === "merger" ? state.merger : a));
  const seen = new Set<string>();
  return logins
    .filter((login): login is string => Boolean(login) && !login!.endsWith("[bot]"))
    .filter((login) => !seen.has(login.toLowerCase()) && seen.add(login.toLowerCase()))
    .slice(0, MAX_ASSIGNEES);
}

/** The one road to a follow-up issue, for a merged PR, a direct push and the scan alike: one per key. */
export async function openFollowUp(gw: Gateway, record: OverrideRecord, config: Pick<Config, "follow_up">): Promise<{ issue: IssueSummary; created: boolean }> {
  const state = newFollowUpState(record, config);
  return createRecord(gw, FOLLOW_UP_RECORD, {
    key: followUpKey(record),
    state,
    title: followUpTitle(state),
    labels: [APP_LABELS.followUp, ...state.labels.map(markerLabelSpec)],
    assignees: followUpAssignees(state, config.follow_up.assignees),
    render: (s) => (block) => renderFollowUpBody(s, { key: followUpKey(s), block }),
  });
}

export type FollowUpReading = RecordReading<FollowUpState>;

/** A follow-up issue read as a record (its own body, or another version such as an edit's `changes.body.from`). */
export function readFollowUp(gw: Pick<Gateway, "owner" | "repo">, issue: IssueSummary, body?: string | null): FollowUpReading | null {
  return readRecordBody(FOLLOW_UP_RECORD, { repository: repositoryOf(gw), issue, body });
}

export function readFollowUps(gw: Pick<Gateway, "owner" | "repo">, issues: readonly IssueSummary[]): FollowUpReading[] {
  return readRecords(FOLLOW_UP_RECORD, repositoryOf(gw), issues);
}

export async function findFollowUp(gw: Gateway, key: string): Promise<Extract<FollowUpReading, { status: "verified" }> | null> {
  return findRecord(gw, FOLLOW_UP_RECORD, { key });
}

/** The body the app writes for `state` in issue `number`. */
export function followUpBodyFor(gw: Pick<Gateway, "owner" | "repo">, number: number, state: FollowUpState): string {
  const key = followUpKey(state);
  return renderFollowUpBody(state, { key, block: signedBlockFor(FOLLOW_UP_RECORD, { repository: repositoryOf(gw), number, key, state }) });
}

/** Writes the follow-up's body for `state` (and opens or closes it); returns the body written. */
export async function saveFollowUp(
  gw: Gateway,
  params: { issue: IssueSummary; state: FollowUpState; change?: { state: "open" | "closed"; state_reason?: "completed" | "not_planned" | "reopened" } },
): Promise<string> {
  const key = followUpKey(params.state);
  return saveRecord(gw, FOLLOW_UP_RECORD, { issue: params.issue, key, state: params.state, change: params.change, render: (block) => renderFollowUpBody(params.state, { key, block }) });
}

/** The boxes not ticked in the state: items, then deferred replacements. */
export function openItems(state: Pick<FollowUpState, "items" | "ticks" | "replace">): ChecklistId[] {
  return checklistIds(state).filter((id) => !state.ticks[id]);
}
