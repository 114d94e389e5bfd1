import { RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, commitsResponse, fixture } from "../helpers/payloads.js";
import { bodies, callList, memoryRead, pullRequestData, type Json } from "../helpers/github-replies.js";

setUpNock();

const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
const contents = (repo: string) => `/repos/${repo}/contents/.github%2Fpipeline-guard.yml`;

/* ---- check_run.rerequested (github/hello-world, default branch master) ---- */

const CR_REPO = "github/hello-world";
const CR_SHA = "d6fde92930d4715a2b49857d24b940956b26d2d3";

function rerequested(params: { name?: string; pullRequests?: number[] } = {}) {
  const payload = fixture<Json>("check_run.rerequested.json");
  payload.check_run.name = params.name ?? "Pipeline Guard";
  payload.check_run.pull_requests = (params.pullRequests ?? [2]).map((number) => ({
    url: `https://api.github.com/repos/${CR_REPO}/pulls/${number}`,
    id: 1000 + number,
    number,
    head: { ref: "fix", sha: CR_SHA, repo: { id: 1, url: `https://api.github.com/repos/${CR_REPO}`, name: "hello-world" } },
    base: { ref: "master", sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", repo: { id: 1, url: `https://api.github.com/repos/${CR_REPO}`, name: "hello-world" } },
  }));
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "check_run" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("check_run.rerequested", () => {
  test("our check: the PR is read, evaluated again, and a new check run is made on its head", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO }))
      .get(contents(CR_REPO))
      .reply(200, "production:\n  branches: [master]\n", RAW);
    memoryRead(mock.api, { repo: CR_REPO, sha: HEAD_SHA })
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Update README"]))
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${CR_REPO}/pulls/2`,
      `GET /repos/${CR_REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${CR_REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${CR_REPO}/pulls/2/commits`,
      `POST /repos/${CR_REPO}/check-runs`,
    ]);
    expect(bodies(mock.requests)[5]).toMatchObject({ name: "Pipeline Guard", head_sha: HEAD_SHA, status: "completed", conclusion: "success" });
  });

  test("an override re-evaluated: labels, comment and the check, as on synchronize", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO, title: "[hotfix] now", body: JUSTIFIED, labels: ["emergency-deploy"] }))
      .get(contents(CR_REPO))
      .reply(200, "{}", RAW);
    memoryRead(mock.api, { repo: CR_REPO, sha: HEAD_SHA })
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${CR_REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${CR_REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${CR_REPO}/issues/2/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested());

    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: HEAD_SHA, conclusion: "success", output: { title: "Override allowed: emergency-deploy" } });
  });

  test("no PR in the payload (a fork's head): the PR is found by commit", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/commits/${CR_SHA}/pulls`)
      .reply(200, [
        { number: 1, state: "closed" },
        { number: 2, state: "open" },
      ])
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO, fork: true, title: "[skip-tests] x" }))
      .get(contents(CR_REPO))
      .reply(200, "{}", RAW);
    memoryRead(mock.api, { repo: CR_REPO, sha: HEAD_SHA })
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .post(`/repos/${CR_REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${CR_REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${CR_REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${CR_REPO}/issues/2/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure" });
    expect(check.output.summary).toContain("markers in a pull request from a fork are never honored");
  });

  test("no open PR holds the commit: a neutral check on it, never left queued", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/commits/${CR_SHA}/pulls`)
      .reply(200, [{ number: 1, state: "closed" }])
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(bodies(mock.requests)[1]).toMatchObject({
      name: "Pipeline Guard",
      head_sha: CR_SHA,
      status: "completed",
      conclusion: "neutral",
      output: { title: "No open pull request holds this commit" },
    });
  });

  test("another app's check: no call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(rerequested({ name: "randscape" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("the PR's config read fails: the re-run check fails closed on the PR's head", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO }))
      .get(contents(CR_REPO))
      .reply(503, { message: "Service Unavailable" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested());

    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: "Could not be checked" } });
  });

  test("the PR cannot be read (502 after retries): the re-run check still ends, failing closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(502, { message: "Bad Gateway" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    const event = rerequested();
    await probot.receive(event);

    expectAllCallsMade(mock);
    // On the SHA the re-run was asked for: the check run's own head.
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: event.payload.check_run.head_sha, status: "completed", conclusion: "failure", output: { title: "Could not be checked" } });
  });
});

