import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { COMMENT_KEY, PERSON, bodies, botComment, callList, memoryRead, requestsTo } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
const OLD_COMMENT = `${COMMENT_KEY}\n\n### Pipeline Guard: Override allowed: skip-tests\n\nold text`;

describe("marker labels", () => {
  test("a missing label is created with a colour and a description, then added", async () => {
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
      .reply(201, { name: "emergency-deploy" })
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[hotfix] now", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/labels`))).toEqual([
      { name: "emergency-deploy", color: "d93f0b", description: "Pipeline Guard: an emergency override marker was used" },
    ]);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/labels`))).toEqual([{ labels: ["emergency-deploy"] }]);
  });

  test("label creation answering 422 (it exists) is fine: the label is still added", async () => {
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
      .reply(422, { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] })
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ title: "[skip-tests] now", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/labels`))).toEqual([{ labels: ["skip-tests"] }]);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ conclusion: "success" });
  });

  test("a label already on the PR is neither created nor added again", async () => {
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
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", title: "[skip-tests] now", body: JUSTIFIED, labels: ["Skip-Tests", "bug"] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests).filter((c) => c.includes("labels"))).toEqual([]);
  });

  test("a marker label with no marker left (before the merge) is removed, and the comment is updated", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]))
      .delete(`/repos/${REPO}/issues/2/labels/skip-tests`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(77, OLD_COMMENT)])
      .patch(`/repos/${REPO}/issues/comments/77`)
      .reply(200, { id: 77 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "edited", title: "Raise the timeout", labels: ["skip-tests", "bug"] }));

    expectAllCallsMade(mock);
    const patch = bodies(requestsTo(mock.requests, "PATCH", `/repos/${REPO}/issues/comments/77`))[0]!;
    expect(patch.body).toContain(COMMENT_KEY);
    expect(patch.body).toContain("### Pipeline Guard: No override markers");
    expect(patch.body).toContain("Removed the label `skip-tests`: no marker for it is left.");
    expect(bodies(mock.requests).at(-1)).toMatchObject({ conclusion: "success", output: { title: "No override markers" } });
  });

  test("a marker label already gone (404 on removal) is what was wanted", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]))
      .delete(`/repos/${REPO}/issues/2/labels/emergency-deploy`)
      .reply(404, { message: "Label does not exist" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 7 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", labels: ["emergency-deploy"] }));

    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)).toMatchObject({ conclusion: "success" });
  });

  test.each([
    ["while the marker is still there", false],
    ["after the merge", true],
  ])("a marker label removed %s is put back, and the comment records who removed it", async (_when, merged) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout [skip ci]"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${REPO}/labels`)
      .reply(422, { message: "Validation Failed" })
      .post(`/repos/${REPO}/issues/2/labels`)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(5, "a comment of another bot"), botComment(77, OLD_COMMENT)])
      .patch(`/repos/${REPO}/issues/comments/77`)
      .reply(200, { id: 77 });

    await probot.receive(
      pullRequestEvent({ action: "unlabeled", label: "skip-tests", labels: ["bug"], body: JUSTIFIED, sender: "bob", merged, ...(merged ? { mergedBy: "carol" } : {}) }),
    );

    expectAllCallsMade(mock);
    expect(bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/labels`))).toEqual([{ labels: ["skip-tests"] }]);
    const patch = bodies(requestsTo(mock.requests, "PATCH", `/repos/${REPO}/issues/comments/77`))[0]!;
    expect(patch.body).toContain(COMMENT_KEY);
    expect(patch.body).toMatch(/- `skip-tests` was removed by `bob` at \d{4}-\d\d-\d\d \d\d:\d\d UTC and put back: the marker is still there/);
    // No check run on a label change: the head's check stands.
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/check-runs`)).toEqual([]);
  });

  test("a marker label removed twice: both removals are recorded", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    let comment = OLD_COMMENT;
    mock.api.get(CONFIG_PATH(REPO)).times(2).reply(200, CONFIG, RAW);
    // Nothing remembered on the head (no check yet): each removal reads the commits.
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA });
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .times(2)
      .reply(200, commitsResponse(["Raise the timeout [skip ci]"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .times(2)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`/repos/${REPO}/issues/2/labels`)
      .times(2)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .times(2)
      .reply(200, () => [botComment(77, comment)])
      .patch(`/repos/${REPO}/issues/comments/77`)
      .times(2)
      .reply(200, (_uri, body) => {
        comment = (body as { body: string }).body;
        return { id: 77 };
      });

    await probot.receive(pullRequestEvent({ action: "unlabeled", label: "skip-tests", body: JUSTIFIED, sender: "bob" }));
    await probot.receive(pullRequestEvent({ action: "unlabeled", label: "skip-tests", body: JUSTIFIED, sender: "dave" }));

    expectAllCallsMade(mock);
    expect(comment).toContain("was removed by `bob`");
    expect(comment).toContain("was removed by `dave`");
  });

  test("a marker label removed when its marker is gone is not put back", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA }).get(`/repos/${REPO}/pulls/2/commits`).query(true).reply(200, commitsResponse(["Raise the timeout"]));

    await probot.receive(pullRequestEvent({ action: "unlabeled", label: "skip-tests", sender: "pipeline-guard[bot]" }));

    expectAllCallsMade(mock);
    expect(mock.requests.length).toBe(4);
  });
});

