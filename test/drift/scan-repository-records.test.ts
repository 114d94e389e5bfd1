import type nock from "nock";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import { readBypass } from "../../src/bypasses/record.js";
import { readFollowUp } from "../../src/follow-ups/record.js";
import { bypassIssue, bypassState, followUpIssue, followUpState as signedFollowUpState, issueSummary } from "../helpers/records.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import {
  BYPASS_LABEL,
  DEFAULT_OPTIONS,
  FOLLOW_UP_LABEL,
  NOW,
  OVERDUE_LABEL,
  REPO_PATH,
  activityReply,
  bodyOf,
  RECORD_QUERY,
  REPORT_QUERY,
  recentQuery,
  calls,
  commitNode,
  gateway,
  issue,
  loadedConfig,
  mockScanReads,
  OPEN_QUERY,
  quietReport,
  writes,
  type Json,
} from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const DAY = 24 * 3_600_000;
const LOOKBACK = new Date(NOW.getTime() - 30 * DAY).toISOString();
const MERGE = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const DIRECT_1 = "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1";
const DIRECT_2 = "d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2";
const CLEAN = "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0";

const skipTestsPr = commitNode({
  sha: MERGE,
  committedDate: "2026-03-08T09:00:00Z",
  pr: { number: 12, title: "Raise the db timeout [skip-tests]", body: "## Justification\nThe database is down.", author: "alice", mergedBy: "bob", mergedAt: "2026-03-08T09:00:00Z" },
});
const cleanPr = commitNode({ sha: CLEAN, committedDate: "2026-03-07T09:00:00Z", pr: { number: 11, title: "Add the cache" } });
/** Newest first, as GitHub lists history. */
const directPushes = [
  commitNode({ sha: DIRECT_2, message: "Bump the pool size", committedDate: "2026-03-09T08:00:00Z", author: "carol" }),
  commitNode({ sha: DIRECT_1, message: "Hotfix the login @everyone", committedDate: "2026-03-09T07:59:00Z", author: "carol" }),
];

const REPO = "octo-org/octo-repo";
const GW = { owner: "octo-org", repo: "octo-repo" };

/** The one listing of the period's records: the issues the app opened, updated since the start of the look-back. */
function mockKnownRecords(api: nock.Scope, params: { followUps?: Json[]; bypasses?: Json[]; since?: string } = {}) {
  api
    .get(`${REPO_PATH}/issues`)
    .query(recentQuery(params.since ?? LOOKBACK))
    .reply(200, [...(params.followUps ?? []), ...(params.bypasses ?? [])]);
}

/** find-or-create of a record: the look-up by author and key, the labels, the issue, its signature. */
function mockCreateIssue(api: nock.Scope, params: { number: number; existing?: Json[]; labels?: number }) {
  api
    .get(`${REPO_PATH}/issues`)
    .query(RECORD_QUERY)
    .reply(200, params.existing ?? []);
  if (params.existing?.length) return;
  for (let i = 0; i < (params.labels ?? 1); i++) api.post(`${REPO_PATH}/labels`).reply(201, {});
  api
    .post(`${REPO_PATH}/issues`)
    .reply(201, (_uri: string, body: Json) => issue({ number: params.number, title: body.title, body: body.body, labels: body.labels }))
    .patch(`${REPO_PATH}/issues/${params.number}`)
    .reply(200, {});
}

/** A follow-up of the app's for PR #12 (retest only), signed for issue `number` of this repository. */
function followUp(number: number, changes: { pr?: number | null; dueAt?: string; ticked?: boolean } = {}, issueChanges: Json = {}): Json {
  const pr = changes.pr === null ? undefined : { number: changes.pr ?? 12, title: "Raise the db timeout [skip-tests]" };
  const state = signedFollowUpState(
    { pr, sha: MERGE, branch: "master", markers: ["skip-tests"], labels: ["skip-tests"], items: ["retest"], at: new Date("2026-03-08T09:00:00Z") },
    { dueAt: changes.dueAt ?? "2026-03-10T09:00:00.000Z", ticks: changes.ticked ? { retest: { by: "carol", at: "2026-03-09T00:00:00.000Z" } } : {} },
  );
  const json = followUpIssue({ repository: REPO, number, labels: issueChanges.labels as string[] | undefined }, state);
  return {
    ...json,
    ...(issueChanges.updatedAt ? { updated_at: issueChanges.updatedAt } : {}),
    ...(issueChanges.user ? { user: issueChanges.user } : {}),
    ...(issueChanges.state ? { state: issueChanges.state } : {}),
  };
}

