import type nock from "nock";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock, type RecordedRequest } from "../helpers/test-app.js";
import { HEAD_SHA, MERGE_SHA, REPO, commitsResponse, pullRequestEvent, type PullRequestOptions } from "../helpers/payloads.js";
import {
  COMMENT_KEY,
  bodies,
  botComment,
  callList,
  issueResponse,
  RECORD_LOOKUP,
  requestsTo,
  requiredChecksResponse,
  type Json,
} from "../helpers/github-replies.js";
import { renderImmutableMemory, parseImmutableMemory } from "../../src/immutable/immutable-memory.js";
import { parseOverrideVerdict } from "../../src/overrides/override-verdict.js";
import { readFollowUp } from "../../src/follow-ups/record.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
const FOLLOW_UP = "pipeline-guard:follow-up";
const BYPASS = "pipeline-guard:bypass";
const ALL_GREEN = requiredChecksResponse({ required: ["ci", "Pipeline Guard"], results: { ci: "SUCCESS", "Pipeline Guard": "SUCCESS", lint: "FAILURE" } });
const CI_FAILED = requiredChecksResponse({ required: ["ci", "Pipeline Guard"], results: { ci: "FAILURE", "Pipeline Guard": "SUCCESS" } });

const merged = (options: PullRequestOptions = {}) =>
  pullRequestEvent({ action: "closed", merged: true, mergedBy: "bob", title: "[skip-tests] Raise the timeout", body: JUSTIFIED, labels: ["skip-tests"], ...options });

/**
 * The PR's comment, the repository's issues and the check runs as GitHub keeps them: what a POST
 * or PATCH writes, the next GET returns. Each route answers `times` requests.
 */
function fakeGitHub(api: nock.Scope, params: { times?: number; comment?: string | null } = {}) {
  const times = params.times ?? 1;
  const state = { comment: params.comment ?? null, issues: [] as Json[], nextIssue: 42, checkRuns: [] as Json[] };
  api
    .post(`/repos/${REPO}/check-runs`)
    .times(times)
    .optionally()
    .reply(201, (_uri, body) => {
      state.checkRuns.push(body as Json);
      return { id: 9 };
    })
    .get(`/repos/${REPO}/issues/2/comments`)
    .query({ per_page: 100 })
    .times(2 * times)
    .optionally()
    .reply(200, () => (state.comment === null ? [] : [botComment(77, state.comment)]))
    .post(`/repos/${REPO}/issues/2/comments`)
    .times(times)
    .optionally()
    .reply(201, (_uri, body) => {
      state.comment = (body as Json).body as string;
      return { id: 77 };
    })
    .patch(`/repos/${REPO}/issues/comments/77`)
    .times(2 * times)
    .optionally()
    .reply(200, (_uri, body) => {
      state.comment = (body as Json).body as string;
      return { id: 77 };
    })
    // The app's records are the issues it opened, newest first, whatever their labels.
    .get(`/repos/${REPO}/issues`)
    .query(RECORD_LOOKUP)
    .times(2 * times)
    .optionally()
    .reply(200, () => [...state.issues].reverse())
    // Each new record is signed with its number in a second write.
    .patch(/\/repos\/[^/]+\/[^/]+\/issues\/\d+$/)
    .times(2 * times)
    .optionally()
    .reply(200, (uri, body) => {
      const issue = state.issues.find((i) => uri.endsWith(`/issues/${String(i.number)}`));
      if (issue) Object.assign(issue, body as Json, { updated_at: "2026-11-20T10:00:01Z" });
      return issue ?? {};
    })
    .post(`/repos/${REPO}/issues`)
    .times(2 * times)
    .optionally()
    .reply(201, (_uri, body) => {
      const b = body as Json;
      const issue = issueResponse({ number: state.nextIssue++, title: b.title, body: b.body, labels: b.labels });
      state.issues.push(issue);
      return issue;
    })
    .post(`/repos/${REPO}/labels`)
    .times(4 * times)
    .optionally()
    .reply(201, {});
  return state;
}

