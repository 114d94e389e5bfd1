import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, MERGE_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { followUpIssue, followUpState } from "../helpers/records.js";
import { bodies, issueResponse, memoryRead, RECORD_LOOKUP, requestsTo, requiredChecksResponse, type Json } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const CONFIG = "production:\n  branches: [master, \"release/*\"]\nfollow_up:\n  retest_workflow: ci.yml\n";
const DISPATCH = `/repos/${REPO}/actions/workflows/ci.yml/dispatches`;
const ISSUES = `/repos/${REPO}/issues`;
const FOLLOW_UP_KEY = "<!-- pipeline-guard:follow-up pr=2 -->";
const JUSTIFIED = "Raises the timeout.\n\n## Justification\nThe login service is down.";

/**
 * Everything a merged override PR costs before and after its follow-up: config, the app's memory of the head (none), commits,
 * permission, marker label, the merge commit's check run, follow-up look-up, labels, issue,
 * the PR comment (written once, with the link) and the required checks query. `dispatch` adds
 * what the test expects of the dispatch.
 */
function mergedOverrideMocks(
  mock: ReturnType<typeof mockGitHub>,
  params: { config?: string; existingFollowUp?: boolean; title?: string; dispatch?: (api: ReturnType<typeof mockGitHub>["api"]) => void } = {},
) {
  const { api } = mock;
  api.get(CONFIG_PATH(REPO)).reply(200, params.config ?? CONFIG, RAW);
  const followUps = memoryRead(api, { repo: REPO, sha: HEAD_SHA })
    .get(`/repos/${REPO}/pulls/2/commits`)
    .query(true)
    .reply(200, commitsResponse(["Raise the timeout"]))
    .get(`/repos/${REPO}/collaborators/alice/permission`)
    .reply(200, { permission: "write", role_name: "write" })
    .post(`/repos/${REPO}/labels`)
    .reply(201, {})
    .post(`${ISSUES}/2/labels`)
    .reply(200, [])
    .post(`/repos/${REPO}/check-runs`)
    .reply(201, { id: 9 })
    .get(ISSUES)
    .query(RECORD_LOOKUP);
  if (params.existingFollowUp) {
    followUps.reply(200, [followUpIssue({ repository: REPO, number: 41 }, followUpState({ pr: { number: 2, title: "[skip-tests] raise the timeout" }, sha: MERGE_SHA }))]);
  } else {
    followUps
      .reply(200, [])
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 41, title: "Follow-up", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/41`)
      .reply(200, {});
  }
  api
    .get(`${ISSUES}/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`${ISSUES}/2/comments`)
    .reply(201, { id: 7 });
  params.dispatch?.(api);
  api.post("/graphql").reply(200, requiredChecksResponse({ required: ["ci"], results: { ci: "SUCCESS" } }));
  return api;
}