/** The signed state of a record the scan created, read back the way the app reads it. */
function createdState(requests: Parameters<typeof writes>[0], number: number, read: typeof readFollowUp | typeof readBypass): Json {
  const signed = writes(requests).find((r) => r.method === "PATCH" && r.path === `${REPO_PATH}/issues/${number}`);
  const reading = read(GW, issueSummary(number, String(bodyOf(signed).body)));
  if (reading?.status !== "verified") throw new Error(`record #${number} does not verify`);
  return reading.state as unknown as Json;
}

describe("missing follow-ups and bypasses (a missed webhook)", () => {
  test("a merged [skip-tests] PR without a follow-up gets one, keyed pr=N", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [skipTestsPr, cleanPr] }) });
    mockKnownRecords(mock.api);
    mockCreateIssue(mock.api, { number: 30, labels: 2 });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ followUpsMade: 1, bypassesMade: 0, report: "unchanged" });
    const [followUpLabel, markerLabel, created] = writes(mock.requests);
    expect(bodyOf(followUpLabel)).toMatchObject({ name: FOLLOW_UP_LABEL });
    expect(bodyOf(markerLabel)).toMatchObject({ name: "skip-tests" });
    expect(bodyOf(created)).toMatchObject({
      title: "Follow-up: skip-tests in #12 Raise the db timeout [skip-tests]",
      labels: [FOLLOW_UP_LABEL, "skip-tests"],
      assignees: ["alice", "bob"],
    });
    const body: string = bodyOf(created).body;
    expect(body.startsWith("<!-- pipeline-guard:follow-up pr=12 -->\n")).toBe(true);
    expect(body).toContain("Recorded by the drift scan (the webhook was missed)");
    expect(body).toContain("> The database is down.");
    expect(body).toContain("- **Due:** 2026-03-10 09:00 UTC (48 h after the change)");
    expect(createdState(mock.requests, 30, readFollowUp)).toMatchObject({ author: "alice", merger: "bob", markers: ["skip-tests"], sha: MERGE, pr: { number: 12 }, dueAt: "2026-03-10T09:00:00.000Z", ticks: {} });
  });

  test("the same PR with its follow-up already made (by the app) makes nothing", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [skipTestsPr] }) });
    mockKnownRecords(mock.api, { followUps: [followUp(30, {}, { state: "closed" })] });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.followUpsMade).toBe(0);
  });

  test("a follow-up planted by a person, or an app issue whose block was copied from elsewhere, does not count", async () => {
    const mock = mockGitHub();
    const planted = followUp(31, {}, { user: { login: "mallory", id: 6, type: "User" } });
    // The app's issue #29, its body replaced by that of a real follow-up signed for #30: it verifies only there.
    const copied = { ...followUp(29), body: followUp(30).body };
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [skipTestsPr] }) });
    mockKnownRecords(mock.api, { followUps: [planted, copied] });
    mockCreateIssue(mock.api, { number: 32, labels: 2 });
    // The copy is the app's issue changed by someone: the report lists it as tampered with.
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);
    expect(summary).toMatchObject({ followUpsMade: 1, newItems: ["record:tampered:#29"], report: "reopened" });
    expectAllCallsMade(mock);
  });

  test("direct commits not covered by any bypass issue make one `Bypass: direct push` issue listing them", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [...directPushes, cleanPr] }) });
    mockKnownRecords(mock.api);
    mockCreateIssue(mock.api, { number: 40 });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ bypassesMade: 1, followUpsMade: 0 });
    const [label, created] = writes(mock.requests);
    expect(bodyOf(label)).toEqual({ name: BYPASS_LABEL, color: "b60205", description: "Pipeline Guard: a change reached production outside a reviewed, green PR" });
    expect(bodyOf(created)).toMatchObject({ title: "Bypass: direct push on master (d2d2d2d)", labels: [BYPASS_LABEL] });
    const body: string = bodyOf(created).body;
    expect(body.startsWith("<!-- pipeline-guard:bypass sha=d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2 -->\n")).toBe(true);
    expect(body).toContain("**Commits:**\n- d2d2d2d Bump the pool size\n- d1d1d1d Hotfix the login @\u200beveryone");
    expect(body).toContain("the pusher is not known; the commit author is shown");
    expect(body).toContain("- **Who:** @carol");
    expect(createdState(mock.requests, 40, readBypass)).toMatchObject({ bypass: "direct push", sha: DIRECT_2, actor: "carol", commits: [DIRECT_2, DIRECT_1] });
    expect(body).not.toContain(CLEAN.slice(0, 7));
  });

  test("direct commits covered by a bypass issue's state commits make nothing", async () => {
    const mock = mockGitHub();
    const state = bypassState({ sha: DIRECT_2, branch: "master", commits: [DIRECT_2, DIRECT_1].map((sha) => ({ sha, message: "x" })) });
    const existing = bypassIssue({ repository: REPO, number: 40, issueState: "closed" }, state);
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: directPushes }) });
    mockKnownRecords(mock.api, { bypasses: [existing] });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.bypassesMade).toBe(0);
  });

  test("a direct commit with a marker is a follow-up keyed sha=SHA, justified from the commit body", async () => {
    const mock = mockGitHub();
    const history = [commitNode({ sha: DIRECT_1, message: "Fix the login [emergency-deploy]\n\nJustification: customers are locked out", author: "carol" })];
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history }) });
    mockKnownRecords(mock.api);
    mockCreateIssue(mock.api, { number: 33, labels: 2 });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ followUpsMade: 1, bypassesMade: 0 });
    const created = bodyOf(writes(mock.requests)[2]);
    expect(created).toMatchObject({ title: "Follow-up: emergency-deploy in d1d1d1d", labels: [FOLLOW_UP_LABEL, "emergency-deploy"], assignees: ["carol"] });
    expect(created.body.startsWith(`<!-- pipeline-guard:follow-up sha=${DIRECT_1} -->`)).toBe(true);
    expect(created.body).toContain("> customers are locked out");
  });

  test("commits of allowed actors and of the app itself are not bypasses", async () => {
    const mock = mockGitHub();
    const history = [commitNode({ sha: DIRECT_2, author: "release-bot" }), commitNode({ sha: DIRECT_1, author: "pipeline-guard[bot]" })];
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history }) });

    const summary = await scanRepository(gateway().gw, loadedConfig({ bypass: { allowed_actors: ["Release-Bot"] } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.bypassesMade).toBe(0);
  });

  test("bypass.direct_push: off reports no direct push", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: directPushes }) });
    mockKnownRecords(mock.api);
    await scanRepository(gateway().gw, loadedConfig({ bypass: { direct_push: "off" } }), DEFAULT_OPTIONS);
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("bypass.direct_push: check makes a failing check run once: a commit that has ours already gets none", async () => {
    const config = loadedConfig({ bypass: { direct_push: "check" } });
    let mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: directPushes }) });
    mockKnownRecords(mock.api);
    mock.api
      .get(`${REPO_PATH}/commits/${DIRECT_2}/check-runs`)
      .query({ check_name: "Pipeline Guard", per_page: "1" })
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 1 });
    await scanRepository(gateway().gw, config, DEFAULT_OPTIONS);
    expectAllCallsMade(mock);
    const [check] = writes(mock.requests);
    expect(bodyOf(check)).toMatchObject({ name: "Pipeline Guard", head_sha: DIRECT_2, conclusion: "failure", output: { title: "Bypass: direct push on master (d2d2d2d)" } });

    // The next scan: the check run is there; nothing is written again.
    mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: directPushes }) });
    mockKnownRecords(mock.api);
    mock.api
      .get(`${REPO_PATH}/commits/${DIRECT_2}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 1, name: "Pipeline Guard", head_sha: DIRECT_2, status: "completed", conclusion: "failure" }] });
    await scanRepository(gateway().gw, config, DEFAULT_OPTIONS);
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("the look-back starts at the installation when that is later: older commits are not asked for", async () => {
    const mock = mockGitHub();
    const installedAt = new Date("2026-03-09T07:59:30Z");
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [directPushes[0]!] }) });
    mockKnownRecords(mock.api, { since: installedAt.toISOString() });
    mockCreateIssue(mock.api, { number: 40 });

    await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, installedAt });

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[0]).variables.since).toBe(installedAt.toISOString());
    expect(createdState(mock.requests, 40, readBypass)).toMatchObject({ commits: [DIRECT_2] });
  });

  test("an installation older than the look-back does not widen it", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, installedAt: new Date("2020-01-01T00:00:00Z") });
    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[0]).variables.since).toBe(LOOKBACK);
  });

  test("a long history is read in pages of 100 (one GraphQL call per page)", async () => {
    const mock = mockGitHub();
    mock.api
      .post("/graphql", (b: Json) => b.variables.after === null && b.variables.withDeployments === true)
      .reply(200, activityReply({ history: [cleanPr], hasNextPage: true, endCursor: "Y3Vyc29yOjE=" }))
      .post("/graphql", (b: Json) => b.variables.after === "Y3Vyc29yOjE=" && b.variables.withDeployments === false)
      .reply(200, activityReply({ history: [skipTestsPr], withDeployments: false }));
    mock.api.get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []);
    mock.api.get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [quietReport()]);
    mock.api.get(`${REPO_PATH}/branches/master/protection`).reply(200, (await import("../helpers/scan-github.js")).classicProtection());
    mock.api.get(`${REPO_PATH}/rules/branches/master`).query(true).reply(200, []);
    mockKnownRecords(mock.api);
    mockCreateIssue(mock.api, { number: 30, labels: 2 });

    expect((await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS)).followUpsMade).toBe(1);
    expectAllCallsMade(mock);
  });
});

describe("overdue follow-ups", () => {
  const overdue = (changes: Json = {}) => followUp(30, {}, { labels: [FOLLOW_UP_LABEL, "skip-tests"], ...changes });

  test("past due without the label: the label (created if missing) and one reminder", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [overdue({ updatedAt: "2026-03-10T11:00:00Z" })] });
    mock.api
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues/30/labels`)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/30/comments`)
      .reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.reminders).toBe(1);
    const [label, labels, comment] = writes(mock.requests);
    expect(bodyOf(label)).toEqual({ name: OVERDUE_LABEL, color: "d93f0b", description: "Pipeline Guard: this follow-up is past its due date" });
    expect(bodyOf(labels)).toEqual({ labels: [OVERDUE_LABEL] });
    expect(bodyOf(comment)).toEqual({ body: "This follow-up is past its due date. Still to do: **retest**. Tick each box when it is done." });
  });

  test("a label that exists already (422) is fine", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [overdue()] });
    mock.api
      .post(`${REPO_PATH}/labels`)
      .reply(422, { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] })
      .post(`${REPO_PATH}/issues/30/labels`)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/30/comments`)
      .reply(201, {});
    expect((await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS)).reminders).toBe(1);
    expectAllCallsMade(mock);
  });

  test("already labelled and active in the last 24 h: nothing", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [overdue({ labels: [FOLLOW_UP_LABEL, OVERDUE_LABEL], updatedAt: "2026-03-09T13:00:00Z" })] });
    expect((await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS)).reminders).toBe(0);
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("labelled and quiet for more than 24 h: one reminder, no label", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [overdue({ labels: [FOLLOW_UP_LABEL, OVERDUE_LABEL], updatedAt: "2026-03-09T11:00:00Z" })] });
    mock.api.post(`${REPO_PATH}/issues/30/comments`).reply(201, {});
    expect((await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS)).reminders).toBe(1);
    expectAllCallsMade(mock);
    expect(calls(writes(mock.requests))).toEqual([`POST ${REPO_PATH}/issues/30/comments`]);
  });

  test("not yet due, or due but with every box ticked and left open: only the past-due one is reminded", async () => {
    const mock = mockGitHub();
    const notDue = followUp(31, { pr: 13, dueAt: "2026-03-11T00:00:00.000Z" }, { labels: [FOLLOW_UP_LABEL] });
    const ticked = followUp(32, { pr: 14, ticked: true }, { labels: [FOLLOW_UP_LABEL, OVERDUE_LABEL], updatedAt: "2026-03-01T00:00:00Z" });
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [notDue, ticked] });
    mock.api.post(`${REPO_PATH}/issues/32/comments`).reply(201, {});
    await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);
    expectAllCallsMade(mock);
    expect(bodyOf(writes(mock.requests)[0]).body).toBe("This follow-up is past its due date. Still to do: the checklist. Tick each box when it is done.");
  });
});

