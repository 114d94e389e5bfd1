import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { driftReportBody } from "../helpers/records.js";
import {
  BASELINE_SNAPSHOT,
  DEFAULT_OPTIONS,
  DRIFT_LABEL,
  NAME,
  NOW,
  OWNER,
  REPO_PATH,
  activityReply,
  bodyOf,
  REPORT_QUERY,
  calls,
  classicProtection,
  driftState,
  gateway,
  issue,
  loadedConfig,
  mockProtection,
  mockScanReads,
  OPEN_QUERY,
  quietReport,
  reportBody,
  writes,
  type Json, stateOf } from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const HOUR = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);


/** Creating the report: the find-or-create look-up, the label, the issue. */
function mockCreateReport(api: ReturnType<typeof mockGitHub>["api"], number = 7) {
  api
    .get(`${REPO_PATH}/issues`)
    .query(REPORT_QUERY)
    .reply(200, [])
    .post(`${REPO_PATH}/labels`)
    .reply(201, { name: DRIFT_LABEL })
    .post(`${REPO_PATH}/issues`)
    .reply(201, (_uri: string, body: Json) => issue({ number, title: body.title, body: body.body, labels: body.labels }))
    // Signed with its number in a second write (and closed in it, when it only holds the baseline).
    .patch(`${REPO_PATH}/issues/${number}`)
    .reply(200, {});
}

