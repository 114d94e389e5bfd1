import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { setNotifier } from "../../src/notifications/notifier.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import {
  BEFORE_SHA,
  HEAD_SHA,
  MERGE_SHA,
  PUSH_SHA,
  REPO,
  ZERO_SHA,
  commitsResponse,
  compareResponse,
  mergedPullsForCommit,
  pullRequestEvent,
  pushCommitSha,
  pushEvent,
} from "../helpers/payloads.js";
import { followUpIssue, followUpState } from "../helpers/records.js";
import { APP_BOT, bodies, callList, createdIssue, visible, issueResponse, RECORD_LOOKUP, requestsTo, requiredChecksResponse, type Json } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const CONFIG = "production:\n  branches: [master]\n";
const RETEST_CONFIG = `${CONFIG}follow_up:\n  retest_workflow: ci.yml\n`;
const SHORT = PUSH_SHA.slice(0, 7);
const BYPASS_KEY = `<!-- pipeline-guard:bypass sha=${PUSH_SHA} -->`;
const FOLLOW_UP_KEY = `<!-- pipeline-guard:follow-up sha=${PUSH_SHA} -->`;
const PULLS = `/repos/${REPO}/commits/${PUSH_SHA}/pulls`;
const ISSUES = `/repos/${REPO}/issues`;
const LABELS = `/repos/${REPO}/labels`;
const CHECK_RUNS = `/repos/${REPO}/check-runs`;
const DISPATCH = `/repos/${REPO}/actions/workflows/ci.yml/dispatches`;
const CONFIG_CALL = `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`;

function writes(requests: ReadonlyArray<{ method: string }>) {
  return requests.filter((r) => r.method !== "GET");
}

