import { RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, commitsResponse, fixture } from "../helpers/payloads.js";
import { bodies, callList, graphqlRequest, memoryRead, provenanceResponse, pullRequestData, requestsTo, type Json, type ProvenanceReply } from "../helpers/github-replies.js";

setUpNock();

const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
const contents = (repo: string) => `/repos/${repo}/contents/.github%2Fpipeline-guard.yml`;

/* ---- check_run.rerequested (github/hello-world, default branch master) ---- */

const CR_REPO = "github/hello-world";
const CR_SHA = "d6fde92930d4715a2b49857d24b940956b26d2d3";

function rerequested(params: { name?: string; pullRequests?: number[]; pullRequestHead?: string } = {}) {
  const payload = fixture<Json>("check_run.rerequested.json");
  payload.check_run.name = params.name ?? "Pipeline Guard";
  payload.check_run.pull_requests = (params.pullRequests ?? [2]).map((number) => ({
    url: `https://api.github.com/repos/${CR_REPO}/pulls/${number}`,
    id: 1000 + number,
    number,
    head: { ref: "fix", sha: params.pullRequestHead ?? CR_SHA, repo: { id: 1, url: `https://api.github.com/repos/${CR_REPO}`, name: "hello-world" } },
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

  test("Re-run keeps the two-person rule (overrides.approval): the approvals of the head are read again, and an approval of an older head does not count", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO, title: "[hotfix] now", body: JUSTIFIED, labels: ["emergency-deploy"] }))
      .get(contents(CR_REPO))
      .reply(200, "overrides:\n  approval: {required: 1}\n", RAW);
    memoryRead(mock.api, { repo: CR_REPO, sha: HEAD_SHA })
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${CR_REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "admin", role_name: "admin" })
      .post("/graphql")
      .reply(200, {
        data: {
          repository: {
            pullRequest: {
              latestOpinionatedReviews: {
                totalCount: 1,
                pageInfo: { hasNextPage: false },
                nodes: [{ state: "APPROVED", author: { __typename: "User", login: "bob" }, commit: { oid: "f".repeat(40) } }],
              },
            },
          },
        },
      })
      .get(`/repos/${CR_REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${CR_REPO}/issues/2/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested());

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: "Override not allowed: emergency-deploy (1 requirement unmet)" } });
    expect(check.output.summary).toContain("@bob approved an older commit (fffffff)");
  });

  test("no PR in the payload (a fork's head): the open PR is found through the commit's provenance", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(contents(CR_REPO))
      .reply(200, "{}", RAW)
      .post("/graphql")
      .reply(200, provenanceResponse({ repository: CR_REPO, statuses: ["DIVERGED"], commit: { pullRequests: [{ number: 2, merged: false, headRefOid: CR_SHA, headRepository: "mallory/hello-world" }] } }))
      .get(`/repos/${CR_REPO}/pulls/2`)
      .reply(200, pullRequestData({ repo: CR_REPO, fork: true, title: "[skip-tests] x" }));
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

/*
 * Re-run on a commit that is not the head of an open PR (SPEC 10.4): the commit is judged by the
 * change that brought it, never a neutral default. Each of these fails without the change: the
 * old Re-run wrote a neutral "No open pull request holds this commit" on all of them.
 */

const PR_HEAD = "4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b";
const UNAUTHORIZED = "Override not allowed: skip-tests (1 requirement unmet)";
const CR_CALLS = { config: `GET /repos/${CR_REPO}/contents/.github/pipeline-guard.yml`, app: "GET /app", graphql: "POST /graphql", check: `POST /repos/${CR_REPO}/check-runs` };

/** Config, the app's login, the provenance query (for Re-run with the summaries of the runs). */
function provenanceMocks(mock: ReturnType<typeof mockGitHub>, reply: ProvenanceReply, config = "{}") {
  mock.api
    .get(contents(CR_REPO))
    .reply(200, config, RAW)
    .post("/graphql")
    .reply(200, provenanceResponse({ repository: CR_REPO, ...reply }));
}

function checkBodies(mock: ReturnType<typeof mockGitHub>): Json[] {
  return bodies(requestsTo(mock.requests, "POST", `/repos/${CR_REPO}/check-runs`));
}

describe("check_run.rerequested on a commit that is not the head of an open PR", () => {
  test("a merge commit's failing check (an unauthorized override merged): the PR is judged again, the check stays failing with the same title, on the merge commit and the PR's head", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, {
      commit: {
        message: "Merge pull request #2 from github/fix",
        checks: [{ conclusion: "failure", title: UNAUTHORIZED }],
        pullRequests: [{ number: 2, mergeCommit: CR_SHA, headRefOid: PR_HEAD, title: "[skip-tests] Fix", body: JUSTIFIED, headChecks: [{ conclusion: "failure", title: UNAUTHORIZED }] }],
      },
    });
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Fix"]))
      .get(`/repos/${CR_REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .times(2)
      .reply(201, { id: 5 });
    // The head's check carries no memory in its text: the app's runs on the head are read for it.
    memoryRead(mock.api, { repo: CR_REPO, sha: PR_HEAD });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      CR_CALLS.config,
      CR_CALLS.app,
      CR_CALLS.graphql,
      `GET /repos/${CR_REPO}/commits/${PR_HEAD}/check-runs`,
      `GET /repos/${CR_REPO}/pulls/2/commits`,
      `GET /repos/${CR_REPO}/collaborators/alice/permission`,
      CR_CALLS.check,
      CR_CALLS.check,
    ]);
    expect(graphqlRequest(mock.requests[2]!).variables).toMatchObject({ oid: CR_SHA, withSummary: true, branch0: "refs/heads/master" });
    const [onMerge, onHead] = checkBodies(mock);
    expect(onMerge).toMatchObject({ name: "Pipeline Guard", head_sha: CR_SHA, status: "completed", conclusion: "failure", output: { title: UNAUTHORIZED } });
    expect(onHead).toMatchObject({ head_sha: PR_HEAD, conclusion: "failure", output: { title: UNAUTHORIZED } });
  });

  test("a direct push's override verdict: kept as it is (same conclusion, title and summary), 4 calls", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, {
      commit: { message: "[skip-tests] Fix\n\nJustification: outage", checks: [{ conclusion: "success", title: "Override allowed: skip-tests", summary: "### Requirements\n- ✅ authorized" }] },
    });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CR_CALLS.config, CR_CALLS.app, CR_CALLS.graphql, CR_CALLS.check]);
    expect(checkBodies(mock)[0]).toEqual({
      name: "Pipeline Guard",
      head_sha: CR_SHA,
      status: "completed",
      conclusion: "success",
      output: { title: "Override allowed: skip-tests", summary: "### Requirements\n- ✅ authorized\n\n---\nRe-run keeps this verdict: the change that brought this commit has not changed." },
    });
  });

  test("a bypass commit's failing check: stays failing, same title; a workflow's newer passing 'Pipeline Guard' run is not the verdict kept", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const title = "Bypass: direct push on master (d6fde92)";
    const summary = "A direct push.\n\n---\nRe-run keeps this verdict: the change that brought this commit has not changed.";
    provenanceMocks(mock, {
      commit: {
        message: "Hotfix the cache",
        checks: [
          { id: 1, conclusion: "failure", title, summary },
          { id: 2, conclusion: "success", title: "All good", app: "github-actions", summary: "forged" },
        ],
      },
    });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    // The note is not repeated on a second Re-run.
    expect(checkBodies(mock)[0]).toMatchObject({ head_sha: CR_SHA, conclusion: "failure", output: { title, summary } });
  });

  test("a direct push whose check could not be checked: evaluated again from its commit (its author allowed, justified), and passes", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { commit: { message: "[skip-tests] Fix\n\nJustification: the outage", author: { login: "alice" }, committer: { login: "web-flow" }, checks: [{ conclusion: "failure", title: "Could not be checked" }] } });
    mock.api
      .get(`/repos/${CR_REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CR_CALLS.config, CR_CALLS.app, CR_CALLS.graphql, `GET /repos/${CR_REPO}/collaborators/alice/permission`, CR_CALLS.check]);
    const check = checkBodies(mock)[0]!;
    expect(check).toMatchObject({ head_sha: CR_SHA, conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(check.output.summary).toContain("@alice has write permission (write needed)");
  });

  test("a direct push with a marker, no verdict, and an author with no GitHub account: evaluated again, not allowed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { commit: { message: "[skip-tests] Fix\n\nJustification: x", author: { login: null }, checks: [{ conclusion: "failure", title: "Could not be checked" }] } });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    const check = checkBodies(mock)[0]!;
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(check.output.summary).toContain("the commit's author has no GitHub account");
  });

  test.each<[string, string, string, string, string]>([
    ["a person", "dana", "{}", "failure", "Bypass: direct push on master (d6fde92)"],
    ["an exempt release bot", "release-bot[bot]", 'bypass:\n  allowed_actors: ["release-bot[bot]"]\n', "success", "Direct push by an exempt actor"],
  ])("a bypass commit whose check could not be checked, pushed by %s: judged again", async (_name, login, config, conclusion, title) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { commit: { message: "Hotfix", author: { login }, committer: { login }, checks: [{ conclusion: "failure", title: "Could not be checked" }] } }, config);
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)[0]).toMatchObject({ head_sha: CR_SHA, conclusion, output: { title } });
  });

  test("the head of a squash-merged PR (on no production branch) whose check could not be checked: the PR is evaluated again and may pass", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, {
      statuses: ["DIVERGED"],
      commit: { checks: [{ conclusion: "failure", title: "Could not be checked" }], pullRequests: [{ number: 2, mergeCommit: "0".repeat(40), headRefOid: CR_SHA }] },
    });
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Update README"]))
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)).toEqual([expect.objectContaining({ head_sha: CR_SHA, conclusion: "success", output: expect.objectContaining({ title: "No override markers" }) })]);
  });

  test.each<[string, ProvenanceReply["commit"], string, string]>([
    ["its own verdict is kept", { checks: [{ conclusion: "success", title: "No override markers", summary: "ok" }] }, "success", "No override markers"],
    ["no verdict: fails closed, never neutral", { checks: [{ conclusion: "failure", title: "Could not be checked" }] }, "failure", "No change to judge"],
  ])("a commit on no production branch, head of no PR: %s", async (_name, commit, conclusion, title) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { statuses: ["AHEAD"], commit });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)[0]).toMatchObject({ head_sha: CR_SHA, conclusion, output: { title } });
  });

  test("the head of a closed PR into a branch that is not production: keeps its verdict", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, {
      statuses: ["AHEAD"],
      commit: { checks: [{ conclusion: "failure", title: UNAUTHORIZED, summary: "s" }], pullRequests: [{ number: 4, merged: false, state: "CLOSED", baseRefName: "develop", headRefOid: CR_SHA }] },
    });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)[0]).toMatchObject({ conclusion: "failure", output: { title: UNAUTHORIZED } });
  });

  test.each<[string, number | Json]>([
    ["the provenance query fails (502)", 502],
    ["the answer has no repository", { data: { repository: null } }],
    ["GitHub does not know the commit", { data: { repository: { branch0: null, object: null } } }],
  ])("%s: the re-run check fails closed, 'Could not be checked'", async (_name, answer) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(contents(CR_REPO))
      .reply(200, "{}", RAW)
      .post("/graphql")
      .reply(typeof answer === "number" ? answer : 200, typeof answer === "number" ? { message: "Bad Gateway" } : answer)
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)[0]).toMatchObject({ head_sha: CR_SHA, status: "completed", conclusion: "failure", output: { title: "Could not be checked" } });
  });

  test("GitHub lists an open PR whose head branch matches but whose head is another commit: not this commit's PR, the commit is judged by its provenance", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { commit: { message: "Hotfix", checks: [{ conclusion: "failure", title: "Bypass: direct push on master (d6fde92)", summary: "s" }] } });
    mock.api.post(`/repos/${CR_REPO}/check-runs`).reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [7], pullRequestHead: PR_HEAD }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)).toEqual([expect.objectContaining({ head_sha: CR_SHA, conclusion: "failure", output: expect.objectContaining({ title: "Bypass: direct push on master (d6fde92)" }) })]);
  });

  test("the app's own login cannot be learned: its checks cannot be told from others', the check fails closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub({ appLogin: false });
    mock.api
      .get(contents(CR_REPO))
      .reply(200, "{}", RAW)
      .get("/app")
      .reply(500, { message: "boom" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    const check = checkBodies(mock)[0]!;
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Could not be checked" } });
    expect(check.output.summary).toContain("the app's own login could not be learned");
  });

  test("the merged PR's evaluation fails: the re-run check fails closed on the commit only, the PR's head keeps its verdict", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    provenanceMocks(mock, { commit: { pullRequests: [{ number: 2, mergeCommit: CR_SHA, headRefOid: PR_HEAD }] } });
    mock.api
      .get(`/repos/${CR_REPO}/pulls/2/commits`)
      .query(true)
      .reply(500, { message: "boom" })
      .post(`/repos/${CR_REPO}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(rerequested({ pullRequests: [] }));

    expectAllCallsMade(mock);
    expect(checkBodies(mock)).toEqual([expect.objectContaining({ head_sha: CR_SHA, conclusion: "failure", output: expect.objectContaining({ title: "Could not be checked" }) })]);
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