describe("the budget of one scan", () => {
  test("default config, no drift: protection 1, rules 1, GraphQL 1, report look-up 1, open follow-ups 1; no write", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [] }) });
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([
      "POST /graphql",
      `GET ${REPO_PATH}/issues`,
      `GET ${REPO_PATH}/issues`,
      `GET ${REPO_PATH}/branches/master/protection`,
      `GET ${REPO_PATH}/rules/branches/master`,
    ]);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary).toEqual({
      repository: `${OWNER}/${NAME}`,
      open: 0,
      accepted: 0,
      newItems: [],
      report: "unchanged",
      followUpsMade: 0,
      bypassesMade: 0,
      reminders: 0,
      // Nothing time-bound: the scan memory may skip the repository while its fingerprint holds.
      watch: { branches: ["master"], recheckAt: null, terraform: null },
    });
    // One GraphQL call reads the history of the look-back and the deployments.
    expect(bodyOf(mock.requests[0]).variables).toEqual({
      owner: OWNER,
      repo: NAME,
      ref: "refs/heads/master",
      since: new Date(NOW.getTime() - 30 * 24 * HOUR).toISOString(),
      after: null,
      withDeployments: true,
      // exact names are asked for, so other environments cannot crowd production out of the last 50
      environments: ["production"],
    });
  });

  test("each extra production branch costs 3 calls (GraphQL, protection, rules); deployments are read once", async () => {
    const mock = mockGitHub();
    const state = driftState({ baseline: { master: BASELINE_SNAPSHOT, release: BASELINE_SNAPSHOT } });
    mockScanReads(mock.api, { reportIssues: [quietReport(state)] });
    mock.api.post("/graphql", (body: Json) => body.variables?.ref === "refs/heads/release").reply(200, activityReply({ withDeployments: false }));
    mockProtection(mock.api, { branch: "release" });

    const summary = await scanRepository(gw(), loadedConfig({ production: { branches: ["master", "release"] } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(8);
    expect(writes(mock.requests)).toEqual([]);
    const graphql = mock.requests.filter((r) => r.path === "/graphql").map((r) => bodyOf(r).variables);
    expect(graphql.map((v) => [v.ref, v.withDeployments])).toEqual([
      ["refs/heads/master", true],
      ["refs/heads/release", false],
    ]);
    expect(summary.report).toBe("unchanged");
  });

  test("glob branches cost one branch listing more", async () => {
    const mock = mockGitHub();
    mock.api
      .get(`${REPO_PATH}/branches`)
      .query({ per_page: "100" })
      .reply(200, [{ name: "master" }, { name: "feature/x" }, { name: "main-old" }]);
    mockScanReads(mock.api, { reportIssues: [quietReport()] });

    await scanRepository(gw(), loadedConfig({ production: { branches: ["mast*"] } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(6);
  });
});

function gw() {
  return gateway().gw;
}

describe("protection drift against the baseline (drift.protection: {})", () => {
  test("recorded at the first scan, reported field by field, quiet when unchanged, closed when restored", async () => {
    // Scan 1: no report yet. The baseline is recorded in a report that is created and closed.
    let mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [] });
    mockCreateReport(mock.api);
    let summary = await scanRepository(gw(), loadedConfig(), { ...DEFAULT_OPTIONS, now: at(0) });
    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 0, newItems: [], report: "baseline recorded" });
    const [label, created, signed] = writes(mock.requests);
    expect(bodyOf(label)).toEqual({ name: DRIFT_LABEL, color: "5319e7", description: "Pipeline Guard: production differs from what Git says" });
    expect(bodyOf(created)).toMatchObject({ title: "Configuration drift report", labels: [DRIFT_LABEL], assignees: [] });
    expect(bodyOf(signed)).toMatchObject({ state: "closed", state_reason: "completed" });
    let body: string = bodyOf(signed).body;
    expect(body.startsWith("<!-- pipeline-guard:drift drift -->\n")).toBe(true);
    expect(body.match(/pipeline-guard:drift drift/g)).toHaveLength(1);
    expect(stateOf(body)).toEqual({ v: 1, items: {}, accepted: {}, baseline: { master: BASELINE_SNAPSHOT }, tampered: {} });
    expect(body).toContain("No open drift in `octo-org/octo-repo`");

    // Scan 2: enforce_admins turned off and the `ci` check removed. The closed report is reopened.
    mock = mockGitHub();
    mockScanReads(mock.api, {
      reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL], state: "closed" })],
      protection: classicProtection({ enforceAdmins: false, contexts: ["Pipeline Guard"] }),
    });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
    summary = await scanRepository(gw(), loadedConfig(), { ...DEFAULT_OPTIONS, now: at(6) });
    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 2, report: "reopened", newItems: ["protection:master:enforce_admins", "protection:master:required_status_checks"] });
    let [update, comment] = writes(mock.requests);
    expect(bodyOf(update).state).toBe("open");
    body = bodyOf(update).body;
    expect(body).toContain("**2 open drift items** in `octo-org/octo-repo` (Protection: 2).");
    expect(body).toContain("- **`master`: enforce_admins is false, expected true**");
    expect(body).toContain("  - ID: `protection:master:enforce_admins` · first seen 2026-03-10 18:00 UTC");
    expect(body).toContain("  - Expected: true (baseline seen at the first scan)\n  - Actual: false");
    expect(body).toContain("- **`master`: required_status_checks is [`Pipeline Guard`], expected [`Pipeline Guard`, `ci`]**");
    expect(body).toContain("  - No longer required: `ci`");
    // The baseline stays what it was: drift never moves it.
    expect(stateOf(body).baseline).toEqual({ master: BASELINE_SNAPSHOT });
    expect(bodyOf(comment).body).toBe(
      [
        "Reopened: production has drifted from Git again (2 items):",
        "",
        "- `master`: enforce_admins is false, expected true (`protection:master:enforce_admins`)",
        "- `master`: required_status_checks is [`Pipeline Guard`], expected [`Pipeline Guard`, `ci`] (`protection:master:required_status_checks`)",
        "",
        "The report above says how to fix each through the pipeline.",
      ].join("\n"),
    );

    // Scan 3: the same state. Nothing is written.
    mock = mockGitHub();
    mockScanReads(mock.api, {
      reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL] })],
      protection: classicProtection({ enforceAdmins: false, contexts: ["Pipeline Guard"] }),
    });
    summary = await scanRepository(gw(), loadedConfig(), { ...DEFAULT_OPTIONS, now: at(12) });
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary).toMatchObject({ open: 2, newItems: [], report: "unchanged" });

    // Scan 4: one more field changes. The comment names only that one; the others keep their first-seen times.
    mock = mockGitHub();
    mockScanReads(mock.api, {
      reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL] })],
      protection: classicProtection({ enforceAdmins: false, contexts: ["Pipeline Guard"], reviews: 0 }),
    });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
    summary = await scanRepository(gw(), loadedConfig(), { ...DEFAULT_OPTIONS, now: at(18) });
    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 3, newItems: ["protection:master:required_approving_review_count"], report: "updated" });
    [update, comment] = writes(mock.requests);
    expect(bodyOf(update)).not.toHaveProperty("state");
    body = bodyOf(update).body;
    expect(stateOf(body).items).toEqual({
      "protection:master:enforce_admins": { firstSeen: at(6).toISOString() },
      "protection:master:required_approving_review_count": { firstSeen: at(18).toISOString() },
      "protection:master:required_status_checks": { firstSeen: at(6).toISOString() },
    });
    expect(bodyOf(comment).body).toBe(
      [
        "New drift found (1 item):",
        "",
        "- `master`: required_approving_review_count is 0, expected 1 (`protection:master:required_approving_review_count`)",
        "",
        "The report above says how to fix each through the pipeline.",
      ].join("\n"),
    );

    // Scan 5: protection restored. Closed with an all-clear comment.
    mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL] })] });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
    summary = await scanRepository(gw(), loadedConfig(), { ...DEFAULT_OPTIONS, now: at(24) });
    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 0, report: "closed" });
    [update, comment] = writes(mock.requests);
    expect(bodyOf(update)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(stateOf(bodyOf(update).body)).toEqual({ v: 1, items: {}, accepted: {}, baseline: { master: BASELINE_SNAPSHOT }, tampered: {} });
    expect(bodyOf(comment).body).toBe("No drift is left: production matches what Git says. Closing this report; it is reopened if drift comes back.");
  });

  test("a branch seen for the first time gets its baseline in the open report, without a comment", async () => {
    const mock = mockGitHub();
    const state = driftState({ items: { "protection:master:enforce_admins": { firstSeen: NOW.toISOString() } } });
    const body = reportBody(state, "**1 open drift item**");
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL] })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/release").reply(200, activityReply({ withDeployments: false }));
    mockProtection(mock.api, { branch: "release", protection: classicProtection({ reviews: 2 }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {});

    const summary = await scanRepository(gw(), loadedConfig({ production: { branches: ["master", "release"] } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 1, newItems: [], report: "updated" });
    const [update] = writes(mock.requests);
    expect(stateOf(bodyOf(update).body).baseline).toEqual({ master: BASELINE_SNAPSHOT, release: { ...BASELINE_SNAPSHOT, required_approving_review_count: 2 } });
  });
});