describe("ruleset bypasses from rule suites", () => {
  const AFTER = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
  const suite = {
    id: 21,
    actor_id: 12,
    actor_name: "octocat",
    before_sha: "b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4",
    after_sha: AFTER,
    ref: "refs/heads/master",
    repository_id: 404,
    repository_name: "octo-repo",
    pushed_at: "2026-03-05T12:00:00Z",
    result: "bypass",
    evaluation_result: "fail",
  };
  const ruleSuites = (api: nock.Scope) =>
    api.get(`${REPO_PATH}/rulesets/rule-suites`).query({ ref: "refs/heads/master", rule_suite_result: "bypass", time_period: "month", per_page: "100" });

  test("one bypassed suite becomes `Bypass: ruleset bypass on master (<after7>)`, keyed sha=<after>", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    ruleSuites(mock.api).reply(200, [suite]);
    mockCreateIssue(mock.api, { number: 41 });

    const summary = await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, canReadRuleSuites: true });

    expectAllCallsMade(mock);
    expect(summary.bypassesMade).toBe(1);
    const created = bodyOf(writes(mock.requests)[1]);
    expect(created).toMatchObject({ title: "Bypass: ruleset bypass on master (e5e5e5e)", labels: [BYPASS_LABEL] });
    expect(created.body.startsWith(`<!-- pipeline-guard:bypass sha=${AFTER} -->\n`)).toBe(true);
    expect(created.body).toContain("- **Who:** @octocat");
    expect(created.body).toContain("- **When:** 2026-03-05 12:00 UTC");
    expect(created.body).toContain(`- **Before:** ${suite.before_sha}`);
    expect(created.body).toContain("GitHub recorded this push as bypassing the branch's rulesets (rule suite 21).");
    expect(createdState(mock.requests, 41, readBypass)).toMatchObject({ bypass: "ruleset bypass", sha: AFTER, actor: "octocat" });
  });

  test("a bypass issue for that SHA already there: none is made", async () => {
    const mock = mockGitHub();
    const existing = bypassIssue({ repository: REPO, number: 41 }, bypassState({ kind: "ruleset bypass", sha: AFTER, branch: "master" }));
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    ruleSuites(mock.api).reply(200, [suite]);
    mockCreateIssue(mock.api, { number: 41, existing: [existing] });

    expect((await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, canReadRuleSuites: true })).bypassesMade).toBe(0);
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("403 (no administration: write after all) is no crash and no write", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    ruleSuites(mock.api).reply(403, { message: "Resource not accessible by integration" });
    const summary = await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, canReadRuleSuites: true });
    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ bypassesMade: 0, report: "unchanged" });
  });

  test("an allowed actor's bypass is not reported", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    ruleSuites(mock.api).reply(200, [{ ...suite, actor_name: "release-bot" }]);
    await scanRepository(gateway().gw, loadedConfig({ bypass: { allowed_actors: ["release-bot"] } }), { ...DEFAULT_OPTIONS, canReadRuleSuites: true });
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("without canReadRuleSuites, no call", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    await scanRepository(gateway().gw, loadedConfig(), { ...DEFAULT_OPTIONS, canReadRuleSuites: false });
    expectAllCallsMade(mock);
    expect(calls(mock.requests).some((c) => c.includes("rule-suites"))).toBe(false);
  });
});