describe("push to a ref that is not a production branch", () => {
  test("a tag costs no API call at all", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(pushEvent({ ref: "refs/tags/v1", commits: ["Release [skip-tests]"] }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("a feature branch: the first push reads the config once (cold cache), the next costs nothing", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);

    await probot.receive(pushEvent({ ref: "refs/heads/feature/x", commits: ["Work in progress"] }));
    expect(callList(mock.requests)).toEqual([CONFIG_CALL]);

    await probot.receive(pushEvent({ ref: "refs/heads/feature/x", commits: ["More work [skip-tests]"], forced: true }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("a feature branch when the config is cached (read by a production push) costs nothing", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).get(PULLS).query({ per_page: 100 }).reply(200, mergedPullsForCommit(PUSH_SHA));
    await probot.receive(pushEvent());
    expect(mock.requests).toHaveLength(2);

    await probot.receive(pushEvent({ ref: "refs/heads/feature/y", deleted: true }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/y", commits: ["[emergency-deploy] oops"] }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
  });

  test("with the default config (no file), only the default branch is production", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    // Probot looks in the owner's .github repository when the repository has no file.
    mock.api.get(CONFIG_PATH(REPO)).reply(404, { message: "Not Found" }).get(CONFIG_PATH("Codertocat/.github")).reply(404, { message: "Not Found" });
    await probot.receive(pushEvent({ ref: "refs/heads/develop" }));
    await probot.receive(pushEvent({ ref: "refs/heads/develop" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(writes(mock.requests)).toEqual([]);
  });
});

describe("push of a merged PR", () => {
  test("one commit, arrived through a merged PR, no marker: exactly config + the commit-to-PR look-up (2 calls)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).get(PULLS).query({ per_page: 100 }).reply(200, mergedPullsForCommit(PUSH_SHA));

    await probot.receive(pushEvent({ commits: ["Merge pull request #2 from Codertocat/patch-1"] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, `GET ${PULLS}`]);
  });

  test("a merged PR's push carrying a marker makes no follow-up either: the PR's `closed` event does", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, RETEST_CONFIG, RAW).get(PULLS).query(true).reply(200, mergedPullsForCommit(PUSH_SHA));
    await probot.receive(pushEvent({ commits: ["Raise the timeout [skip-tests]", "Merge pull request #2"] }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
  });

  test("a commit that belongs to a PR but is not its merge commit (pushed straight to master) is a direct push", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const open = { ...mergedPullsForCommit("f".repeat(40))[0], merged_at: null, merge_commit_sha: "f".repeat(40), state: "open" };
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [open])
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: ["pipeline-guard:bypass"] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.title).toBe(`Bypass: direct push on master (${SHORT})`);
  });

  test("the merge commit of a PR into another branch, pushed on to master by hand, is a direct push", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  direct_push: check\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, mergedPullsForCommit(PUSH_SHA, { base: "staging" }))
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });
    await probot.receive(pushEvent({ commits: ["Merge pull request #2 from Codertocat/patch-1"] }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: PUSH_SHA, conclusion: "failure", output: { title: `Bypass: direct push on master (${SHORT})` } });
  });

  test("a warm cache: the merged PR's push costs the look-up only (1 call)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).get(PULLS).query(true).times(2).reply(200, mergedPullsForCommit(PUSH_SHA));
    await probot.receive(pushEvent());
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, `GET ${PULLS}`, `GET ${PULLS}`]);
  });

  test("the `closed` delivery and the push delivery of one merge, received at once: exactly one follow-up, made by the PR path", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .times(2)
      .reply(200, RETEST_CONFIG, RAW)
      // the push path
      .get(`/repos/${REPO}/commits/${MERGE_SHA}/pulls`)
      .query({ per_page: 100 })
      .reply(200, mergedPullsForCommit(MERGE_SHA))
      // the PR path (nothing remembered on the head)
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout [skip-tests]"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(LABELS)
      .reply(201, {})
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 9 })
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 41, title: "Follow-up", body: "", labels: ["pipeline-guard:follow-up"] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/41`)
      .reply(200, {})
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(DISPATCH)
      .reply(204)
      .post("/graphql")
      .reply(200, requiredChecksResponse({ required: ["ci"], results: { ci: "SUCCESS" } }));

    const push = pushEvent({
      after: MERGE_SHA,
      commits: [{ id: pushCommitSha(1), message: "Raise the timeout [skip-tests]" }, "Merge pull request #2 from Codertocat/patch-1"],
      sender: "bob",
    });
    const closed = pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: "## Justification\nOutage." });
    await Promise.all([probot.receive(closed), probot.receive(push)]);

    expectAllCallsMade(mock);
    const created = requestsTo(mock.requests, "POST", ISSUES);
    expect(created).toHaveLength(1);
    expect((created[0]?.body as Json).title).toBe("Follow-up: skip-tests in #2 [skip-tests] raise the timeout");
    expect((created[0]?.body as Json).body).toContain("<!-- pipeline-guard:follow-up pr=2 -->");
    // One check run, the PR path's on the merge commit (the override's verdict); the push path writes none.
    expect(bodies(requestsTo(mock.requests, "POST", CHECK_RUNS))).toEqual([
      expect.objectContaining({ name: "Pipeline Guard", head_sha: MERGE_SHA, conclusion: "success", output: expect.objectContaining({ title: "Override allowed: skip-tests" }) }),
    ]);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]?.body).toContain("**Follow-up issue:** #41");
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(1);
  });
});

describe("direct push without a marker: a bypass", () => {
  const bypassMocks = (mock: ReturnType<typeof mockGitHub>, config = CONFIG) =>
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, config, RAW)
      .get(PULLS)
      .query({ per_page: 100 })
      .reply(200, [])
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: ["pipeline-guard:bypass"] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});

  test("an issue with the title, the label (created), the key, the pusher and the commit subjects (5 calls)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    bypassMocks(mock);

    await probot.receive(pushEvent({ commits: ["Fix the login timeout\n\nLonger explanation here.", "Bump the cache size"], sender: "carol" }));

    expectAllCallsMade(mock);
    // The app's login (once per process), the look-up by author and key, the label, the issue, its signature.
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, `GET ${PULLS}`, "GET /app", `GET ${ISSUES}`, `POST ${LABELS}`, `POST ${ISSUES}`, `PATCH ${ISSUES}/40`]);
    const [label, issue] = bodies(mock.requests).slice(4);
    expect(label).toEqual({ name: "pipeline-guard:bypass", color: "b60205", description: expect.stringContaining("Pipeline Guard") });
    expect(issue?.title).toBe(`Bypass: direct push on master (${SHORT})`);
    expect(issue?.labels).toEqual(["pipeline-guard:bypass"]);
    expect(issue?.body.startsWith(`${BYPASS_KEY}\n`)).toBe(true);
    expect(issue?.body).toContain("**direct push**");
    expect(issue?.body).toContain("- **Who:** @carol");
    expect(issue?.body).toContain(`- **Commit:** ${PUSH_SHA}`);
    expect(issue?.body).toContain(`- ${pushCommitSha(0).slice(0, 7)} Fix the login timeout\n`);
    expect(issue?.body).toContain(`- ${SHORT} Bump the cache size`);
    expect(issue?.body).not.toContain("Longer explanation");
    expect(issue?.body).toContain("- **When:** 2026-11-20 10:00 UTC");
  });

  test("a label that already exists (422) is fine", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(422, { message: "Validation Failed", errors: [{ code: "already_exists" }] })
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.labels).toEqual(["pipeline-guard:bypass"]);
  });

  test("`bypass.direct_push: check`: a failing `Pipeline Guard` check run on the commit, no issue", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  direct_push: check\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
    const check = bodies(mock.requests)[2];
    expect(check).toMatchObject({ name: "Pipeline Guard", head_sha: PUSH_SHA, status: "completed", conclusion: "failure" });
    expect(check?.output.title).toBe(`Bypass: direct push on master (${SHORT})`);
    expect(check?.output.summary).toContain("Fix the login timeout");
  });

  test("`check` in `mode: report`: the check run ends neutral", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `mode: report\n${CONFIG}bypass:\n  direct_push: check\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(bodies(mock.requests)[2]).toMatchObject({ head_sha: PUSH_SHA, conclusion: "neutral" });
  });

  test("`bypass.direct_push: off`: no write (config and look-up only)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, `${CONFIG}bypass:\n  direct_push: off\n`, RAW).get(PULLS).query(true).reply(200, []);
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("a 404 on the commit-to-PR look-up (the commit is not known to the API yet) is treated as a direct push", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(404, { message: "No commit found for SHA" })
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.title).toBe(`Bypass: direct push on master (${SHORT})`);
  });

  test("a production branch matched by a glob", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, 'production:\n  branches: [master, "release/*"]\n', RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent({ ref: "refs/heads/release/2" }));
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.title).toBe(`Bypass: direct push on release/2 (${SHORT})`);
  });
});

