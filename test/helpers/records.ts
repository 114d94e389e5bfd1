/**
 * The app's records as GitHub lists them, signed the way the app signs them (under the suite's
 * STATE_SECRET, test/setup-env.js): follow-ups, bypasses and the drift report, for the tests of
 * every feature that reads them. What is signed is built with the app's own record modules, so a
 * test that needs a forged or edited record changes the result by hand.
 */
import { newBypassState, bypassKey, BYPASS_RECORD, type BypassRecord, type BypassState } from "../../src/bypasses/record.js";
import { renderBypassBody, bypassTitle } from "../../src/bypasses/render-bypass-issue.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { emptyDriftState } from "../../src/drift/drift-state.js";
import { driftBlock, DRIFT_REPORT_TITLE, readDriftReport, type DriftState } from "../../src/drift/record.js";
import type { IssueSummary } from "../../src/github/issues.js";
import { renderDriftReport, type DriftReportParams } from "../../src/drift/render-drift-report.js";
import { followUpBodyFor, newFollowUpState, type FollowUpState, type OverrideRecord } from "../../src/follow-ups/record.js";
import { followUpTitle } from "../../src/follow-ups/render-follow-up-issue.js";
import { signedBlockFor } from "../../src/records/record-store.js";

/** A parsed JSON request or response body, read freely in assertions. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const APP_BOT = { login: "pipeline-guard[bot]", id: 9000, type: "Bot" };
export const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
/** Creation and last update of a record that was signed at once and not touched since. */
export const CREATED_AT = "2026-11-20T10:00:07Z";

export function overrideRecord(partial: Partial<OverrideRecord> = {}): OverrideRecord {
  return {
    pr: { number: 12, title: "Raise the db timeout" },
    sha: SHA,
    branch: "main",
    markers: ["emergency-deploy", "skip-tests"],
    labels: ["emergency-deploy", "skip-tests"],
    items: ["retest", "postmortem", "review"],
    author: "alice",
    merger: "bob",
    at: new Date("2026-11-20T10:00:00Z"),
    justification: "The database is down.",
    unmet: [],
    ...partial,
  };
}

export function followUpState(partial: Partial<OverrideRecord> = {}, state: Partial<FollowUpState> = {}): FollowUpState {
  return { ...newFollowUpState(overrideRecord(partial), DEFAULT_CONFIG), ...state };
}

interface Place {
  /** `owner/name` */
  repository: string;
  number: number;
  issueState?: "open" | "closed";
  stateReason?: string | null;
  labels?: string[];
  user?: { login: string; id: number; type: string };
  createdAt?: string;
  updatedAt?: string;
}

function placeOf(repository: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = repository.split("/");
  return { owner, repo };
}

function issueJson(place: Place, title: string, body: string, labels: string[]): Json {
  return {
    number: place.number,
    title,
    body,
    state: place.issueState ?? "open",
    state_reason: place.stateReason ?? null,
    html_url: `https://github.com/${place.repository}/issues/${place.number}`,
    labels: (place.labels ?? labels).map((name, i) => ({ id: i + 1, name })),
    user: place.user ?? APP_BOT,
    created_at: place.createdAt ?? CREATED_AT,
    updated_at: place.updatedAt ?? "2026-11-20T10:05:00Z",
    closed_at: place.issueState === "closed" ? "2026-11-22T09:30:00Z" : null,
  };
}

export function followUpBody(place: Pick<Place, "repository" | "number">, state: FollowUpState): string {
  return followUpBodyFor(placeOf(place.repository), place.number, state);
}

/** A follow-up issue as `GET /repos/{o}/{r}/issues` lists it. */
export function followUpIssue(place: Place, state: FollowUpState = followUpState()): Json {
  return issueJson(place, followUpTitle(state), followUpBody(place, state), ["pipeline-guard:follow-up", ...state.labels]);
}

export function bypassState(partial: Partial<BypassRecord> = {}): BypassState {
  return newBypassState({ kind: "direct push", branch: "main", sha: SHA, actor: "carol", at: new Date("2026-11-18T08:05:00Z"), details: [], ...partial });
}

export function bypassBody(place: Pick<Place, "repository" | "number">, state: BypassState): string {
  const key = bypassKey(state);
  return renderBypassBody(state, { key, block: signedBlockFor(BYPASS_RECORD, { repository: place.repository, number: place.number, key, state }) });
}

export function bypassIssue(place: Place, state: BypassState = bypassState()): Json {
  return issueJson(place, bypassTitle(state), bypassBody(place, state), ["pipeline-guard:bypass"]);
}

export function driftState(partial: Partial<DriftState> = {}): DriftState {
  return { ...emptyDriftState(), ...partial };
}

/** The report's body for `state` with no open item (what a scan that found nothing writes). */
export function driftReportBody(place: Pick<Place, "repository" | "number">, state: DriftState, shown: Partial<Omit<DriftReportParams, "state" | "block">> = {}): string {
  const { owner, repo } = placeOf(place.repository);
  return renderDriftReport({ owner, repo, open: [], accepted: [], now: new Date("2026-11-20T10:00:00Z"), ...shown, state, block: driftBlock({ owner, repo }, place.number, state) });
}

export function driftReportIssue(place: Place, state: DriftState = driftState(), shown: Partial<Omit<DriftReportParams, "state" | "block">> = {}): Json {
  return issueJson(place, DRIFT_REPORT_TITLE, driftReportBody(place, state, shown), ["pipeline-guard:drift"]);
}

/** An issue of the app as the record modules read it, with this body; `untouched` as if just created and signed. */
export function issueSummary(number: number, body: string, options: { untouched?: boolean; state?: "open" | "closed" } = {}): IssueSummary {
  return {
    number,
    title: `#${number}`,
    body,
    state: options.state ?? "open",
    stateReason: null,
    html_url: `https://github.com/o/r/issues/${number}`,
    labels: [],
    author: APP_BOT.login,
    createdAt: CREATED_AT,
    updatedAt: options.untouched ? CREATED_AT : "2026-11-20T10:05:00Z",
    closedAt: null,
  };
}

/** The drift report's state as the app reads it back from a body it signed for `owner/repo` #`number`; throws when it does not verify. */
export function driftStateOf(place: { owner: string; repo: string; number: number }, body: string): DriftState {
  const reading = readDriftReport(place, issueSummary(place.number, body));
  if (reading?.status !== "verified") throw new Error(`the report's block does not verify: ${reading ? reading.reason : "no block"}`);
  return reading.state;
}