describe("what the missing-records check costs", () => {
  test("a history of merged PRs without markers and of an allowed bot's direct commits needs no listing", async () => {
    const mock = mockGitHub();
    const template = "Adds the cache.\n\n```\nUse [skip-tests] only in an emergency\n```";
    const history = [
      commitNode({ sha: DIRECT_2, message: "chore(release): 1.2.3", author: "release-bot" }),
      commitNode({ sha: CLEAN, message: `Add the cache (#11)\n\n${template}`, pr: { number: 11, title: "Add the cache", body: template } }),
    ];
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history }) });

    await scanRepository(gateway().gw, loadedConfig({ bypass: { allowed_actors: ["release-bot"] } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
  });
});

describe("two production branches that share commits (a release branch cut from master)", () => {
  test("a direct commit on both is reported once; the release branch's own direct commit gets its own issue", async () => {
    const mock = mockGitHub();
    const RELEASE_ONLY = "f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7";
    const shared = commitNode({ sha: DIRECT_1, message: "Hotfix on master", author: "carol" });
    const config = loadedConfig({ production: { branches: ["master", "release"] }, drift: { enabled: false } });
    mock.api
      .post("/graphql", (b: Json) => b.variables.ref === "refs/heads/master")
      .reply(200, activityReply({ history: [shared, skipTestsPr], withDeployments: false }))
      .post("/graphql", (b: Json) => b.variables.ref === "refs/heads/release")
      .reply(200, activityReply({ history: [commitNode({ sha: RELEASE_ONLY, message: "Bump release", author: "dave" }), shared, skipTestsPr], withDeployments: false }));
    mockKnownRecords(mock.api);
    mockCreateIssue(mock.api, { number: 30, labels: 2 });
    mockCreateIssue(mock.api, { number: 40 });
    mockCreateIssue(mock.api, { number: 41, labels: 0 });
    mock.api.get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []);

    const summary = await scanRepository(gateway().gw, config, DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ followUpsMade: 1, bypassesMade: 2 });
    const created = writes(mock.requests).filter((r) => r.path === `${REPO_PATH}/issues`).map(bodyOf);
    expect(created.map((c) => c.title)).toEqual([
      "Follow-up: skip-tests in #12 Raise the db timeout [skip-tests]",
      "Bypass: direct push on master (d1d1d1d)",
      "Bypass: direct push on release (f7f7f7f)",
    ]);
    expect(createdState(mock.requests, 30, readFollowUp).commits).toBeUndefined();
    expect(createdState(mock.requests, 40, readBypass).commits).toEqual([DIRECT_1]);
    expect(createdState(mock.requests, 41, readBypass).commits).toEqual([RELEASE_ONLY]);

  });
});