describe("declared protection (drift.protection)", () => {
  const declared = { drift: { protection: { enforce_admins: true, required_approving_review_count: 1 } } };

  test("no protection at all (404) is drift of every declared field; the report is created open", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [], protection: null });
    mockCreateReport(mock.api);

    const summary = await scanRepository(gw(), loadedConfig(declared), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 2, report: "created", newItems: ["protection:master:enforce_admins", "protection:master:required_approving_review_count"] });
    const created = bodyOf(writes(mock.requests)[2]);
    expect(created.body).toContain("- **`master`: enforce_admins is false, expected true**");
    expect(created.body).toContain("  - Expected: true (declared in `drift.protection`)\n  - Actual: false");
    expect(created.body).toContain("- **`master`: required_approving_review_count is 0, expected 1**");
    expect(created.body).toContain("change `drift.protection` in `.github/pipeline-guard.yml` through a pull request");
    // Declared protection needs no baseline.
    expect(stateOf(created.body)).toEqual({
      v: 1,
      items: { "protection:master:enforce_admins": { firstSeen: NOW.toISOString() }, "protection:master:required_approving_review_count": { firstSeen: NOW.toISOString() } },
      accepted: {},
      baseline: {},
      tampered: {},
    });
  });

  test("ruleset rules count: a pull_request rule of 2 reviews and non_fast_forward meet the declaration; no write", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, {
      reportIssues: [],
      protection: null,
      rules: [
        {
          type: "pull_request",
          ruleset_source_type: "Repository",
          ruleset_source: `${OWNER}/${NAME}`,
          ruleset_id: 42,
          parameters: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false, allowed_merge_methods: ["squash"] },
        },
        { type: "non_fast_forward", ruleset_source_type: "Organization", ruleset_source: OWNER, ruleset_id: 43 },
      ],
    });

    const summary = await scanRepository(gw(), loadedConfig({ drift: { protection: { required_approving_review_count: 2, allow_force_pushes: false } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary).toMatchObject({ open: 0, report: "unchanged" });
  });

  test("the strongest of classic protection and rulesets is compared: a ruleset of 1 review under a declared 2 is drift", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, {
      reportIssues: [],
      protection: classicProtection({ reviews: 0 }),
      rules: [{ type: "pull_request", ruleset_id: 42, parameters: { required_approving_review_count: 1 } }],
    });
    mockCreateReport(mock.api);

    const summary = await scanRepository(gw(), loadedConfig({ drift: { protection: { required_approving_review_count: 2 } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["protection:master:required_approving_review_count"]);
    expect(bodyOf(writes(mock.requests)[1]).body).toContain("- **`master`: required_approving_review_count is 1, expected 2**");
  });

  test("protection that cannot be read (403) is a scan item; the earlier items keep their state", async () => {
    const mock = mockGitHub();
    const firstSeen = "2026-03-01T00:00:00.000Z";
    const state = driftState({
      items: { "protection:master:enforce_admins": { firstSeen } },
      accepted: {},
    });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state, "**1 open drift item**"), labels: [DRIFT_LABEL] })], protectionStatus: 403 });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gw(), loadedConfig(declared), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    // Protection (403) leaves the rules unread: 4 reads.
    expect(mock.requests.filter((r) => r.method === "GET" || r.path === "/graphql")).toHaveLength(4);
    expect(summary).toMatchObject({ open: 1, newItems: ["scan:protection:master"], report: "updated" });
    const [update, comment] = writes(mock.requests);
    expect(bodyOf(update).body).toContain("- **The protection of master could not be read (403)**");
    expect(bodyOf(update).body).toContain("How to fix: Grant the app `administration: read`, as `app.yml` asks.");
    expect(stateOf(bodyOf(update).body).items).toEqual({
      "protection:master:enforce_admins": { firstSeen },
      "scan:protection:master": { firstSeen: NOW.toISOString() },
    });
    expect(bodyOf(comment).body).toContain("- The protection of master could not be read (403) (`scan:protection:master`)");
    expect(bodyOf(comment).body).not.toContain("enforce_admins");

    // Readable again, still drifted: the item is not new, so no comment; the scan item is gone.
    const next = mockGitHub();
    mockScanReads(next.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: bodyOf(update).body, labels: [DRIFT_LABEL] })], protection: classicProtection({ enforceAdmins: false }) });
    next.api.patch(`${REPO_PATH}/issues/7`).reply(200, {});
    const again = await scanRepository(gw(), loadedConfig(declared), { ...DEFAULT_OPTIONS, now: at(6) });
    expectAllCallsMade(next);
    expect(again).toMatchObject({ open: 1, newItems: [], report: "updated" });
    expect((stateOf(bodyOf(writes(next.requests)[0]).body) as Json).items).toEqual({ "protection:master:enforce_admins": { firstSeen } });
  });

  test("a 500 on protection is not drift: the scan fails and writes nothing", async () => {
    const mock = mockGitHub();
    mock.api
      .post("/graphql")
      .reply(200, activityReply())
      .get(`${REPO_PATH}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/branches/master/protection`)
      .reply(502, { message: "Server Error" });

    await expect(scanRepository(gw(), loadedConfig(declared), DEFAULT_OPTIONS)).rejects.toMatchObject({ status: 502 });
    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });
});