describe("direct push with a marker: an override", () => {
  const overrideMocks = (mock: ReturnType<typeof mockGitHub>, params: { config?: string; permission?: string } = {}) =>
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, params.config ?? CONFIG, RAW)
      .get(PULLS)
      .query({ per_page: 100 })
      .reply(200, [])
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: params.permission ?? "write", role_name: params.permission ?? "write" })
      .post(CHECK_RUNS)
      .reply(201, { id: 1 })
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 41, title: "Follow-up", body: "", labels: ["pipeline-guard:follow-up", "skip-tests"] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/41`)
      .reply(200, {});

  const JUSTIFIED = "Raise the db timeout [skip-tests]\n\nJustification: the login service is down for every customer.";

  test("permission look-up, a successful check run, the follow-up issue with key, labels and the justification of the commit body", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock);

    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      CONFIG_CALL,
      `GET ${PULLS}`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `POST ${CHECK_RUNS}`,
      "GET /app",
      `GET ${ISSUES}`,
      `POST ${LABELS}`,
      `POST ${LABELS}`,
      `POST ${ISSUES}`,
      `PATCH ${ISSUES}/41`,
    ]);
    const b = bodies(mock.requests);
    expect(b[3]).toMatchObject({ name: "Pipeline Guard", head_sha: PUSH_SHA, status: "completed", conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(b[3]?.output.summary).toContain(`commit ${SHORT}`);
    expect(b[3]?.output.summary).toContain("✅ **Authorized**: @alice has write permission (write needed)");
    expect(b[6]).toMatchObject({ name: "pipeline-guard:follow-up" });
    expect(b[7]).toMatchObject({ name: "skip-tests" });
    const issue = b[8]!;
    expect(issue.title).toBe(`Follow-up: skip-tests in ${SHORT}`);
    expect(issue.labels).toEqual(["pipeline-guard:follow-up", "skip-tests"]);
    expect(issue.assignees).toEqual(["alice"]);
    expect(issue.body.startsWith(`${FOLLOW_UP_KEY}\n`)).toBe(true);
    expect(issue.body).toContain("through a direct push by @alice");
    expect(issue.body).toContain("**Justification:**\n> the login service is down for every customer.");
    expect(issue.body).toContain("- [ ] **Retest**: the full test suite passed on the merge commit 6113728 <!-- pipeline-guard:item retest -->");
    // The commit was written on 2026-11-17 and pushed on 2026-11-20: the follow-up is due 48 h after the push.
    expect(issue.body).toContain("- **At:** 2026-11-20 10:00 UTC");
    expect(issue.body).toContain("- **Due:** 2026-11-22 10:00 UTC (48 h after the change)");
  });

  test("overrides.approval.required 1: an override without approval (it could not be approved beforehand); the follow-up gets a Second approval box", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: `${CONFIG}overrides:\n  approval: {required: 1}\n` });

    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));

    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    expect(b[3]).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(b[3]?.output.summary).toContain("❌ **Second approval**: a direct push cannot be approved beforehand: override without approval; the follow-up's **Second approval** box must be ticked by someone allowed by overrides.approval.by (maintain permission)");
    const issue = createdIssue(mock.requests)!;
    expect(issue.body).toContain("- [ ] **Second approval**: someone allowed by `overrides.approval.by`, other than @alice, approves this direct push");
    expect(issue.body).toContain("<!-- pipeline-guard:item approval -->");
    // The missing approval is the box, not a line of unmet requirements: ticking it can still make the push pass.
    expect(issue.body).not.toContain("**Requirements that were not met at merge:**");
  });

  test("overrides.incident: the incident named in the commit's justification is linked in the check and the follow-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: `${CONFIG}overrides:\n  incident: {required: true, pattern: 'INC-\\d+', url: 'https://pd.example.com/i/{id}'}\n` });

    await probot.receive(pushEvent({ commits: ["Raise the db timeout [skip-tests]\n\nJustification: INC-77, the login service is down."] }));

    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    expect(b[3]).toMatchObject({ conclusion: "success" });
    expect(b[3]?.output.summary).toContain("✅ **Incident**: incident [INC-77](https://pd.example.com/i/INC-77) named in the justification");
    expect(createdIssue(mock.requests)?.body).toContain("- **Incident:** [INC-77](https://pd.example.com/i/INC-77)");
  });

  test("NOTIFY_WEBHOOK_URL: one message for the override, linking its follow-up, sent without the handler waiting", async () => {
    const sent: string[] = [];
    setNotifier({ notify: (m) => void sent.push(m.text), drain: async () => undefined });
    try {
      const { probot } = createTestApp();
      const mock = mockGitHub();
      overrideMocks(mock);
      await probot.receive(pushEvent({ commits: [JUSTIFIED] }));
      expectAllCallsMade(mock);
    } finally {
      setNotifier(null);
    }
    expect(sent).toEqual([`:rotating_light: Override merged in ${REPO}: skip-tests in ${SHORT} (direct push) by alice. Follow-up: <https://github.com/Codertocat/Hello-World/issues/41|issue>`]);
  });

  test("no `Justification:` line in the commit body: the check fails and the follow-up says none was given", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock);

    // A `Justification:` in the subject is the change itself, not a justification.
    await probot.receive(pushEvent({ commits: ["Justification: none [skip-tests]"] }));

    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    expect(b[3]).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(b[3]?.output.summary).toContain('no justification: add a "Justification: …" line in the commit message body');
    expect(createdIssue(mock.requests)?.body).toContain("_none was given_");
    expect(createdIssue(mock.requests)?.body).toContain("**Requirements that were not met at merge:**");
  });

  test("a pusher without write permission: failure, and the follow-up records it", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { permission: "read" });
    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));
    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    expect(b[3]).toMatchObject({ conclusion: "failure" });
    expect(createdIssue(mock.requests)?.body).toContain("- @\u200balice has read permission \\(write needed\\)");
  });

  // SPEC section 10, rule 6: fails when only the pusher is checked.
  test("a marker commit written by someone less privileged than the pusher: failure naming its author", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock);
    mock.api.get(`/repos/${REPO}/collaborators/walt/permission`).reply(200, { permission: "read", role_name: "read" });
    await probot.receive(pushEvent({ commits: [{ message: JUSTIFIED, username: "walt" }] }));
    expectAllCallsMade(mock);
    const check = bodies(requestsTo(mock.requests, "POST", CHECK_RUNS))[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(`❌ **Authorized**: @walt (author of commit ${SHORT}) has read permission (write needed)`);
  });

  test("a marker commit whose author has no GitHub login: failure, an unknown author", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock);
    await probot.receive(pushEvent({ commits: [{ message: JUSTIFIED, username: null }] }));
    expectAllCallsMade(mock);
    const check = bodies(requestsTo(mock.requests, "POST", CHECK_RUNS))[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(`an unknown author (author of commit ${SHORT}: GitHub ties it to no login) is not allowed`);
  });

  test("`mode: report`: the unmet override's check ends neutral", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: `mode: report\n${CONFIG}` });
    await probot.receive(pushEvent({ commits: ["[skip-tests] no reason"] }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests)[3]).toMatchObject({ conclusion: "neutral" });
  });

  test("`follow_up.retest_workflow: ci.yml`: the retest is dispatched on the branch with the commit as input", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: RETEST_CONFIG }).post(DISPATCH).reply(204);

    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(11);
    expect(mock.requests.at(-1)).toMatchObject({ method: "POST", path: DISPATCH, body: { ref: "master", inputs: { sha: PUSH_SHA } } });
    expect(createdIssue(mock.requests)?.body).toContain("- [ ] **Retest**: the full test suite (`ci.yml`) passed on the merge commit 6113728; Pipeline Guard ticks this when the run succeeds");
  });

  test("a 422 on the dispatch (the workflow declares no `sha` input): dispatched again without inputs", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: RETEST_CONFIG })
      .post(DISPATCH, { ref: "master", inputs: { sha: PUSH_SHA } })
      .reply(422, { message: "Unexpected inputs provided: [\"sha\"]" })
      .post(DISPATCH, { ref: "master" })
      .reply(204);

    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));

    expectAllCallsMade(mock);
    const dispatches = requestsTo(mock.requests, "POST", DISPATCH);
    expect(dispatches.map((d) => d.body)).toEqual([{ ref: "master", inputs: { sha: PUSH_SHA } }, { ref: "master" }]);
    expect(logs.some((l) => l.level === 40 && l.msg.includes("without them"))).toBe(true);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
  });

  test("a dispatch that fails otherwise is logged; the follow-up stands", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: RETEST_CONFIG }).post(DISPATCH).reply(404, { message: "Not Found" });
    await probot.receive(pushEvent({ commits: [JUSTIFIED] }));
    expectAllCallsMade(mock);
    expect(logs.some((l) => l.level === 50 && l.msg.includes("retest workflow could not be dispatched"))).toBe(true);
  });

  test("a second delivery finds the follow-up: no second issue, no second dispatch", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock, { config: RETEST_CONFIG })
      .post(DISPATCH)
      .reply(204)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(CHECK_RUNS)
      .reply(201, { id: 2 })
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [followUpIssue({ repository: REPO, number: 41 }, followUpState({ pr: undefined, sha: PUSH_SHA }))]);

    const event = pushEvent({ commits: [JUSTIFIED] });
    await probot.receive(event);
    await probot.receive(event);

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES)).toHaveLength(1);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(1);
  });

  test("a marker in any pushed commit counts; the justification may be in another commit's body", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideMocks(mock);
    await probot.receive(pushEvent({ commits: ["First [skip ci]", "Second\n\nJustification: the pipeline is down", "Third"] }));
    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    expect(b[3]?.output.summary).toContain(`commit ${pushCommitSha(0).slice(0, 7)}`);
    expect(createdIssue(mock.requests)?.body).toContain("> the pipeline is down");
  });
});

