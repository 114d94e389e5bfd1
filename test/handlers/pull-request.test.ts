import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";

describe("pull_request into a production branch", () => {
  test("without markers: config, commits, check run; success; no comment, no label (3 calls)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Update README", "Fix typo"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
    const check = mock.requests[2]?.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check).toMatchObject({ name: "Pipeline Guard", head_sha: HEAD_SHA, status: "completed", conclusion: "success" });
    expect(check.output.title).toBe("No override markers");
  });

  test("an allowed, justified override: label created and added, comment, success check", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the db timeout [skip ci]"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[Emergency_Deploy] raise db timeout", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const bodies = mock.requests.map((r) => r.body as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(bodies[3]).toMatchObject({ name: "emergency-deploy", color: "d93f0b" });
    expect(bodies[4]).toMatchObject({ name: "skip-tests" });
    expect(bodies[5]).toEqual({ labels: ["emergency-deploy", "skip-tests"] });
    expect(bodies[7]?.body).toContain("<!-- pipeline-guard:comment pull-request -->");
    expect(bodies[7]?.body).toContain("| `skip-tests` | \\[skip ci\\] | commit 0026c3e |");
    expect(bodies[8]).toMatchObject({ conclusion: "success", output: { title: "Override allowed: emergency-deploy, skip-tests" } });
    expect(bodies[8]?.output.summary).toContain("✅ **Authorized**: @alice has write permission (write needed)");
  });

  test("a fork PR's marker is never honored: failure that says why, no permission look-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["change"]))
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[skip-tests] quick fix", body: JUSTIFIED, fork: true }));

    expectAllCallsMade(mock);
    const check = mock.requests.at(-1)?.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("❌ **Not from a fork**: markers in a pull request from a fork are never honored");
  });

  test("a PR into a branch that is not production costs the config read only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pullRequestEvent({ base: "feature/x", title: "[skip-tests]" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("an error while evaluating still completes the check, failing closed", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const check = mock.requests.at(-1)?.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Could not be checked" } });
    expect(check.output.summary).toContain("Resource not accessible by integration");
    expect(logs.some((l) => l.level === 50 && l.msg.includes("fails closed"))).toBe(true);
  });
});
