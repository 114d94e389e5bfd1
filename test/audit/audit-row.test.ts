import { bypassRow, followUpRow } from "../../src/audit/audit-row.js";
import { readBypass } from "../../src/bypasses/record.js";
import { readFollowUp } from "../../src/follow-ups/record.js";
import type { IssueSummary } from "../../src/github/issues.js";
import { summarizeIssue, type RawIssue } from "../../src/github/issues.js";
import { bypassIssue, bypassState, followUpIssue, followUpState, SHA } from "../helpers/records.js";

const REPO = "octo/app";
const GW = { owner: "octo", repo: "app" };
const JUSTIFICATION = 'The DB is down, "again", see https://status.example.com & ping @alice <b>now</b>\nSecond line: [skip-tests] *bold* | pipe';

function summary(json: Record<string, unknown>, closedBy: string | null = null): IssueSummary & { closedBy: string | null } {
  return { ...summarizeIssue(json as unknown as RawIssue), closedBy };
}

function followUpRowOf(json: Record<string, unknown>, closedBy: string | null = null) {
  const issue = summary(json, closedBy);
  return followUpRow(readFollowUp(GW, issue)!, issue, REPO);
}

function bypassRowOf(json: Record<string, unknown>, closedBy: string | null = null) {
  const issue = summary(json, closedBy);
  return bypassRow(readBypass(GW, issue)!, issue, REPO);
}

const TICK = { by: "carol", at: "2026-11-21T00:00:00.000Z" };

describe("followUpRow: every field from the signed state", () => {
  test("an open follow-up of a PR", () => {
    const state = followUpState({ justification: JUSTIFICATION }, { ticks: { retest: TICK } });
    expect(followUpRowOf(followUpIssue({ repository: REPO, number: 40 }, state))).toEqual({
      when: "2026-11-20T10:00:00.000Z",
      repository: REPO,
      kind: "override",
      record: "verified",
      pr: 12,
      sha: SHA,
      who: "alice",
      markers: ["emergency-deploy", "skip-tests"],
      justification: JUSTIFICATION,
      followUp: "open",
      boxes: "1/3",
      closedBy: null,
      closedAt: null,
      title: "Follow-up: emergency-deploy, skip-tests in #12 Raise the db timeout",
      issueUrl: `https://github.com/${REPO}/issues/40`,
      incident: null,
      incidentUrl: null,
      waivedBy: null,
      waiverReason: null,
      escalatedAt: null,
    });
  });

  test("the incident the override named, and its link (overrides.incident)", () => {
    const state = followUpState({ incident: { id: "PD-4711", url: "https://example.pagerduty.com/incidents/PD-4711" } });
    expect(followUpRowOf(followUpIssue({ repository: REPO, number: 40 }, state))).toMatchObject({
      incident: "PD-4711",
      incidentUrl: "https://example.pagerduty.com/incidents/PD-4711",
    });
  });

  test("waived (/pipeline-guard waive): `waived`, with who and why; closed as not planned without a waiver: `not-planned` (closed without a reason); escalated: when", () => {
    const waiver = { by: "maria", reason: "Service retired", at: "2026-11-23T00:00:00.000Z" };
    const waived = followUpState({}, { ticks: { retest: TICK }, waiver, escalatedAt: "2026-11-22T12:00:00.000Z" });
    expect(followUpRowOf(followUpIssue({ repository: REPO, number: 40, issueState: "closed", stateReason: "not_planned" }, waived), "pipeline-guard[bot]")).toMatchObject({
      followUp: "waived",
      waivedBy: "maria",
      waiverReason: "Service retired",
      escalatedAt: "2026-11-22T12:00:00.000Z",
    });
    const notPlanned = followUpRowOf(followUpIssue({ repository: REPO, number: 40, issueState: "closed", stateReason: "not_planned" }, followUpState({}, { ticks: { retest: TICK } })), "maria");
    expect(notPlanned).toMatchObject({ followUp: "not-planned", waivedBy: null, waiverReason: null });
  });

  test("closed with every box ticked: done, with who closed it", () => {
    const state = followUpState({}, { ticks: { retest: TICK, postmortem: TICK, review: TICK } });
    const row = followUpRowOf(followUpIssue({ repository: REPO, number: 40, issueState: "closed" }, state), "pipeline-guard[bot]");
    expect(row).toMatchObject({ followUp: "done", boxes: "3/3", closedBy: "pipeline-guard[bot]", closedAt: "2026-11-22T09:30:00Z" });
  });

  test("closed with boxes unticked in the state (closed as not planned by a maintainer): closed-incomplete", () => {
    const row = followUpRowOf(followUpIssue({ repository: REPO, number: 40, issueState: "closed" }, followUpState({}, { ticks: { retest: TICK } })), "maria");
    expect(row).toMatchObject({ followUp: "closed-incomplete", boxes: "1/3", closedBy: "maria" });
  });

  test("a direct push's follow-up (key sha=…), without a justification, whose markers ask for nothing", () => {
    const state = followUpState({ pr: undefined, markers: ["custom"], labels: ["custom"], items: [], author: "dave", justification: null });
    const row = followUpRowOf(followUpIssue({ repository: REPO, number: 41, issueState: "closed" }, state));
    expect(row).toMatchObject({ kind: "override", record: "verified", pr: null, sha: SHA, who: "dave", markers: ["custom"], justification: null, followUp: "done", boxes: "0/0" });
    expect(row.title).toBe(`Follow-up: custom in ${SHA.slice(0, 7)}`);
  });

  test("an author without a GitHub login: who is empty, not a made-up name", () => {
    expect(followUpRowOf(followUpIssue({ repository: REPO, number: 40 }, followUpState({ author: null }))).who).toBe("");
  });

  test("a box ticked in the body but not in the state does not count", () => {
    const json = followUpIssue({ repository: REPO, number: 40 }, followUpState());
    json.body = String(json.body).replace("- [ ] **Postmortem**", "- [x] **Postmortem**");
    expect(followUpRowOf(json)).toMatchObject({ record: "verified", boxes: "0/3" });
  });
});

