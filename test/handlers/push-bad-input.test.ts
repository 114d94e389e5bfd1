import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { BEFORE_SHA, PUSH_SHA, REPO, ZERO_SHA, mergedPullsForCommit, pushCommitSha, pushEvent } from "../helpers/payloads.js";
import { bodies, callList, issueResponse, RECORD_LOOKUP, requestsTo, createdIssue } from "../helpers/github-replies.js";
import { bypassBody, bypassIssue, bypassState } from "../helpers/records.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const CONFIG = "production:\n  branches: [master]\n";
const PULLS = `/repos/${REPO}/commits/${PUSH_SHA}/pulls`;
const ISSUES = `/repos/${REPO}/issues`;
const LABELS = `/repos/${REPO}/labels`;
const SHORT = PUSH_SHA.slice(0, 7);
const BYPASS_KEY = `<!-- pipeline-guard:bypass sha=${PUSH_SHA} -->`;

function errorLines(logs: ReadonlyArray<{ level: number }>) {
  return logs.filter((l) => l.level >= 50);
}

function bypassIssueMocks(mock: ReturnType<typeof mockGitHub>, config = CONFIG) {
  return mock.api
    .get(CONFIG_PATH(REPO))
    .reply(200, config, RAW)
    .get(PULLS)
    .query({ per_page: 100 })
    .reply(200, [])
    .get(ISSUES)
    .query(RECORD_LOOKUP)
    .reply(200, [])
    .post(LABELS)
    .reply(201, {})
    .post(ISSUES)
    .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: ["pipeline-guard:bypass"] }))
    // The record is signed with its number, once it has one.
    .patch(`/repos/${REPO}/issues/40`)
    .reply(200, {});
}