describe("force pushes and deletions", () => {
  test("`forced: true`: a `force push` bypass issue with the before and after SHAs", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 42, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/42`)
      .reply(200, {});

    // A reset to an older commit: nothing new is pushed.
    await probot.receive(pushEvent({ forced: true, commits: [], headCommit: null, sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(6);
    const issue = createdIssue(mock.requests)!;
    expect(issue.title).toBe(`Bypass: force push on master (${SHORT})`);
    expect(issue.labels).toEqual(["pipeline-guard:bypass"]);
    expect(issue.body).toContain(BYPASS_KEY);
    expect(issue.body).toContain(`- **Before:** ${BEFORE_SHA}`);
    expect(issue.body).toContain(`- **After:** ${PUSH_SHA}`);
    expect(issue.body).toContain("- **Who:** @mallory");
    expect(issue.body).toContain("History was rewritten");
  });

  test("a force push that brings a new commit without a marker: one bypass record, no second report of the same commit", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  force_push: check\n  direct_push: check\n`, RAW)
      .post(CHECK_RUNS)
      .reply(201, { id: 1 })
      .get(PULLS)
      .query(true)
      .reply(200, []);

    await probot.receive(pushEvent({ forced: true, commits: ["Amended fix"] }));

    expectAllCallsMade(mock);
    const checks = requestsTo(mock.requests, "POST", CHECK_RUNS);
    expect(checks).toHaveLength(1);
    expect((checks[0]?.body as Json).output.title).toBe(`Bypass: force push on master (${SHORT})`);
    expect((checks[0]?.body as Json).conclusion).toBe("failure");
    expect((checks[0]?.body as Json).output.summary).toContain(`- ${SHORT} Amended fix`);
  });

  test("a force push with `force_push: off` still reports the direct push of its new commit", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  force_push: off\n  direct_push: check\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });
    await probot.receive(pushEvent({ forced: true, commits: ["Amended fix"] }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)?.output.title).toBe(`Bypass: direct push on master (${SHORT})`);
  });

  test("a force push that brings a marked commit: the force push bypass and the override's follow-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 42, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/42`)
      .reply(200, {})
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "admin", role_name: "admin" })
      .post(CHECK_RUNS)
      .reply(201, { id: 1 })
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .times(2)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 43, title: "Follow-up", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/43`)
      .reply(200, {});
    await probot.receive(pushEvent({ forced: true, commits: ["Hotfix [skip-tests]\n\nJustification: outage"] }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES).map((r) => (r.body as Json).title)).toEqual([
      `Bypass: force push on master (${SHORT})`,
      `Follow-up: skip-tests in ${SHORT}`,
    ]);
  });

  test("branch deletion: a `branch deleted` bypass keyed and titled by the before SHA", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 44, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/44`)
      .reply(200, {});

    await probot.receive(pushEvent({ deleted: true }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(6);
    const issue = createdIssue(mock.requests)!;
    expect(issue.title).toBe(`Bypass: branch deleted on master (${BEFORE_SHA.slice(0, 7)})`);
    expect(issue.body).toContain(`<!-- pipeline-guard:bypass sha=${BEFORE_SHA} -->`);
    expect(issue.body).toContain(`- **Before:** ${BEFORE_SHA}`);
    expect(issue.body).toContain(`- **After:** ${ZERO_SHA}`);
    expect(issue.body).toContain("Restore the branch from the before SHA");
  });

  test("branch deletion with `force_push: off`: no write", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, `${CONFIG}bypass:\n  force_push: off\n`, RAW);
    await probot.receive(pushEvent({ deleted: true }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });
});

