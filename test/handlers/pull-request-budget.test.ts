import nock from "nock";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { bodies, callList, memoryRead, type Json } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const messages = (n: number) => Array.from({ length: n }, (_, i) => `Change number ${i + 1}`);

/** The check an `opened` of a PR of `n` plain commits writes (its body, with the memory). */
async function openedCheck(n: number): Promise<Json> {
  const { probot } = createTestApp();
  const mock = mockGitHub();
  mock.api
    .get(CONFIG_PATH(REPO))
    .reply(200, CONFIG, RAW)
    .get(`/repos/${REPO}/pulls/2/commits`)
    .query({ per_page: 100 })
    .reply(200, commitsResponse(messages(n)))
    .post(`/repos/${REPO}/check-runs`)
    .reply(201, { id: 1 });
  await probot.receive(pullRequestEvent({ commits: n }));
  expectAllCallsMade(mock);
  nock.cleanAll();
  return bodies(mock.requests).at(-1)!;
}

describe("pull_request call budget", () => {
  test.each(["opened", "synchronize"])(
    "%s without markers, 100 commits on one page: exactly config, commits, check run",
    async (action) => {
      const { probot } = createTestApp();
      const mock = mockGitHub();
      mock.api
        .get(CONFIG_PATH(REPO))
        .reply(200, CONFIG, RAW)
        .get(`/repos/${REPO}/pulls/2/commits`)
        .query({ per_page: 100 })
        .reply(200, commitsResponse(messages(100)))
        .post(`/repos/${REPO}/check-runs`)
        .reply(201, { id: 1 });

      await probot.receive(pullRequestEvent({ action, commits: 100 }));

      expectAllCallsMade(mock);
      expect(mock.requests.length).toBe(3);
      expect(callList(mock.requests)).toEqual([
        `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
        `GET /repos/${REPO}/pulls/2/commits`,
        `POST /repos/${REPO}/check-runs`,
      ]);
      expect(bodies(mock.requests)[2]).toMatchObject({ name: "Pipeline Guard", head_sha: HEAD_SHA, status: "completed", conclusion: "success" });
    },
  );

  test.each(["edited", "reopened", "ready_for_review"])(
    "%s of a head judged before (its memory on the app's check), 100 commits: config, app identity (once per process), memory, check run; no commit listing",
    async (action) => {
      // The memory the `opened` evaluation wrote: no marker in 100 commits.
      const remembered = await openedCheck(100);
      const { probot } = createTestApp();
      const mock = mockGitHub();
      mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
      memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA, runs: [remembered] }).post(`/repos/${REPO}/check-runs`).reply(201, { id: 2 });

      await probot.receive(pullRequestEvent({ action, commits: 100 }));

      expectAllCallsMade(mock);
      expect(callList(mock.requests)).toEqual([
        `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
        "GET /app",
        `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
        `POST /repos/${REPO}/check-runs`,
      ]);
      expect(bodies(mock.requests)[3]).toMatchObject({ head_sha: HEAD_SHA, conclusion: "success", output: { text: remembered.output.text } });
    },
  );

  test.each(["edited", "reopened", "ready_for_review"])("%s of a head never judged (no memory): config, app identity, memory, commits, check run", async (action) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(messages(100)))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action, commits: 100 }));

    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(5);
  });

  test("150 commits: the commits listing follows the Link header to its second page, where a marker is found", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const all = commitsResponse(messages(150));
    all[149] = { ...all[149]!, sha: "ff".repeat(20), commit: { ...all[149]!.commit, message: "Last one [skip-tests]" } };
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, all.slice(0, 100), { link: `<https://api.github.com/repos/${REPO}/pulls/2/commits?per_page=100&page=2>; rel="next"` })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100, page: 2 })
      .reply(200, all.slice(100))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "admin", role_name: "admin" })
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

    await probot.receive(pullRequestEvent({ commits: 150 }));

    expectAllCallsMade(mock);
    const check = bodies(mock.requests).at(-1)!;
    expect(check.output.summary).toContain("| `skip-tests` | \\[skip-tests\\] | commit fffffff |");
  });

  test("labeled costs no call at all", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(pullRequestEvent({ action: "labeled", label: "skip-tests", labels: ["skip-tests"], title: "[skip-tests] x" }));
    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(0);
  });

  test("unlabeled of a label that is not a marker's costs the config read only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pullRequestEvent({ action: "unlabeled", label: "documentation", title: "[skip-tests] x" }));
    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(1);
  });

  test.each(["opened", "synchronize", "unlabeled"])("%s of a PR into a branch that is not production costs the config read only", async (action) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pullRequestEvent({ action, base: "develop", title: "[skip-tests] x", label: "skip-tests" }));
    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(1);
  });

  test("closed without a merge costs no call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(pullRequestEvent({ action: "closed", title: "[skip-tests] x" }));
    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(0);
  });
});
