import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";

setUpNock();

// createTestApp authenticates with this token; SPEC section 9: no token ever reaches a log.
const TOKEN = "test-token";

describe("logs never carry the installation token", () => {
  test("a PR whose evaluation fails (403) and whose check fails closed: the error is logged, the token is not", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "production:\n  branches: [master]\n", RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(500, { message: "Server Error" });

    await probot.receive(pullRequestEvent({ title: "[skip-tests] x" }));

    expectAllCallsMade(mock);
    const text = JSON.stringify(logs);
    // The failure is there, with the request that failed…
    expect(logs.some((l) => l.level === 50 && JSON.stringify(l).includes("Resource not accessible by integration"))).toBe(true);
    expect(text).toContain("/collaborators/alice/permission");
    // …and the credentials are not.
    expect(text).not.toContain(TOKEN);
  });
});