describe("exempt actors", () => {
  test("`bypass.allowed_actors: [release-bot]`: no write for that sender, whatever it pushes", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, `${CONFIG}bypass:\n  allowed_actors: [release-bot]\n`, RAW);
    await probot.receive(pushEvent({ sender: "release-bot", commits: ["Release 1.2.3"] }));
    await probot.receive(pushEvent({ sender: "Release-Bot", forced: true }));
    await probot.receive(pushEvent({ sender: "release-bot", deleted: true }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("the app itself (pipeline-guard[bot]) is exempt: its login is asked of GET /app once", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pushEvent({ sender: APP_BOT.login, senderType: "Bot", commits: ["Update the drift baseline"] }));
    await probot.receive(pushEvent({ sender: APP_BOT.login, senderType: "Bot", forced: true }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, "GET /app"]);
  });

  test("another bot is not exempt", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  direct_push: check\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });
    await probot.receive(pushEvent({ sender: "github-actions[bot]", senderType: "Bot" }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)?.output.summary).toContain("- **Who:** @github-actions[bot]");
  });
});

describe("pushes past the payload's 2,048 commits", () => {
  const messages = (n: number) => Array.from({ length: n }, (_, i) => `Change ${i + 1}`);

  test("2048 listed, 2250 in all: compare pages 21, 22 and 23 only; a marker found only on page 23", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const all = messages(2250).map((message, i) => ({ sha: pushCommitSha(i), message }));
    all[2200] = { sha: pushCommitSha(2200), message: "Disable the flaky suite [skip-tests]\n\nJustification: release blocker" };
    all[2249] = { sha: PUSH_SHA, message: "Change 2250" };
    const basehead = `/repos/${REPO}/compare/${BEFORE_SHA}...${PUSH_SHA}`;
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, []);
    for (const page of [21, 22, 23]) {
      mock.api
        .get(basehead)
        .query({ per_page: 100, page })
        .reply(200, compareResponse({ total: 2250, commits: all.slice((page - 1) * 100, page * 100) }));
    }
    mock.api
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(CHECK_RUNS)
      .reply(201, { id: 1 })
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .times(2)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 45, title: "Follow-up", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/45`)
      .reply(200, {});

    // The payload carries the first 2048 commits, the head is past them.
    const listed = all.slice(0, 2048).map((c) => ({ id: c.sha, message: c.message }));
    await probot.receive(pushEvent({ commits: listed, after: PUSH_SHA }));

    expectAllCallsMade(mock);
    const compares = mock.requests.filter((r) => r.path.startsWith(basehead));
    expect(compares.map((r) => r.path)).toEqual([21, 22, 23].map((page) => `${basehead}?per_page=100&page=${page}`));
    expect(compares).toHaveLength(Math.ceil((2250 - 2048) / 100));
    const check = bodies(requestsTo(mock.requests, "POST", CHECK_RUNS))[0]!;
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain(`commit ${pushCommitSha(2200).slice(0, 7)}`);
    expect(bodies(requestsTo(mock.requests, "POST", ISSUES))[0]?.body).toContain("> release blocker");
  });

  test("2048 listed and exactly 2048 in all: one compare call that brings nothing new", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const all = messages(2048).map((message, i) => ({ sha: i === 2047 ? PUSH_SHA : pushCommitSha(i), message }));
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}bypass:\n  direct_push: off\n`, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(`/repos/${REPO}/compare/${BEFORE_SHA}...${PUSH_SHA}`)
      .query({ per_page: 100, page: 21 })
      .reply(200, compareResponse({ total: 2048, commits: all.slice(2000) }));
    await probot.receive(pushEvent({ commits: all.map((c) => ({ id: c.sha, message: c.message })) }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
  });

  test("the merge of a huge PR costs no compare call: the PR look-up comes first", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).get(PULLS).query(true).reply(200, mergedPullsForCommit(PUSH_SHA));
    await probot.receive(pushEvent({ commits: messages(2048) }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, `GET ${PULLS}`]);
  });
});