describe("the one PR comment", () => {
  test("an existing comment is updated in place (PATCH), not made again", async () => {
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
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(3, "Thanks!", PERSON("bob")), botComment(77, OLD_COMMENT)])
      .patch(`/repos/${REPO}/issues/comments/77`)
      .reply(200, { id: 77 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", title: "[skip-tests] now", body: JUSTIFIED, labels: ["skip-tests"] }));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`)).toEqual([]);
    const patch = bodies(requestsTo(mock.requests, "PATCH", `/repos/${REPO}/issues/comments/77`))[0]!;
    expect(patch.body).toContain("### Pipeline Guard: Override allowed: skip-tests");
    expect(patch.body).not.toContain("old text");
  });

  test("an unchanged comment costs no write", async () => {
    const { probot } = createTestApp();
    const first = mockGitHub();
    first.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 77 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });
    const event = { title: "[skip-tests] now", body: JUSTIFIED, labels: ["skip-tests"] };
    await probot.receive(pullRequestEvent(event));
    expectAllCallsMade(first);
    const written = bodies(requestsTo(first.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!.body as string;

    const check = bodies(requestsTo(first.requests, "POST", `/repos/${REPO}/check-runs`))[0]!;

    const second = mockGitHub();
    second.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    // The head's markers are remembered on the first check: the commits are not read again.
    memoryRead(second.api, { repo: REPO, sha: HEAD_SHA, runs: [check] })
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(77, written)])
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 2 });
    await probot.receive(pullRequestEvent({ ...event, action: "edited" }));

    expectAllCallsMade(second);
    expect(callList(second.requests)).toEqual([
      // The app's own login was learned at the first event (once per process).
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `GET /repos/${REPO}/issues/2/comments`,
      `POST /repos/${REPO}/check-runs`,
    ]);
  });

  test("a comment a person wrote with the hidden key is ignored: a person cannot plant one", async () => {
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
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(66, `${COMMENT_KEY}\nplanted <!-- pipeline-guard:state {"kind":"pr-comment","followUp":99,"labelRemovals":[]} -->`, PERSON("mallory"))])
      .post(`/repos/${REPO}/issues/2/comments`)
      .reply(201, { id: 78 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", title: "[skip-tests] now", body: JUSTIFIED, labels: ["skip-tests"] }));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "PATCH", `/repos/${REPO}/issues/comments/66`)).toEqual([]);
    const created = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!;
    expect(created.body).toContain(COMMENT_KEY);
    expect(created.body).not.toContain("#99");
  });

  test("the comment is found on a later page of the comments", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const people = Array.from({ length: 100 }, (_, i) => botComment(1000 + i, "+1", PERSON("bob")));
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query({ per_page: 100 })
      .reply(200, people, { link: `<https://api.github.com/repos/${REPO}/issues/2/comments?per_page=100&page=2>; rel="next"` })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query({ per_page: 100, page: 2 })
      .reply(200, [botComment(77, OLD_COMMENT)])
      .patch(`/repos/${REPO}/issues/comments/77`)
      .reply(200, { id: 77 })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", title: "[skip-tests] now", body: JUSTIFIED, labels: ["skip-tests"] }));

    expectAllCallsMade(mock);
  });
});