/**
 * Reads of a merged PR's evaluation: config, the app's identity (once per process) and its memory
 * of the head (nothing remembered: no check of the app on it), commits, author's permission.
 */
function evaluationReads(api: nock.Scope, params: { config?: string; commits?: string[]; permission?: string | null; times?: number } = {}) {
  const times = params.times ?? 1;
  api
    .get(CONFIG_PATH(REPO))
    .times(times)
    .reply(200, params.config ?? CONFIG, RAW)
    .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
    .query(true)
    .times(times)
    .reply(200, { total_count: 0, check_runs: [] })
    .get(`/repos/${REPO}/pulls/2/commits`)
    .query({ per_page: 100 })
    .times(times)
    .reply(200, commitsResponse(params.commits ?? ["Raise the timeout"]));
  if (params.permission !== null) {
    api
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .times(times)
      .reply(200, { permission: params.permission ?? "write", role_name: params.permission ?? "write" });
  }
}

const issuesCreated = (requests: readonly RecordedRequest[]) => bodies(requestsTo(requests, "POST", `/repos/${REPO}/issues`));

describe("merge of an override", () => {
  test("a check run on the merge commit, then a follow-up issue linked from the PR comment (written once)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    const state = fakeGitHub(mock.api, { comment: `${COMMENT_KEY}\nold` });
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged());

    expect(mock.unmatched).toEqual([]);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/issues`,
      `POST /repos/${REPO}/labels`,
      `POST /repos/${REPO}/labels`,
      `POST /repos/${REPO}/issues`,
      `PATCH /repos/${REPO}/issues/42`,
      `GET /repos/${REPO}/issues/2/comments`,
      `PATCH /repos/${REPO}/issues/comments/77`,
      "POST /graphql",
    ]);
    const all = bodies(mock.requests);
    // The merge commit carries the override's verdict, as the PR's head did: the deployment gate reads it.
    expect(all[5]).toMatchObject({
      name: "Pipeline Guard",
      head_sha: MERGE_SHA,
      status: "completed",
      conclusion: "success",
      output: { title: "Override allowed: skip-tests" },
    });
    expect(all[5]!.output.summary).toContain("✅ **Authorized**: @alice has write permission (write needed)");
    // The merge commit is not a PR head: its check carries no memory.
    expect(all[5]!.output.text).toBeUndefined();
    // The follow-up is looked up among the issues the app opened, never by its label.
    expect(mock.requests[6]?.path).toBe(`/repos/${REPO}/issues?creator=pipeline-guard%5Bbot%5D&state=all&sort=created&direction=desc&per_page=100`);
    expect(all[7]).toEqual({ name: FOLLOW_UP, color: "fbca04", description: "Pipeline Guard: follow-up work after an emergency override" });
    expect(all[8]).toEqual({ name: "skip-tests", color: "d93f0b", description: "Pipeline Guard: an emergency override marker was used" });

    const [issue] = issuesCreated(mock.requests);
    expect(issue).toMatchObject({
      title: "Follow-up: skip-tests in #2 [skip-tests] Raise the timeout",
      labels: [FOLLOW_UP, "skip-tests"],
      assignees: ["alice", "bob"],
    });
    const body = issue!.body as string;
    expect(body.startsWith("<!-- pipeline-guard:follow-up pr=2 -->\n")).toBe(true);
    expect(body).toContain(`- [ ] **Retest**: the full test suite passed on the merge commit a1b2c3d <!-- pipeline-guard:item retest -->`);
    expect(body).toContain("- **Due:** 2026-11-22 10:00 UTC (48 h after the change)");
    expect(body).toContain(`commit ${MERGE_SHA}`);
    expect(body).toContain("> The database is down and customers cannot log in.");
    expect(body).toContain("through pull request #2, merged by @bob");

    expect(state.comment).toContain(COMMENT_KEY);
    expect(state.comment).toContain("**Follow-up issue:** #42");
    expect(state.checkRuns.map((c) => c.head_sha)).toEqual([MERGE_SHA]);
    expect(all[13]).toMatchObject({ variables: { owner: "Codertocat", repo: "Hello-World", number: 2 } });
    // The follow-up was signed with its number: its record verifies there.
    expect(state.issues[0]?.body).toBe((mock.requests[10]?.body as Json).body);
  });

  test("each marker's follow-up items are boxes: emergency-deploy asks for a postmortem and a review", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    fakeGitHub(mock.api);
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged({ title: "Open the valve [hotfix]", labels: ["emergency-deploy"], author: "alice" }));

    expect(mock.unmatched).toEqual([]);
    const [issue] = issuesCreated(mock.requests);
    expect(issue).toMatchObject({ title: "Follow-up: emergency-deploy in #2 Open the valve [hotfix]", labels: [FOLLOW_UP, "emergency-deploy"] });
    expect(issue!.body).toContain("- [ ] **Postmortem**: a postmortem is linked in this issue <!-- pipeline-guard:item postmortem -->");
    expect(issue!.body).toContain("- [ ] **Review**: someone other than @alice reviewed the change after the fact <!-- pipeline-guard:item review -->");
    expect(issue!.body).not.toContain("pipeline-guard:item retest");
  });

  test("an override merged with its requirements unmet: the follow-up says which ones", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: "read" });
    fakeGitHub(mock.api);
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged({ body: "no reason" }));

    expect(mock.unmatched).toEqual([]);
    const body = issuesCreated(mock.requests)[0]!.body as string;
    expect(body).toContain("**Requirements that were not met at merge:**\n- @\u200balice has read permission \\(write needed\\)\n- no justification:");
    expect(body).toContain("**Justification:**\n_none was given_");
  });

  test("the merge commit of an override that did not meet its requirements gets a failing check", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: "read" });
    const state = fakeGitHub(mock.api);
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged());

    expect(mock.unmatched).toEqual([]);
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`)).toHaveLength(1);
    const [check] = state.checkRuns;
    expect(check).toMatchObject({
      name: "Pipeline Guard",
      head_sha: MERGE_SHA,
      status: "completed",
      conclusion: "failure",
      output: { title: "Override not allowed: skip-tests (1 requirement unmet)" },
    });
    expect(check!.output.summary).toContain("❌ **Authorized**: @alice has read permission (write needed)");
    // The follow-up is still made, and says what was missing.
    expect(issuesCreated(mock.requests)[0]!.body).toContain("**Requirements that were not met at merge:**\n- @\u200balice has read permission \\(write needed\\)");
    expect(state.comment).toContain("**Follow-up issue:** #42");
  });

  test("assignees GitHub refuses (422) are dropped: the issue is created again without them", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    mock.api
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 9 })
      .get(`/repos/${REPO}/issues`)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(`/repos/${REPO}/labels`)
      .times(2)
      .reply(422, { message: "Validation Failed" })
      .post(`/repos/${REPO}/issues`)
      .reply(422, { message: "Validation Failed", errors: [{ resource: "Issue", code: "invalid", field: "assignees", value: "bob" }] })
      .post(`/repos/${REPO}/issues`)
      .reply(201, issueResponse({ number: 43, title: "t", body: "b", labels: [FOLLOW_UP] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/43`)
      .reply(200, {})
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 77 })
      .post("/graphql")
      .reply(200, ALL_GREEN);

    await probot.receive(merged());

    expectAllCallsMade(mock);
    const [first, second] = issuesCreated(mock.requests);
    expect(first?.assignees).toEqual(["alice", "bob"]);
    expect(second).toMatchObject({ title: first?.title, body: first?.body, labels: first?.labels, assignees: [] });
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]?.body).toContain("**Follow-up issue:** #43");
    expect(logs.some((l) => l.level === 40 && l.msg.includes("refused the assignees"))).toBe(true);
  });

  test("closed without a merge costs no call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(pullRequestEvent({ action: "closed", title: "[skip-tests] Raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("a merged PR without markers and with green checks: config, app identity, memory, commits, GraphQL only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null });
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
  });

  test("a merge into a branch that is not production costs the config read only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(merged({ base: "develop" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });
});

describe("merge while required checks were failing", () => {
  test.each([
    ["failed", CI_FAILED, "required check `ci` was failure on the PR's head ec26c3e"],
    ["is missing", requiredChecksResponse({ required: ["ci"], results: { lint: "SUCCESS" } }), "required check `ci` was missing"],
    ["is still running (ruleset)", { data: { repository: { pullRequest: { baseRef: { branchProtectionRule: null, rules: { nodes: [{ type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "ci" }] } }] } }, commits: { nodes: [{ commit: { statusCheckRollup: { contexts: { nodes: [{ __typename: "CheckRun", name: "ci", status: "IN_PROGRESS", conclusion: null }] } } } }] } } } } }, "required check `ci` was in_progress"],
  ])("a required check that %s: a bypass issue", async (_what, graphql, detail) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null });
    mock.api
      .post("/graphql")
      .reply(200, graphql)
      .get(`/repos/${REPO}/issues`)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${REPO}/issues`)
      .reply(201, issueResponse({ number: 50, title: "t", body: "b", labels: [BYPASS] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/50`)
      .reply(200, {});

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(9);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/labels`))).toEqual([
      { name: BYPASS, color: "b60205", description: "Pipeline Guard: a change reached production outside a reviewed, green PR" },
    ]);
    const [issue] = issuesCreated(mock.requests);
    expect(issue).toMatchObject({ title: "Bypass: merged with failing checks on master (a1b2c3d)", labels: [BYPASS] });
    expect(issue?.assignees ?? []).toEqual([]);
    expect(issue!.body.startsWith(`<!-- pipeline-guard:bypass sha=${MERGE_SHA} -->\n`)).toBe(true);
    expect(issue!.body).toContain("- **Who:** @bob");
    expect(issue!.body).toContain("- **Pull request:** #2 (Update the README)");
    expect(issue!.body).toContain(`- ${detail}`);
  });

  test("an override merged with failing checks: follow-up and bypass issues both", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    const state = fakeGitHub(mock.api, { comment: null });
    mock.api.post("/graphql").reply(200, CI_FAILED);

    await probot.receive(merged());

    expect(mock.unmatched).toEqual([]);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/issues`,
      `POST /repos/${REPO}/labels`,
      `POST /repos/${REPO}/labels`,
      `POST /repos/${REPO}/issues`,
      `PATCH /repos/${REPO}/issues/42`,
      `GET /repos/${REPO}/issues/2/comments`,
      `POST /repos/${REPO}/issues/2/comments`,
      "POST /graphql",
      `GET /repos/${REPO}/issues`,
      `POST /repos/${REPO}/labels`,
      `POST /repos/${REPO}/issues`,
      `PATCH /repos/${REPO}/issues/43`,
    ]);
    // The override's own verdict on the merge commit (its requirements were met); the failing
    // required checks are reported by the bypass issue, not by this check.
    expect(state.checkRuns).toHaveLength(1);
    expect(state.checkRuns[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(state.issues.map((i) => i.title)).toEqual([
      "Follow-up: skip-tests in #2 [skip-tests] Raise the timeout",
      "Bypass: merged with failing checks on master (a1b2c3d)",
    ]);
  });

  test.each([
    ["classic protection, a neutral check and a success status", false],
    ["a ruleset", true],
  ])("all required checks green (%s): no bypass issue", async (_how, viaRuleset) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null });
    const response = requiredChecksResponse({ required: ["ci", "legacy/status"], results: { ci: "NEUTRAL", lint: "FAILURE" }, viaRuleset });
    const contexts = response.data.repository.pullRequest.commits.nodes[0]!.commit.statusCheckRollup.contexts.nodes as Json[];
    contexts.push({ __typename: "StatusContext", context: "legacy/status", state: "SUCCESS" });
    mock.api.post("/graphql").reply(200, response);

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      "POST /graphql",
    ]);
  });

  test("bypass.failing_checks_merge: check → a failing check run on the merge commit instead of an issue", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null, config: `${CONFIG}bypass:\n  failing_checks_merge: check\n` });
    mock.api.post("/graphql").reply(200, CI_FAILED).post(`/repos/${REPO}/check-runs`).reply(201, { id: 9 });

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check).toMatchObject({
      name: "Pipeline Guard",
      head_sha: MERGE_SHA,
      status: "completed",
      conclusion: "failure",
      output: { title: "Bypass: merged with failing checks on master (a1b2c3d)" },
    });
    expect(check.output.summary).toContain("required check `ci` was failure");
  });

  test("bypass.failing_checks_merge: check in report mode → neutral", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null, config: `mode: report\n${CONFIG}bypass:\n  failing_checks_merge: check\n` });
    mock.api.post("/graphql").reply(200, CI_FAILED).post(`/repos/${REPO}/check-runs`).reply(201, { id: 9 });

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: MERGE_SHA, conclusion: "neutral" });
  });

  test("bypass.failing_checks_merge: off → no GraphQL call at all", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null, config: `${CONFIG}bypass:\n  failing_checks_merge: off\n` });

    await probot.receive(merged({ title: "Update the README", labels: [] }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
  });

  test("a merger in bypass.allowed_actors → no GraphQL call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { permission: null, config: `${CONFIG}bypass:\n  allowed_actors: [Release-Bot]\n` });

    await probot.receive(merged({ title: "Update the README", labels: [], mergedBy: "release-bot" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
  });

  test("a merge by the app itself is exempt: its login is asked of GitHub once, and no GraphQL call is made", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    // The app's login, asked once for the memory read (evaluationReads), serves the exemption too.
    evaluationReads(mock.api, { permission: null });
    const event = merged({ title: "Update the README", labels: [], mergedBy: "pipeline-guard[bot]" }) as Json;
    event.payload.sender = { ...event.payload.sender, login: "pipeline-guard[bot]", type: "Bot" };

    await probot.receive(event as Parameters<typeof probot.receive>[0]);

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).not.toContain("POST /graphql");
  });
});

describe("idempotency", () => {
  test("the same closed delivery twice in sequence: one follow-up issue, one comment; the second finds them", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { times: 2 });
    const state = fakeGitHub(mock.api, { times: 2 });
    mock.api.post("/graphql").times(2).reply(200, ALL_GREEN);
    const event = merged();

    await probot.receive(event);
    const firstCount = mock.requests.length;
    await probot.receive(event);

    expect(mock.unmatched).toEqual([]);
    expect(issuesCreated(mock.requests)).toHaveLength(1);
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`)).toHaveLength(1);
    expect(state.comment).toContain("**Follow-up issue:** #42");
    // The second delivery writes nothing new but the merge commit's check run again (a new run,
    // with the same verdict: the gate reads the latest); the issue and the comment are found.
    expect(callList(mock.requests.slice(firstCount))).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/issues`,
      `GET /repos/${REPO}/issues/2/comments`,
      "POST /graphql",
    ]);
    expect(state.checkRuns.map((c) => [c.head_sha, c.conclusion])).toEqual([
      [MERGE_SHA, "success"],
      [MERGE_SHA, "success"],
    ]);
  });

  test("an issue a person opened with the key does not count: the app makes its own", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    const state = fakeGitHub(mock.api);
    state.issues.push(
      issueResponse({ number: 7, title: "planted", body: "<!-- pipeline-guard:follow-up pr=2 -->", labels: [FOLLOW_UP], user: { login: "mallory", id: 5, type: "User" } }),
    );
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged());

    expect(mock.unmatched).toEqual([]);
    expect(issuesCreated(mock.requests)).toHaveLength(1);
    expect(state.comment).toContain("**Follow-up issue:** #42");
  });

  test("the same closed delivery twice at the same time: exactly one issue and one comment", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { times: 2 });
    const state = fakeGitHub(mock.api, { times: 2 });
    mock.api.post("/graphql").times(2).reply(200, CI_FAILED);
    const event = merged();

    await Promise.all([probot.receive(event), probot.receive(event)]);

    expect(mock.unmatched).toEqual([]);
    expect(issuesCreated(mock.requests).map((i) => i.title)).toEqual([
      "Follow-up: skip-tests in #2 [skip-tests] Raise the timeout",
      "Bypass: merged with failing checks on master (a1b2c3d)",
    ]);
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`)).toHaveLength(1);
    expect(state.issues).toHaveLength(2);
    expect(state.comment).toContain("**Follow-up issue:** #42");
  });
});

