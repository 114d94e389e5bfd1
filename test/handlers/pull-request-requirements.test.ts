import type nock from "nock";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { bodies, callList, requestsTo, type Json } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";

/** The writes of an override whose labels are missing and which has no comment yet. */
function overrideWrites(api: nock.Scope, labelCount: number): nock.Scope {
  for (let i = 0; i < labelCount; i++) api.post(`/repos/${REPO}/labels`).reply(201, {});
  return api
    .post(`/repos/${REPO}/issues/2/labels`)
    .reply(200, [])
    .get(`/repos/${REPO}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`/repos/${REPO}/issues/2/comments`)
    .reply(201, { id: 7 })
    .post(`/repos/${REPO}/check-runs`)
    .reply(201, { id: 1 });
}

const lastCheck = (requests: Parameters<typeof bodies>[0]): Json => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`)).at(-1)!;

describe("markers: where they count", () => {
  test.each([
    ["the title", { title: "[Skip_Tests] raise the timeout", body: JUSTIFIED }, [], "PR title"],
    ["the body", { body: `Raise the timeout [skip tests]\n\n${JUSTIFIED}` }, [], "PR body"],
    ["a commit", { body: JUSTIFIED }, ["Raise the timeout\n\n[SKIP-TESTS]"], "commit 0026c3e"],
  ] as const)("a marker in %s is found: label, comment and check all name it", async (_where, options, commits, foundIn) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(commits.length > 0 ? commits : ["Raise the timeout"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent(options));

    expectAllCallsMade(mock);
    const all = bodies(mock.requests);
    expect(all[3]).toEqual({ name: "skip-tests", color: "d93f0b", description: "Pipeline Guard: an emergency override marker was used" });
    expect(all[4]).toEqual({ labels: ["skip-tests"] });
    expect(all[6]?.body).toContain(`| \`skip-tests\` |`);
    expect(all[6]?.body).toContain(`| ${foundIn} |`);
    expect(lastCheck(mock.requests)).toMatchObject({ head_sha: HEAD_SHA, conclusion: "success", output: { title: "Override allowed: skip-tests" } });
  });

  test.each([
    ["a fenced code block", "## How to skip tests\n```\n[skip-tests]\n```\n"],
    ["a tilde fence", "~~~md\nwrite [emergency-deploy] in the title\n~~~"],
    ["inline code", "Write `[skip-tests]` in the title to skip the tests."],
    ["an HTML comment", "<!-- Use [skip-tests] or [hotfix] only in an emergency -->\nA normal change."],
    ["a multi-line HTML comment", "<!--\nTemplate:\n[emergency-deploy]\n-->\nA normal change."],
    ["a > quote", "As the handbook says:\n> Use [skip-tests] only in an emergency.\n\nA normal change."],
  ])("a marker inside %s of the body does not count: success, no label, no comment", async (_where, body) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["A normal change"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ body }));

    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(3);
    expect(lastCheck(mock.requests)).toMatchObject({ conclusion: "success", output: { title: "No override markers" } });
  });

  test("the quoted subject of a Revert commit does not count", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(['Revert "Raise the timeout [skip-tests]"\n\nThis reverts commit 0123456.']))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    expect(lastCheck(mock.requests)).toMatchObject({ conclusion: "success", output: { title: "No override markers" } });
  });
});

describe("requirements of an override", () => {
  test("an author with read permission fails, and the summary says why", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/mallory/permission`)
      .reply(200, { permission: "read", role_name: "read" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ author: "mallory", title: "[hotfix] quick", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Override not allowed: emergency-deploy (1 requirement unmet)");
    expect(check.output.summary).toContain("❌ **Authorized**: @mallory has read permission (write needed)");
    expect(check.output.summary).toContain("✅ **Justification**: justification given");
  });

  test("a login listed in overrides.allowed.users is allowed without a permission look-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  allowed:\n    users: [Mallory]\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]));
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ author: "mallory", title: "[hotfix] quick", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests).some((c) => c.includes("/permission"))).toBe(false);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("✅ **Authorized**: @mallory is listed in users");
  });

  test("an active member of a listed team is allowed after the permission look-up says read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  allowed:\n    teams: [dba, sre]\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/mallory/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .get("/orgs/Codertocat/teams/dba/memberships/mallory")
      .reply(404, { message: "Not Found" })
      .get("/orgs/Codertocat/teams/sre/memberships/mallory")
      .reply(200, { state: "active", role: "member" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ author: "mallory", title: "[hotfix] quick", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("✅ **Authorized**: @mallory is a member of team sre");
  });

  test("a pending team membership does not allow", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  allowed:\n    teams: [sre]\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/mallory/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .get("/orgs/Codertocat/teams/sre/memberships/mallory")
      .reply(200, { state: "pending", role: "member" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ author: "mallory", title: "[hotfix] quick", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("❌ **Authorized**: @mallory has read permission (write needed) and is in none of the teams sre");
  });

  test("the maintain role counts as maintain, though its base permission reads write", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  allowed:\n    permission: maintain\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "maintain" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ title: "[hotfix] quick", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(lastCheck(mock.requests).output.summary).toContain("✅ **Authorized**: @alice has maintain permission (maintain needed)");
  });

  test("a missing justification fails, and the summary says what to add", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    overrideWrites(mock.api, 1);

    // The heading is there but empty, and the text is in an HTML comment: neither counts.
    await probot.receive(pullRequestEvent({ title: "[skip-tests] quick", body: "## Justification\n<!-- say why -->\n\n## Testing\nnone" }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(
      '❌ **Justification**: no justification: add a "## Justification" or "## Incident" section with text under it in the PR body',
    );
    const comment = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!;
    expect(comment.body).toContain("### Pipeline Guard: Override not allowed: skip-tests (1 requirement unmet)");
  });

  test("justification.required: false does not ask for one", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  justification:\n    required: false\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    overrideWrites(mock.api, 1);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] quick", body: null }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).not.toContain("Justification");
  });

  test("mode: report ends neutral on unmet requirements, and still labels and comments", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `mode: report\n${CONFIG}`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/mallory/permission`)
      .reply(404, { message: "Not Found" });
    overrideWrites(mock.api, 2);

    await probot.receive(pullRequestEvent({ author: "mallory", title: "[hotfix] [skip ci] now", body: null }));

    expectAllCallsMade(mock);
    const all = bodies(mock.requests);
    expect(all[3]).toMatchObject({ name: "emergency-deploy" });
    expect(all[4]).toMatchObject({ name: "skip-tests" });
    expect(all[5]).toEqual({ labels: ["emergency-deploy", "skip-tests"] });
    expect(all[7]?.body).toContain("Report mode: override of emergency-deploy, skip-tests has 2 requirements unmet");
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("neutral");
    expect(check.output.summary).toContain("❌ **Authorized**: @mallory has no access to the repository (write needed)");
    expect(check.output.summary).toContain("_Report mode: nothing is blocked");
  });
});