describe("a config change pushed to the default branch", () => {
  test("drops the cached config: the push reads it again and the next push follows the new file", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const NEW_CONFIG = 'production:\n  branches: [master, "feature/*"]\nbypass:\n  direct_push: check\n';
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(CONFIG_PATH(REPO))
      .reply(200, NEW_CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, mergedPullsForCommit(PUSH_SHA))
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(CHECK_RUNS)
      .reply(201, { id: 1 });

    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" })); // cold: reads CONFIG, not production
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" })); // cached: nothing
    expect(mock.requests).toHaveLength(1);

    await probot.receive(pushEvent({ commits: [{ message: "Make feature/* production (#2)", modified: [".github/pipeline-guard.yml"] }] }));
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, CONFIG_CALL, `GET ${PULLS}`]);

    await probot.receive(pushEvent({ ref: "refs/heads/feature/x", commits: ["Straight to feature/x"] }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests).slice(3)).toEqual([`GET ${PULLS}`, `POST ${CHECK_RUNS}`]);
    expect(bodies(mock.requests).at(-1)?.output.title).toBe(`Bypass: direct push on feature/x (${SHORT})`);
  });

  test("an added or removed file counts too; the same file on another branch does not drop the cache", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).times(3).reply(200, CONFIG, RAW);
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x", commits: [{ message: "Try a policy", added: [".github/pipeline-guard.yml"] }] }));
    expect(mock.requests).toHaveLength(1);
    // the default branch that is not production (production.branches elsewhere) still drops it
    await probot.receive(
      pushEvent({ ref: "refs/heads/develop", defaultBranch: "develop", commits: [{ message: "Policy", removed: [".github/pipeline-guard.yml"] }] }),
    );
    expect(mock.requests).toHaveLength(2);
    await probot.receive(pushEvent({ ref: "refs/heads/develop", defaultBranch: "develop", commits: [{ message: "Policy again", added: [".github/pipeline-guard.yml"] }] }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
  });
});

