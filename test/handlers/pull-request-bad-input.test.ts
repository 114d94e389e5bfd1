import { ProbotOctokit } from "probot";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { bodies, callList, memoryRead, requestsTo, type Json } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
const ORG_CONFIG_PATH = "/repos/Codertocat/.github/contents/.github%2Fpipeline-guard.yml";
const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const ERROR = 50;

const checkOf = (requests: Parameters<typeof bodies>[0]): Json => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`)).at(-1)!;

describe("PR bodies that are not what one expects", () => {
  test.each([
    ["null", (e: Json) => (e.payload.pull_request.body = null)],
    ["missing", (e: Json) => delete e.payload.pull_request.body],
    ["empty", (e: Json) => (e.payload.pull_request.body = "")],
  ])("a %s body: success without markers (3 calls)", async (_what, change) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });
    const event = pullRequestEvent();
    change(event as Json);

    await probot.receive(event);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
    expect(checkOf(mock.requests)).toMatchObject({ conclusion: "success" });
  });

  test("a null body with a marker in the title: the missing justification is reported", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
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

    await probot.receive(pullRequestEvent({ title: "[skip-tests] quick", body: null }));

    expectAllCallsMade(mock);
    expect(checkOf(mock.requests)).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
  });

  test("a 1 MB body with a marker at its very end: found, and the comment and check stay small", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
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
    const filler = "All work and no play makes Jack a dull boy [sic]. ".repeat(20_000);
    const body = `${JUSTIFIED}\n\n${filler}\n\n[emergency-deploy]`;
    expect(body.length).toBeGreaterThan(1_000_000);

    const started = Date.now();
    await probot.receive(pullRequestEvent({ body }));

    expect(Date.now() - started).toBeLessThan(3000);
    expectAllCallsMade(mock);
    const check = checkOf(mock.requests);
    expect(check).toMatchObject({ conclusion: "success", output: { title: "Override allowed: emergency-deploy" } });
    expect(check.output.summary).toContain("| `emergency-deploy` | \\[emergency-deploy\\] | PR body |");
    expect(check.output.summary.length).toBeLessThan(65_536);
    const comment = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!;
    expect(comment.body.length).toBeLessThan(65_536);
  });
});

describe("PRs with many commits", () => {
  test("300 commits: read through the compare API, 3 pages; a marker on page 3 is found", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const page = (n: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        sha: `${String(n)}${String(i).padStart(3, "0")}${HEAD_SHA.slice(4)}`,
        commit: { message: n === 3 && i === 99 ? "Last change\n\n[skip ci]" : `Change ${n}-${i}` },
        author: { login: "alice" },
      }));
    const compare = `/repos/${REPO}/compare/${BASE_SHA}...${HEAD_SHA}`;
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    for (const n of [1, 2, 3]) mock.api.get(compare).query({ per_page: 100, page: n }).reply(200, { total_commits: 300, commits: page(n) });
    mock.api
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
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

    await probot.receive(pullRequestEvent({ commits: 300, body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(mock.requests.filter((r) => r.path.startsWith(compare)).map((r) => r.path)).toEqual([
      `${compare}?per_page=100&page=1`,
      `${compare}?per_page=100&page=2`,
      `${compare}?per_page=100&page=3`,
    ]);
    expect(requestsTo(mock.requests, "GET", `/repos/${REPO}/pulls/2/commits`)).toEqual([]);
    const check = checkOf(mock.requests);
    expect(check).toMatchObject({ conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(check.output.summary).toContain(`| \`skip-tests\` | \\[skip ci\\] | commit 3099${HEAD_SHA.slice(4, 7)} |`);
  });
});

describe("configuration problems", () => {
  test("no file in the repository nor in the org's .github: two reads, the defaults apply (default branch)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(404, { message: "Not Found" })
      .get(ORG_CONFIG_PATH)
      .reply(404, { message: "Not Found" })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /repos/Codertocat/.github/contents/.github/pipeline-guard.yml",
      `GET /repos/${REPO}/pulls/2/commits`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    expect(checkOf(mock.requests)).toMatchObject({ conclusion: "success", output: { title: "No override markers" } });
  });

  test("the org's .github file applies when the repository has none", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(404, { message: "Not Found" })
      .get(ORG_CONFIG_PATH)
      .reply(200, "production:\n  branches: [release/*]\n", RAW);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] x" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
  });

  test("invalid YAML: the defaults apply, and the error is shown in the check and a PR comment (no markers)", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "mode: [enforce\nproduction: {", RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const check = checkOf(mock.requests);
    expect(check).toMatchObject({ conclusion: "success", output: { title: "No override markers (configuration error)" } });
    expect(check.output.summary).toContain("### Configuration errors");
    expect(check.output.summary).toContain("\\(invalid YAML\\)");
    const comment = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!;
    expect(comment.body).toContain("<!-- pipeline-guard:comment pull-request -->");
    expect(comment.body).toContain("\\(invalid YAML\\)");
    expect(logs.some((l) => l.level === 40 && l.msg.includes("the defaults apply"))).toBe(true);
    expect(logs.some((l) => l.level >= ERROR)).toBe(false);
  });

  test("wrong types: each error with its key path in the check; the rest of the file still applies", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}mode: 5\nmarkers:\n  skip-tests:\n    follow_up: [retset]\nfollow_up:\n  due_hours: 48h\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const summary = checkOf(mock.requests).output.summary as string;
    expect(summary).toContain("markers.skip-tests.follow\\_up\\[0\\]: expected one of retest, postmortem, review");
    expect(summary).toMatch(/- mode: /);
    expect(summary).toMatch(/- follow\\_up.due\\_hours: /);
  });

  test("a config read failing with 500: fail closed, the check says what could not be checked", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(500, { message: "Server Error" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const check = checkOf(mock.requests);
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: "Could not be checked" } });
    expect(check.output.summary).toContain("Server Error");
    expect(logs.some((l) => l.level === ERROR && l.msg.includes("fails closed"))).toBe(true);
  });
});