describe("push payloads that bring nothing, or less than usual", () => {
  test("`commits: []` and `head_commit: null` on a production branch: no crash, no bypass (config read only)", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pushEvent({ commits: [], headCommit: null }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
    expect(errorLines(logs)).toEqual([]);
  });

  test("`created: true` of a new production branch (release/*) whose commits are already known: no bypass", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, 'production:\n  branches: [master, "release/*"]\n', RAW);
    await probot.receive(pushEvent({ ref: "refs/heads/release/2", created: true, before: ZERO_SHA, commits: [], headCommit: null }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([`GET /repos/${REPO}/contents/.github/pipeline-guard.yml`]);
    expect(errorLines(logs)).toEqual([]);
  });

  test("`deleted: true` of a production branch: a bypass, and no commit-to-PR look-up or compare", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 44, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/44`)
      .reply(200, {});
    // A deletion also says forced in some deliveries; it is reported once, as a deletion.
    await probot.receive(pushEvent({ deleted: true, forced: true }));
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES).map((r) => (r.body as { title: string }).title)).toEqual([
      `Bypass: branch deleted on master (${BEFORE_SHA.slice(0, 7)})`,
    ]);
  });

  test("`deleted: true` of a branch that is not production: nothing (0 calls once the config is known)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x", deleted: true }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/y", deleted: true }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("`before` all zeros with commits listed: treated per the listed commits, no compare call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    bypassIssueMocks(mock, 'production:\n  branches: [master, "release/*"]\n');
    await probot.receive(pushEvent({ ref: "refs/heads/release/3", created: true, before: ZERO_SHA, commits: ["Start release 3", "Bump the version"] }));
    expectAllCallsMade(mock);
    expect(mock.requests.some((r) => r.path.includes("/compare/"))).toBe(false);
    const body = bodies(mock.requests).at(-1)?.body as string;
    expect(body).toContain(`- ${pushCommitSha(0).slice(0, 7)} Start release 3`);
    expect(body).toContain(`- ${SHORT} Bump the version`);
  });

  test("`before` all zeros and 2048 commits listed: no compare either (there is no base to compare with)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, `${CONFIG}bypass:\n  direct_push: off\n`, RAW).get(PULLS).query(true).reply(200, []);
    await probot.receive(pushEvent({ before: ZERO_SHA, created: true, commits: Array.from({ length: 2048 }, (_, i) => `Change ${i}`) }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
  });

  test("a commit whose author has no GitHub login (`author.username` missing) still works", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    bypassIssueMocks(mock);
    await probot.receive(pushEvent({ commits: [{ message: "Fix from a laptop with an unknown email", username: null }] }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests).at(-1)?.body).toContain(`- ${SHORT} Fix from a laptop with an unknown email`);
    expect(errorLines(logs)).toEqual([]);
  });

  test("an empty commit message and a sender-less push fall back to the pusher", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    bypassIssueMocks(mock);
    const event = pushEvent({ commits: [""], sender: "dave" });
    delete (event.payload as { sender?: unknown }).sender;
    await probot.receive(event);
    expectAllCallsMade(mock);
    const body = bodies(mock.requests).at(-1)?.body as string;
    expect(body).toContain("- **Who:** @dave");
    expect(body).toContain(`- ${SHORT} \n`);
  });
});

describe("timestamps", () => {
  test("a `pushed_at` that is not a time: the time of receipt is used, no crash", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    bypassIssueMocks(mock);
    const event = pushEvent();
    (event.payload.repository as { pushed_at: unknown }).pushed_at = "not a time";
    const before = new Date().toISOString().slice(0, 10);
    await probot.receive(event);
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.body).toContain(`- **When:** ${before}`);
  });
});

describe("the same push delivered twice", () => {
  test("one bypass issue: the second delivery finds it by its hidden key (a bot's issue)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    bypassIssueMocks(mock)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(ISSUES)
      .query(RECORD_LOOKUP)
      .reply(200, [
        bypassIssue({ repository: REPO, number: 39 }, bypassState({ sha: "0123456789abcdef0123456789abcdef01234567", branch: "master" })),
        bypassIssue({ repository: REPO, number: 40 }, bypassState({ sha: PUSH_SHA, branch: "master" })),
      ]);

    const event = pushEvent();
    await probot.receive(event);
    await probot.receive({ ...event, id: "redelivery" });

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES)).toHaveLength(1);
    expect(requestsTo(mock.requests, "GET", ISSUES)).toHaveLength(2);
  });

  test("the two deliveries at once in one process: still one issue", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .times(2)
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .times(2)
      .reply(200, [])
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {})
      .get(ISSUES)
      .query(true)
      .reply(200, [bypassIssue({ repository: REPO, number: 40 }, bypassState({ sha: PUSH_SHA, branch: "master" }))]);

    const event = pushEvent();
    await Promise.all([probot.receive(event), probot.receive({ ...event, id: "redelivery" })]);

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES)).toHaveLength(1);
  });

  test("a person's issue carrying the key, or a record block copied from the app's, does not count (a key cannot be planted)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(ISSUES)
      .query(true)
      .reply(200, [
        issueResponse({ number: 13, title: "planted", body: BYPASS_KEY, labels: ["pipeline-guard:bypass"], user: { login: "mallory", id: 666, type: "User" } }),
        // The app's issue #14, into which someone pasted the block of the app's record #40: it verifies only in #40.
        { ...bypassIssue({ repository: REPO, number: 14 }), body: bypassBody({ repository: REPO, number: 40 }, bypassState({ sha: PUSH_SHA, branch: "master" })) },
      ])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", ISSUES)).toHaveLength(1);
  });
});

describe("look-ups that fail", () => {
  test("a 404 on the commit-to-PR look-up is treated as a direct push", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(PULLS)
      .query(true)
      .reply(404, { message: "Not Found" })
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(LABELS)
      .reply(201, {})
      .post(ISSUES)
      .reply(201, issueResponse({ number: 40, title: "Bypass", body: "", labels: [] }))
      // The record is signed with its number, once it has one.
      .patch(`/repos/${REPO}/issues/40`)
      .reply(200, {});
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(createdIssue(mock.requests)?.title).toBe(`Bypass: direct push on master (${SHORT})`);
  });

  test("a 5xx on the commit-to-PR look-up is not taken for a direct push: the delivery fails, nothing is written", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).get(PULLS).query(true).reply(502, { message: "Bad Gateway" });
    await expect(probot.receive(pushEvent())).rejects.toThrow();
    expectAllCallsMade(mock);
    expect(mock.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("a 5xx on the config read writes nothing (a policy the repository did not choose is never applied)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: "Server Error" });
    await expect(probot.receive(pushEvent())).rejects.toThrow();
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("an invalid config file: the defaults apply (the default branch is production), no crash", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "production: [unclosed\n", RAW)
      .get(PULLS)
      .query(true)
      .reply(200, mergedPullsForCommit(PUSH_SHA));
    await probot.receive(pushEvent());
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
  });
});