describe("quoted commit text is escaped", () => {
  const HOSTILE = "@octocat <img src=x> | pwn";

  test("in a bypass issue: no mention, no HTML, no table break", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent({ commits: [HOSTILE] }));
    expectAllCallsMade(mock);
    const body = visible(createdIssue(mock.requests)?.body as string);
    expect(body).not.toContain("@octocat");
    expect(body).not.toContain("<img");
    expect(body).toContain(`- ${SHORT} @\u200boctocat &lt;img src\\=x&gt; \\| pwn`);
  });

  test("in a follow-up and its check run: the justification and the written marker are escaped", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(CHECK_RUNS)
      .reply(201, { id: 1 })
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .times(2)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 41, title: "Follow-up", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/41`)
      .reply(200, {});
    await probot.receive(pushEvent({ commits: [`${HOSTILE} [skip-tests]\n\nJustification: ${HOSTILE}\n<script>alert(1)</script>`] }));
    expectAllCallsMade(mock);
    const b = bodies(mock.requests);
    for (const text of [b[3]?.output.summary as string, visible(createdIssue(mock.requests)?.body as string)]) {
      expect(text).not.toContain("@octocat");
      expect(text).not.toContain("<img");
      expect(text).not.toContain("<script");
    }
    expect(createdIssue(mock.requests)?.body).toContain("> @\u200boctocat &lt;img src\\=x&gt; \\| pwn");
  });
});