describe("API failures", () => {
  test("403 from the permission look-up: the check fails closed with the message", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(403, { message: "Must have push access to view collaborator permission." })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[skip-tests] x", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const check = checkOf(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Could not be checked" } });
    expect(check.output.summary).toContain("the override requirements could not be checked");
    expect(check.output.summary).toContain("Must have push access to view collaborator permission.");
  });

  test("403 from the permission look-up in report mode: neutral", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `mode: report\n${CONFIG}`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(403, { message: "Forbidden" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[skip-tests] x", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(checkOf(mock.requests)).toMatchObject({ conclusion: "neutral", output: { title: "Could not be checked" } });
  });

  test("a failing label write still completes the check, and the error is not swallowed", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${REPO}/labels`)
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await expect(probot.receive(pullRequestEvent({ title: "[skip-tests] x", body: JUSTIFIED }))).rejects.toThrow("Resource not accessible by integration");

    expectAllCallsMade(mock);
    expect(checkOf(mock.requests)).toMatchObject({ head_sha: HEAD_SHA, conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(logs.some((l) => l.level === ERROR)).toBe(true);
  });

  test("an error while handling a label removal leaves the head's check alone; the delivery fails", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA }).get(`/repos/${REPO}/pulls/2/commits`).query(true).reply(500, { message: "Server Error" });

    await expect(probot.receive(pullRequestEvent({ action: "unlabeled", label: "skip-tests", title: "[skip-tests] x" }))).rejects.toThrow("Server Error");

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`)).toEqual([]);
  });

  test("a merge whose commits cannot be read: no check run, and the delivery fails so that it can be redelivered", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA }).get(`/repos/${REPO}/pulls/2/commits`).query(true).reply(500, { message: "Server Error" });

    await expect(probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] x", labels: ["skip-tests"] }))).rejects.toThrow("Server Error");

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
  });

  test("a 502 is retried and then succeeds", async () => {
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { retryAfterBaseValue: 1 }, throttle: { enabled: false } }));
    const { probot } = createTestApp({ Octokit });
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(502, "Bad Gateway")
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(502, "Bad Gateway")
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `POST /repos/${REPO}/check-runs`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    expect(checkOf(mock.requests)).toMatchObject({ conclusion: "success" });
  });

  test("a secondary rate limit on the check-run POST is waited for and retried (PipelineGuardOctokit)", async () => {
    const Octokit = PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { retryAfterBaseValue: 1 },
      throttle: { ...(o.throttle as object), retryAfterBaseValue: 1 },
    }));
    const { probot, logs } = createTestApp({ Octokit });
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "1" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const posts = requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`);
    expect(posts).toHaveLength(2);
    expect(posts[1]?.body).toEqual(posts[0]?.body);
    expect(logs.some((l) => l.level === 40 && l.msg.includes("secondary rate limit on POST /repos/{owner}/{repo}/check-runs: retry 1 in 1 s"))).toBe(true);
    expect(logs.some((l) => l.level >= ERROR)).toBe(false);
  });

  test("Probot's own Octokit (as `probot run` hosts the app): the app function itself waits out a secondary rate limit and retries; the check lands", async () => {
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { retryAfterBaseValue: 1 },
      throttle: { ...(o.throttle as object), retryAfterBaseValue: 1 },
    }));
    const { probot, logs } = createTestApp({ Octokit });
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "1" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent());

    expectAllCallsMade(mock);
    const posts = requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`);
    expect(posts).toHaveLength(2);
    expect(posts[1]?.body).toEqual(posts[0]?.body);
    expect(logs.some((l) => l.level === 40 && l.msg === "secondary rate limit: waiting, then retrying" && l.route === "/repos/{owner}/{repo}/check-runs")).toBe(true);
    expect(logs.some((l) => l.level >= ERROR)).toBe(false);
  });

  test("a repository the installation lost: every call 404s, the check cannot be written either; logged, no unhandled error", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(404, { message: "Not Found" })
      .get(ORG_CONFIG_PATH)
      .reply(404, { message: "Not Found" })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(404, { message: "Not Found" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(404, { message: "Not Found" });

    await expect(probot.receive(pullRequestEvent())).resolves.toBeUndefined();

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    const errors = logs.filter((l) => l.level === ERROR).map((l) => l.msg);
    expect(errors).toEqual([
      "pull request could not be evaluated; the check fails closed",
      "the fail-closed check run could not be created either",
    ]);
  });
});