describe("the immutable check follows the PR's verdict, and its deferred findings reach the follow-up (issue #13)", () => {
  const IMMUTABLE = "Pipeline Guard: immutable infrastructure";
  const IMMUTABLE_CONFIG = `${CONFIG}immutable:\n  enabled: true\n  plan_workflow: plan.yml\n`;
  const FINDINGS = [
    { address: "aws_instance.web", kind: "update" as const, actions: ["update"], attributes: "`instance_type`" },
    { address: "module.db.aws_instance.this[0]", kind: "destroy-first" as const, actions: ["delete", "create"], attributes: "" },
  ];
  const RUN_URL = `https://github.com/${REPO}/actions/runs/4242`;

  /** The app's immutable check on the head, as the plan run wrote it, with its memory. */
  function immutableRead(api: nock.Scope, deferred: boolean | null) {
    const runs =
      deferred === null
        ? []
        : [
            {
              id: 5,
              name: IMMUTABLE,
              head_sha: HEAD_SHA,
              status: "completed",
              conclusion: deferred ? "success" : "failure",
              output: { title: "t", summary: "s", text: renderImmutableMemory({ pr: 2, head: HEAD_SHA, runUrl: RUN_URL, checked: 3, immutable: 2, findings: FINDINGS, deferred }) },
              app: { id: 9000, slug: "pipeline-guard" },
            },
          ];
    api.get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`).query({ check_name: IMMUTABLE, filter: "latest", per_page: 100 }).reply(200, { total_count: runs.length, check_runs: runs });
  }

  const checksWritten = (requests: readonly RecordedRequest[]) => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`));

  test("the [emergency-deploy] marker removed from the title: the deferred immutable check fails again, from its memory", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG, permission: null });
    fakeGitHub(mock.api, { times: 2 });
    immutableRead(mock.api, true);

    await probot.receive(pullRequestEvent({ action: "edited", title: "Open the valve", body: JUSTIFIED, changes: { title: { from: "[emergency-deploy] Open the valve" } } }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    const [guard, immutable] = checksWritten(mock.requests);
    expect(guard).toMatchObject({ name: "Pipeline Guard", conclusion: "success", output: { title: "No override markers" } });
    expect(guard!.output.text ?? "").not.toContain("override-verdict");
    expect(immutable).toMatchObject({ name: IMMUTABLE, head_sha: HEAD_SHA, conclusion: "failure", output: { title: "2 immutable resources would be patched in place or destroyed first" } });
    expect(immutable!.output.summary).toContain("The `[emergency-deploy]` override that deferred this check is no longer allowed on this commit");
    expect(immutable!.output.summary).toContain("- `aws_instance.web` would be **updated in place** (patched while it runs). Changed attributes: `instance_type`.");
    expect(parseImmutableMemory(immutable!.output.text as string, { pr: 2, head: HEAD_SHA })).toMatchObject({ deferred: false, findings: FINDINGS });
  });

  test("an allowed [emergency-deploy] on the head: the verdict carries it, and a failing immutable check is deferred", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG });
    fakeGitHub(mock.api, { times: 2 });
    immutableRead(mock.api, false);

    await probot.receive(pullRequestEvent({ action: "reopened", title: "[emergency-deploy] Open the valve", body: JUSTIFIED, labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    const [guard, immutable] = checksWritten(mock.requests);
    expect(guard).toMatchObject({ name: "Pipeline Guard", conclusion: "success", output: { title: "Override allowed: emergency-deploy" } });
    expect(parseOverrideVerdict(guard!.output.text as string, { pr: 2, head: HEAD_SHA })).toEqual({ pr: 2, head: HEAD_SHA, allowed: ["emergency-deploy"] });
    expect(immutable).toMatchObject({ name: IMMUTABLE, conclusion: "success", output: { title: "Deferred by an allowed [emergency-deploy] override: 2 immutable resources to replace through the pipeline" } });
  });

  test("an evaluation that fails (the author's permission cannot be read) is no verdict: the deferral is taken back", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG, permission: null });
    mock.api.get(`/repos/${REPO}/collaborators/alice/permission`).reply(500, {});
    fakeGitHub(mock.api, { times: 2 });
    immutableRead(mock.api, true);

    await probot.receive(pullRequestEvent({ action: "reopened", title: "[emergency-deploy] Open the valve", body: JUSTIFIED, labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    const [guard, immutable] = checksWritten(mock.requests);
    expect(guard).toMatchObject({ name: "Pipeline Guard", conclusion: "failure", output: { title: "Could not be checked" } });
    expect(immutable).toMatchObject({ name: IMMUTABLE, conclusion: "failure", output: { title: "2 immutable resources would be patched in place or destroyed first" } });
  });

  test("a verdict that does not change the deferral costs the one read and writes nothing more", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG });
    fakeGitHub(mock.api);
    immutableRead(mock.api, true);

    await probot.receive(pullRequestEvent({ action: "reopened", title: "[emergency-deploy] Open the valve", body: JUSTIFIED, labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    expect(checksWritten(mock.requests).map((c) => c.name)).toEqual(["Pipeline Guard"]);
  });

  test("immutable checks off: no verdict block is read back and no call is added", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api);
    fakeGitHub(mock.api);

    await probot.receive(pullRequestEvent({ action: "reopened", title: "[emergency-deploy] Open the valve", body: JUSTIFIED, labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests).filter((c) => c.startsWith("GET"))).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `GET /repos/${REPO}/issues/2/comments`,
    ]);
  });

  test("the merge of the allowed [emergency-deploy]: one box per deferred address, replace `ADDRESS` through the pipeline, in the signed state", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG });
    const state = fakeGitHub(mock.api);
    immutableRead(mock.api, true);
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged({ title: "[emergency-deploy] Open the valve", labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    // One call more than a merge without immutable checks: the immutable check's memory of the head.
    expect(callList(mock.requests).filter((c) => c === `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`)).toHaveLength(2);
    const [issue] = issuesCreated(mock.requests);
    const body = issue!.body as string;
    expect(body).toContain("- [ ] **Replace** `aws_instance.web` through the pipeline: an `[emergency-deploy]` override deferred the immutable rule for it");
    expect(body).toContain("<!-- pipeline-guard:item replace-0 -->");
    expect(body).toContain("- [ ] **Replace** `module.db.aws_instance.this[0]` through the pipeline");
    expect(body).toContain("`/pipeline-guard replace module.db.aws_instance.this[0]` <!-- pipeline-guard:item replace-1 -->");
    // In the signed state, so that ticking works as for the other boxes.
    const reading = readFollowUp({ owner: "Codertocat", repo: "Hello-World" }, state.issues[0] as never);
    expect(reading).toMatchObject({ status: "verified", state: { replace: ["aws_instance.web", "module.db.aws_instance.this[0]"] } });
  });

  test("the merge of a [skip-tests] override reads no immutable memory and adds no box", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    evaluationReads(mock.api, { config: IMMUTABLE_CONFIG });
    fakeGitHub(mock.api);
    mock.api.post("/graphql").reply(200, ALL_GREEN);

    await probot.receive(merged());

    expectAllCallsMade(mock);
    expect(issuesCreated(mock.requests)[0]!.body).not.toContain("replace-0");
  });
});