describe("PR merge → retest dispatch", () => {
  test("a merged [skip-tests] PR: the follow-up, then ci.yml dispatched on the base branch with the merge commit as input", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, { dispatch: (api) => api.post(DISPATCH).reply(204) });

    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const dispatches = requestsTo(mock.requests, "POST", DISPATCH);
    expect(dispatches.map((d) => d.body)).toEqual([{ ref: "master", inputs: { sha: MERGE_SHA } }]);
    // Dispatched after the follow-up exists, and before the required checks are asked.
    const order = mock.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(order.indexOf(`POST ${DISPATCH}`)).toBeGreaterThan(order.indexOf(`POST ${ISSUES}`));
    // The merge commit got the override's check first: the retest runs on that same commit.
    expect(order.indexOf(`POST /repos/${REPO}/check-runs`)).toBeLessThan(order.indexOf(`POST ${ISSUES}`));
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`))).toEqual([
      expect.objectContaining({ head_sha: MERGE_SHA, conclusion: "success", output: expect.objectContaining({ title: "Override allowed: skip-tests" }) }),
    ]);
    const issue = bodies(requestsTo(mock.requests, "POST", ISSUES))[0]!;
    expect(issue.title).toBe("Follow-up: skip-tests in #2 [skip-tests] raise the timeout");
    expect(issue.body).toContain(FOLLOW_UP_KEY);
    expect(issue.body).toContain("- [ ] **Retest**: the full test suite (`ci.yml`) passed on the merge commit a1b2c3d; Pipeline Guard ticks this when the run succeeds");
    expect(issue.labels).toEqual(["pipeline-guard:follow-up", "skip-tests"]);
    const comments = bodies(requestsTo(mock.requests, "POST", `${ISSUES}/2/comments`));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("**Follow-up issue:** #41");
  });

  test("a PR into a release branch: dispatched on that branch", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, { dispatch: (api) => api.post(DISPATCH).reply(204) });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, base: "release/2", title: "[skip ci] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH).map((d) => d.body)).toEqual([{ ref: "release/2", inputs: { sha: MERGE_SHA } }]);
  });

  test("a 422 (the workflow declares no `sha` input): dispatched again on the branch without inputs", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, {
      dispatch: (api) => api.post(DISPATCH).reply(422, { message: "Unexpected inputs provided" }).post(DISPATCH).reply(204),
    });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH).map((d) => d.body)).toEqual([{ ref: "master", inputs: { sha: MERGE_SHA } }, { ref: "master" }]);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
  });

  test("a 422 twice (e.g. the workflow has no workflow_dispatch trigger): logged, and the merge's other work still happens", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, {
      dispatch: (api) => api.post(DISPATCH).reply(422, { message: "Unexpected inputs provided" }).post(DISPATCH).reply(422, { message: "Workflow does not have 'workflow_dispatch' trigger" }),
    });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", "/graphql")).toHaveLength(1);
    expect(logs.some((l) => l.level === 50 && l.msg.includes("retest workflow could not be dispatched"))).toBe(true);
  });

  test("a 403 on the dispatch (no actions:write): logged, the required checks are still looked at", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, { dispatch: (api) => api.post(DISPATCH).reply(403, { message: "Resource not accessible by integration" }) });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(1);
    expect(requestsTo(mock.requests, "POST", "/graphql")).toHaveLength(1);
    expect(logs.some((l) => l.level === 50)).toBe(true);
  });

  test("a redelivered `closed` finds the follow-up: the suite is not run twice", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, { existingFollowUp: true });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(0);
    expect(requestsTo(mock.requests, "POST", ISSUES)).toHaveLength(0);
  });

  test("no `follow_up.retest_workflow`: no dispatch, the box waits for a person", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock, { config: "production:\n  branches: [master]\n" });
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(0);
    expect((bodies(requestsTo(mock.requests, "POST", ISSUES))[0] as Json).body).toContain("- [ ] **Retest**: the full test suite passed on the merge commit a1b2c3d <!--");
  });

  test("a marker without `retest` (emergency-deploy): no dispatch", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mergedOverrideMocks(mock);
    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[emergency-deploy] raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(0);
    expect(bodies(requestsTo(mock.requests, "POST", ISSUES))[0]?.labels).toEqual(["pipeline-guard:follow-up", "emergency-deploy"]);
  });

  test("`DRY_RUN`: the dispatch is logged, not made", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    const previous = process.env.DRY_RUN;
    process.env.DRY_RUN = "true";
    try {
      mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
      memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
        .get(`/repos/${REPO}/pulls/2/commits`)
        .query(true)
        .reply(200, commitsResponse(["Raise the timeout"]))
        .get(`/repos/${REPO}/collaborators/alice/permission`)
        .reply(200, { permission: "write", role_name: "write" })
        .get(ISSUES)
        .query(true)
        .reply(200, [])
        .get(`/repos/${REPO}/issues/2/comments`)
        .query(true)
        .reply(200, [])
        .post("/graphql")
        .reply(200, requiredChecksResponse({ required: [], results: {} }));
      await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise the timeout", body: JUSTIFIED }));
    } finally {
      if (previous === undefined) delete process.env.DRY_RUN;
      else process.env.DRY_RUN = previous;
    }
    expectAllCallsMade(mock);
    expect(mock.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql")).toEqual([]);
    expect(logs.some((l) => l.msg === "dry run: would create issue")).toBe(true);
    expect(logs.some((l) => l.msg === "dry run: would create check run" && l.sha === MERGE_SHA)).toBe(true);
    expect(logs.some((l) => l.msg === "dry run: would dispatch workflow" && l.workflow === "ci.yml")).toBe(true);
    expect(logs.some((l) => l.msg === "dry run: would comment" && l.issue === 2)).toBe(true);
  });
});