describe("records edited while the app was not listening (a missed issues.edited)", () => {
  test("an open follow-up's text changed and a box ticked by hand: the body is rendered again from its state, the tick does not count, one comment says so", async () => {
    const mock = mockGitHub();
    const honest = followUp(30, { dueAt: "2026-03-20T00:00:00.000Z" });
    const edited = {
      ...honest,
      body: String(honest.body)
        .replace("> The database is down.", "> Approved by the CTO.")
        .replace("- [ ] **Retest**", "- [x] **Retest**"),
    };
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [edited] });
    mock.api.patch(`${REPO_PATH}/issues/30`).reply(200, {}).post(`${REPO_PATH}/issues/30/comments`).reply(201, {});

    await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    const [patch, comment] = writes(mock.requests);
    expect(bodyOf(patch)).toEqual({ body: honest.body });
    expect(bodyOf(comment).body).toBe(
      "This follow-up was edited while Pipeline Guard was not listening, so the edit was undone (its record is kept by Pipeline Guard). The box **retest** had been ticked then, by someone unknown: tick it again so that it is recorded who did.",
    );
  });

  test("only the text changed (or an older version's wording): rendered again quietly, no comment", async () => {
    const mock = mockGitHub();
    const honest = followUp(30, { dueAt: "2026-03-20T00:00:00.000Z" });
    const edited = { ...honest, body: String(honest.body).replace("> The database is down.", "> Approved by the CTO.") };
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [edited] });
    mock.api.patch(`${REPO_PATH}/issues/30`).reply(200, {});

    await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests).map(bodyOf)).toEqual([{ body: honest.body }]);
  });

  test("a follow-up whose block was edited (its ticks forged) counts for nothing: listed as tampered with, and the override in the history gets a record that verifies", async () => {
    const mock = mockGitHub();
    const forged = followUp(30);
    forged.body = String(forged.body).replace('"ticks":{}', '"ticks":{"retest":{"by":"mallory","at":"2026-03-09T00:00:00.000Z"}}');
    mockScanReads(mock.api, { reportIssues: [quietReport()], openFollowUps: [forged], activity: activityReply({ history: [skipTestsPr] }) });
    mockKnownRecords(mock.api, { followUps: [forged] });
    mockCreateIssue(mock.api, { number: 31, labels: 2 });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ followUpsMade: 1, newItems: ["record:tampered:#30"], report: "reopened" });
    expect(createdState(mock.requests, 31, readFollowUp).ticks).toEqual({});
  });
});