describe("the report's state", () => {
  test("attack: an acceptance typed into the report's block by hand does not verify: nothing in it counts, the tampering is an item, the report is rebuilt and signed", async () => {
    const mock = mockGitHub();
    const honest = reportBody(driftState());
    const forged = honest.replace('"accepted":{}', '"accepted":{"protection:master:enforce_admins":{"by":"mallory","reason":"fine","until":null,"at":"2026-03-01T00:00:00.000Z"}}');
    expect(forged).not.toBe(honest);
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: forged, labels: [DRIFT_LABEL] })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gw(), loadedConfig({ drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 2, accepted: 0, newItems: ["record:tampered:#7", "protection:master:enforce_admins"], report: "updated" });
    const [update, comment] = writes(mock.requests);
    const body = String(bodyOf(update).body);
    expect(body).toContain("## Records tampered with");
    expect(body).toContain("Issue #7, a record of Pipeline Guard, was changed by someone else: the record block's signature does not verify (the drift report itself: its acceptances and baseline were dropped)");
    const saved = stateOf(body);
    expect(saved.accepted).toEqual({});
    expect(saved.tampered).toEqual({ "7": { seenAt: NOW.toISOString(), reason: expect.stringContaining("does not verify") } });
    expect(bodyOf(comment).body).toContain("(`record:tampered:#7`)");

    // The rebuilt report verifies; the tampering stays listed until someone accepts it.
    const next = mockGitHub();
    mockScanReads(next.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body, labels: [DRIFT_LABEL] })], protection: classicProtection({ enforceAdmins: false }) });
    const again = await scanRepository(gw(), loadedConfig({ drift: { protection: { enforce_admins: true } } }), { ...DEFAULT_OPTIONS, now: at(6) });
    expectAllCallsMade(next);
    expect(again).toMatchObject({ open: 2, newItems: [], report: "unchanged" });
  });

  test("attack: another repository's report pasted in (its acceptance signed for there) does not verify here", async () => {
    const mock = mockGitHub();
    const acceptance = { by: "carol", reason: "migrating to rulesets", until: null, at: "2026-03-05T09:00:00.000Z" };
    const theirs = driftReportBody({ repository: "other-org/other-repo", number: 7 }, driftState({ accepted: { "protection:master:enforce_admins": acceptance } }) as never);
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: theirs, labels: [DRIFT_LABEL] })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gw(), loadedConfig({ drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ accepted: 0, newItems: ["record:tampered:#7", "protection:master:enforce_admins"] });
    expect(stateOf(bodyOf(writes(mock.requests)[0]).body).accepted).toEqual({});
  });

  test("attack: the report's label removed, then protection weakened: the report is still found by its author, the baseline stands, the weakening is drift", async () => {
    const mock = mockGitHub();
    const state = driftState();
    // The label is gone: the app never looked it up by label.
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state), labels: [], state: "closed" })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gw(), loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 1, newItems: ["protection:master:enforce_admins"], report: "reopened" });
    expect(stateOf(bodyOf(writes(mock.requests)[0]).body).baseline).toEqual({ master: BASELINE_SNAPSHOT });
  });

  test("an accepted item is listed apart and not counted open; a closed report is only rewritten", async () => {
    const mock = mockGitHub();
    const acceptance = { by: "carol", reason: "migrating to rulesets", until: "2026-04-01", at: "2026-03-05T09:00:00Z" };
    const state = driftState({ items: { "protection:master:enforce_admins": { firstSeen: "2026-03-04T00:00:00.000Z" } }, accepted: { "protection:master:enforce_admins": acceptance } });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state), labels: [DRIFT_LABEL], state: "closed" })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {});

    const summary = await scanRepository(gw(), loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 0, accepted: 1, newItems: [], report: "updated" });
    const update = bodyOf(writes(mock.requests)[0]);
    expect(update).not.toHaveProperty("state");
    expect(update.body).toContain("No open drift in `octo-org/octo-repo`. 1 accepted item listed apart.");
    expect(update.body).not.toContain("production matches what Git says");
    expect(update.body).toContain("## Accepted");
    expect(update.body).toContain("  - Accepted by `carol` on 2026-03-05 09:00 UTC, until 2026-04-01 (inclusive): migrating to rulesets");
    expect(update.body).not.toContain("## Protection");
  });

  test("an expired acceptance makes the item open again, and new: the report is reopened naming it", async () => {
    const mock = mockGitHub();
    const acceptance = { by: "carol", reason: "migrating", until: "2026-03-01", at: "2026-02-20T09:00:00Z" };
    const state = driftState({ items: { "protection:master:enforce_admins": { firstSeen: "2026-02-19T00:00:00.000Z" } }, accepted: { "protection:master:enforce_admins": acceptance } });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state), labels: [DRIFT_LABEL], state: "closed" })], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gw(), loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 1, accepted: 0, newItems: ["protection:master:enforce_admins"], report: "reopened" });
    const [update, comment] = writes(mock.requests);
    expect(bodyOf(update).state).toBe("open");
    expect(stateOf(bodyOf(update).body)).toMatchObject({ items: { "protection:master:enforce_admins": { firstSeen: "2026-02-19T00:00:00.000Z" } }, accepted: {} });
    expect(bodyOf(comment).body).toContain("- `master`: enforce_admins is false, expected true (`protection:master:enforce_admins`)");
  });

  test("a report opened by a person with the same hidden key is not the app's: a new one is made", async () => {
    const mock = mockGitHub();
    const planted = issue({ number: 3, title: "Configuration drift report", body: reportBody(driftState()), labels: [DRIFT_LABEL], user: { login: "mallory", id: 66, type: "User" } });
    mockScanReads(mock.api, { reportIssues: [planted], protection: classicProtection({ enforceAdmins: false }) });
    mock.api.get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [planted]);
    mock.api.post(`${REPO_PATH}/labels`).reply(422, { message: "Validation Failed", errors: [{ code: "already_exists" }] });
    mock.api.post(`${REPO_PATH}/issues`).reply(201, (_uri: string, body: Json) => issue({ number: 8, title: body.title, body: body.body, labels: body.labels }));
    mock.api.patch(`${REPO_PATH}/issues/8`).reply(200, {});

    const summary = await scanRepository(gw(), loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    // The planted state (with its baseline) is not read: this is a first scan.
    expect(summary.report).toBe("baseline recorded");
  });

  test("configuration errors alone open the report, listing them with their key paths", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const loaded = loadedConfig({ markers: { "skip-tests": { follow_up: ["rerun"] } } });
    expect(loaded.errors).not.toEqual([]);
    const summary = await scanRepository(gw(), loaded, DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 0, report: "reopened" });
    const [update, comment] = writes(mock.requests);
    expect(bodyOf(update).body).toContain("## Configuration errors");
    expect(bodyOf(update).body).toContain("- markers.skip-tests.follow\\_up\\[0\\]: ");
    expect(bodyOf(comment).body).toBe("Reopened: `.github/pipeline-guard.yml` is invalid, so the defaults apply; the report lists the errors.");
  });

  test("drift.enabled: false reads no protection and no report (2 reads)", async () => {
    const mock = mockGitHub();
    mock.api.post("/graphql", (b: Json) => b.variables?.withDeployments === false).reply(200, activityReply({ withDeployments: false }));
    mock.api.get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []);

    const summary = await scanRepository(gw(), loadedConfig({ drift: { enabled: false } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(summary.report).toBe("none");
  });

  test("DRY_RUN: every write is logged, none is made", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [], protection: null });
    mock.api.get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, []);
    const { gw: dry, logs } = gateway({ dryRun: true });

    const summary = await scanRepository(dry, loadedConfig({ drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.report).toBe("created");
    expect(logs.filter((l) => l.dryRun === true).map((l) => l.msg)).toEqual(["dry run: would create label", "dry run: would create issue"]);
  });
});