/* ---- merge_group.checks_requested (octo-org/octo-repo, default branch main, PR #104) ---- */

const MG_REPO = "octo-org/octo-repo";
const GROUP_SHA = "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d";

function mergeGroup(headRef?: string) {
  const payload = fixture<Json>("merge_group.checks_requested.json");
  if (headRef !== undefined) payload.merge_group.head_ref = headRef;
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "merge_group" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("merge_group.checks_requested", () => {
  test("the group's PR (#104 from the ref) is evaluated and the check is reported on the group's head", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${MG_REPO}/pulls/104`)
      .reply(200, pullRequestData({ repo: MG_REPO, number: 104, base: "main" }))
      .get(contents(MG_REPO))
      .reply(404, { message: "Not Found" })
      .get("/repos/octo-org/.github/contents/.github%2Fpipeline-guard.yml")
      .reply(404, { message: "Not Found" });
    memoryRead(mock.api, { repo: MG_REPO, sha: HEAD_SHA })
      .get(`/repos/${MG_REPO}/pulls/104/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Update README"]))
      .post(`/repos/${MG_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(mergeGroup());

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(7);
    // The group's head is not the PR's head: its check carries no memory.
    expect(bodies(mock.requests)[6]?.output.text).toBeUndefined();
    expect(bodies(mock.requests)[6]).toMatchObject({ name: "Pipeline Guard", head_sha: GROUP_SHA, status: "completed", conclusion: "success" });
  });

  test("the PR's unmet override: failure on the group's head too; no label or comment writes", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${MG_REPO}/pulls/104`)
      .reply(200, pullRequestData({ repo: MG_REPO, number: 104, base: "main", title: "[skip-tests] x", body: JUSTIFIED, labels: ["skip-tests"] }))
      .get(contents(MG_REPO))
      .reply(200, "{}", RAW);
    memoryRead(mock.api, { repo: MG_REPO, sha: HEAD_SHA })
      .get(`/repos/${MG_REPO}/pulls/104/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${MG_REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .post(`/repos/${MG_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(mergeGroup());

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check).toMatchObject({ head_sha: GROUP_SHA, conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(check.output.summary).toContain("@alice has read permission (write needed)");
  });

  test("a ref that names no PR: a neutral check on the group's head, one call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.post(`/repos/${MG_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(mergeGroup("refs/heads/gh-readonly-queue/main/something-`else`"));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
    const check = bodies(mock.requests)[0]!;
    expect(check).toMatchObject({ head_sha: GROUP_SHA, conclusion: "neutral", output: { title: "Pull request of this merge group not identified" } });
    expect(check.output.summary).toContain("refs/heads/gh-readonly-queue/main/something-\\`else\\`");
  });

  test("the PR cannot be read: a failing check on the group's head, saying why", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${MG_REPO}/pulls/104`)
      .reply(404, { message: "Not Found" })
      .post(`/repos/${MG_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(mergeGroup());

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check).toMatchObject({ head_sha: GROUP_SHA, conclusion: "failure", output: { title: "Could not be checked" } });
    expect(check.output.summary).toContain("Not Found");
    expect(logs.some((l) => l.level === 50 && l.msg.includes("fails closed"))).toBe(true);
  });

  test("the commits cannot be read: a failing check on the group's head", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${MG_REPO}/pulls/104`)
      .reply(200, pullRequestData({ repo: MG_REPO, number: 104, base: "main" }))
      .get(contents(MG_REPO))
      .reply(200, "{}", RAW);
    memoryRead(mock.api, { repo: MG_REPO, sha: HEAD_SHA })
      .get(`/repos/${MG_REPO}/pulls/104/commits`)
      .query(true)
      .reply(500, { message: "boom" })
      .post(`/repos/${MG_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(mergeGroup());

    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ head_sha: GROUP_SHA, conclusion: "failure", output: { title: "Could not be checked" } });
  });
});