describe("tampered records: listed, with nothing read from them", () => {
  test("a follow-up whose block was edited (a justification rewritten) is listed as tampered, its fields empty", () => {
    const json = followUpIssue({ repository: REPO, number: 40 }, followUpState());
    json.body = String(json.body).replace('"justification":"The database is down."', '"justification":"Approved by the CTO."');
    expect(json.body).toContain("Approved by the CTO.");
    expect(followUpRowOf(json)).toEqual({
      when: "2026-11-20T10:00:07.000Z",
      repository: REPO,
      kind: "override",
      record: "tampered",
      pr: null,
      sha: "",
      who: "",
      markers: [],
      justification: null,
      followUp: "open",
      boxes: "n/a",
      closedBy: null,
      closedAt: null,
      title: "Follow-up: emergency-deploy, skip-tests in #12 Raise the db timeout",
      issueUrl: `https://github.com/${REPO}/issues/40`,
      incident: null,
      incidentUrl: null,
      waivedBy: null,
      waiverReason: null,
      escalatedAt: null,
    });
  });

  test("a block copied from another repository's record does not verify here", () => {
    const foreign = followUpIssue({ repository: "other/repo", number: 40 }, followUpState());
    expect(followUpRowOf({ ...foreign, html_url: `https://github.com/${REPO}/issues/40` }).record).toBe("tampered");
  });

  test("a bypass whose block was edited (its actor renamed) is tampered", () => {
    const json = bypassIssue({ repository: REPO, number: 41 }, bypassState({ actor: "mallory" }));
    json.body = String(json.body).replace('"actor":"mallory"', '"actor":"release-bot"');
    expect(bypassRowOf(json)).toMatchObject({ kind: "bypass", record: "tampered", who: "", followUp: "n/a" });
  });
});

describe("bypassRow", () => {
  test("a bypass issue", () => {
    const state = bypassState({ kind: "merged with failing checks", pr: { number: 9, title: "Ship it" }, details: ["`ci` failed"] });
    expect(bypassRowOf(bypassIssue({ repository: REPO, number: 41, issueState: "closed" }, state), "maria")).toEqual({
      when: "2026-11-18T08:05:00.000Z",
      repository: REPO,
      kind: "bypass",
      record: "verified",
      pr: 9,
      sha: SHA,
      who: "carol",
      markers: [],
      justification: null,
      followUp: "n/a",
      boxes: "n/a",
      closedBy: "maria",
      closedAt: "2026-11-22T09:30:00Z",
      title: `Bypass: merged with failing checks on main (${SHA.slice(0, 7)})`,
      issueUrl: `https://github.com/${REPO}/issues/41`,
      incident: null,
      incidentUrl: null,
      waivedBy: null,
      waiverReason: null,
      escalatedAt: null,
    });
  });

  test("a bypass whose pusher is unknown (found by the scan): who is empty", () => {
    expect(bypassRowOf(bypassIssue({ repository: REPO, number: 41 }, bypassState({ actor: null }))).who).toBe("");
  });
});
