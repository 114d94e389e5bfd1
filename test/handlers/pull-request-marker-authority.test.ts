/**
 * SPEC section 10, rules 6, 11, 12 and 13 on the `pull_request` path: who could have introduced a
 * marker is authorized, remembered on the app's own check per head SHA; an invalid policy fails
 * closed; an `edited` event reads no commits again and a PR too big to read fails closed; the
 * newest facts win. Each test says what it fails without.
 */
import nock from "nock";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitSha, commitsResponse, fixture, pullRequestEvent } from "../helpers/payloads.js";
import { bodies, botComment, callList, listedCheckRun, memoryRead, requestsTo, type Json } from "../helpers/github-replies.js";
import type { RecordedRequest } from "../helpers/test-app.js";

setUpNock();

const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";
/** Maintainers may use markers; a writer may not. */
const MAINTAIN = "production:\n  branches: [master]\noverrides:\n  allowed:\n    permission: maintain\n";
const CONFIG = "production:\n  branches: [master]\n";
const PREVIOUS_HEAD = commitSha(0);

const permission = (api: nock.Scope, login: string, role: string) =>
  api.get(`/repos/${REPO}/collaborators/${login}/permission`).reply(200, { permission: role === "maintain" ? "write" : role, role_name: role });

/** The writes of an override on a PR without its label or comment yet. */
function overrideWrites(api: nock.Scope, options: { comment?: string } = {}): nock.Scope {
  api.post(`/repos/${REPO}/labels`).reply(201, {}).post(`/repos/${REPO}/issues/2/labels`).reply(200, []);
  api
    .get(`/repos/${REPO}/issues/2/comments`)
    .query(true)
    .reply(200, options.comment ? [botComment(77, options.comment)] : []);
  if (options.comment) api.patch(`/repos/${REPO}/issues/comments/77`).reply(200, { id: 77 });
  else api.post(`/repos/${REPO}/issues/2/comments`).reply(201, { id: 77 });
  return api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
}

const checks = (requests: readonly RecordedRequest[]): Json[] => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`));

/** The memory block of a check run the app wrote, parsed. */
function memoryOf(check: Json): Json {
  const text = check.output.text as string;
  // The memory's block is the first; an allowed override's verdict block may follow it.
  const start = text.indexOf("{");
  return JSON.parse(text.slice(start, text.indexOf(" -->", start))) as Json;
}

describe("rule 6: every person who could have introduced a marker is authorized", () => {
  test("a writer pushes a [skip-tests] commit into a maintainer's PR: failure naming the writer (fails when only the PR's author is checked)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, MAINTAIN, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(
        200,
        commitsResponse([
          { message: "Raise the timeout", author: "mary" },
          { message: "Skip the slow suite [skip-tests]", author: "walt", parents: [PREVIOUS_HEAD] },
        ]),
      );
    // The previous head's check, as the app wrote it: no marker, nobody to carry.
    memoryRead(mock.api, { repo: REPO, sha: PREVIOUS_HEAD });
    permission(mock.api, "mary", "maintain");
    permission(mock.api, "walt", "write");
    overrideWrites(mock.api);

    await probot.receive(pullRequestEvent({ action: "synchronize", author: "mary", sender: "walt", before: PREVIOUS_HEAD, body: JUSTIFIED, commits: 2 }));

    expectAllCallsMade(mock);
    const [check] = checks(mock.requests);
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(check!.output.summary).toContain(
      `❌ **Authorized**: @walt (author of commit ${commitSha(1).slice(0, 7)}; pushed commit ${commitSha(1).slice(0, 7)}) has write permission (maintain needed)`,
    );
    expect(check!.output.summary).not.toContain("@mary");
    // Remembered on the head's check: who pushed what.
    expect(memoryOf(check!).introducers).toEqual([{ login: "walt", via: "push", markers: ["skip-tests"], sha: commitSha(1) }]);
  });

  test("a maintainer's marker commit cherry-picked by a writer: the committer is named (fails when committers are not checked)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, MAINTAIN, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "Hotfix [skip-tests]", author: "mary", committer: "walt", parents: [PREVIOUS_HEAD] }]));
    memoryRead(mock.api, { repo: REPO, sha: PREVIOUS_HEAD });
    permission(mock.api, "mary", "maintain");
    permission(mock.api, "walt", "write");
    overrideWrites(mock.api);

    // Pushed by mary herself: only the committer tells that walt could have written it.
    await probot.receive(pullRequestEvent({ action: "synchronize", author: "mary", sender: "mary", before: PREVIOUS_HEAD, body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const [check] = checks(mock.requests);
    expect(check!.conclusion).toBe("failure");
    expect(check!.output.summary).toContain(`❌ **Authorized**: @walt (committer of commit ${commitSha(0).slice(0, 7)}) has write permission (maintain needed)`);
  });

  test("GitHub's own web-flow committer is nobody to authorize: one permission call per distinct login", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(
        200,
        commitsResponse([
          { message: "Edit in the browser [skip-tests]", committer: "web-flow" },
          { message: "Another [skip-tests]", author: "ALICE" },
        ]),
      );
    permission(mock.api, "alice", "write");
    overrideWrites(mock.api);

    await probot.receive(pullRequestEvent({ body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(checks(mock.requests)[0]).toMatchObject({ conclusion: "success", output: { title: "Override allowed: skip-tests" } });
  });

  test("a marker commit whose author has no GitHub login: failure, an unknown author (fails when commit authors are not checked)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "Emergency [hotfix]", author: null }]));
    permission(mock.api, "alice", "admin");
    overrideWrites(mock.api);

    await probot.receive(pullRequestEvent({ body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const [check] = checks(mock.requests);
    expect(check!.conclusion).toBe("failure");
    expect(check!.output.summary).toContain(
      `❌ **Authorized**: an unknown author (author of commit ${commitSha(0).slice(0, 7)}: GitHub ties it to no login) is not allowed`,
    );
    expect(check!.output.summary).not.toContain("@null");
  });

  test("an edited title that gains a marker, by a writer: failure; Re-run pressed by a maintainer keeps it (fails without remembering the edit's sender)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    // 1. opened by mary, no marker: config, commits, check (with the head's memory).
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, MAINTAIN, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "Raise the timeout", author: "mary" }]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });
    await probot.receive(pullRequestEvent({ author: "mary", title: "Raise the timeout", body: JUSTIFIED }));
    expectAllCallsMade(mock);
    const opened = checks(mock.requests)[0]!;
    expect(opened.conclusion).toBe("success");

    // 2. walt (write) edits the title: the commits are not read again; walt is named.
    const edited = mockGitHub();
    edited.api.get(CONFIG_PATH(REPO)).reply(200, MAINTAIN, RAW);
    memoryRead(edited.api, { repo: REPO, sha: HEAD_SHA, runs: [opened] });
    permission(edited.api, "mary", "maintain");
    permission(edited.api, "walt", "write");
    overrideWrites(edited.api);
    await probot.receive(
      pullRequestEvent({
        action: "edited",
        author: "mary",
        sender: "walt",
        title: "[skip-tests] Raise the timeout",
        body: JUSTIFIED,
        changes: { title: { from: "Raise the timeout" } },
      }),
    );
    expectAllCallsMade(edited);
    expect(callList(edited.requests)).not.toContain(`GET /repos/${REPO}/pulls/2/commits`);
    const failed = checks(edited.requests)[0]!;
    expect(failed.conclusion).toBe("failure");
    expect(failed.output.summary).toContain("❌ **Authorized**: @walt (added it to the title) has write permission (maintain needed)");
    expect(memoryOf(failed).introducers).toEqual([{ login: "walt", via: "title", markers: ["skip-tests"] }]);

    // 3. Re-run, pressed by another maintainer: the PR as it is, the head's memory read back.
    const rerun = mockGitHub();
    const pr = pullRequestEvent({ author: "mary", title: "[skip-tests] Raise the timeout", body: JUSTIFIED, labels: ["skip-tests"] }).payload.pull_request as Json;
    rerun.api.get(`/repos/${REPO}/pulls/2`).reply(200, pr).get(CONFIG_PATH(REPO)).reply(200, MAINTAIN, RAW);
    memoryRead(rerun.api, { repo: REPO, sha: HEAD_SHA, runs: [failed, opened] });
    permission(rerun.api, "mary", "maintain");
    permission(rerun.api, "walt", "write");
    const comment = bodies(requestsTo(edited.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!.body as string;
    rerun.api
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(77, comment)])
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 3 });
    await probot.receive(rerequested({ sender: "maude" }));
    expectAllCallsMade(rerun);
    const again = checks(rerun.requests)[0]!;
    expect(again).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: failed.output.title, summary: failed.output.summary } });
    expect(again.output.text).toBe(failed.output.text);
  });

  test("a check run named Pipeline Guard by another app (a workflow) is not the app's memory: its introducers are not believed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const forged = {
      name: "Pipeline Guard",
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "success",
      output: {
        title: "Override allowed",
        summary: "",
        text: `<!-- pipeline-guard:check-memory {"v":1,"pr":2,"head":"${HEAD_SHA}","introducers":[],"commits":{"count":1,"base":"master","digest":"x","markers":[],"people":[]}} -->`,
      },
    };
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [listedCheckRun(forged, { app: "github-actions" })] })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "x [skip-tests]", author: "mallory" }]));
    permission(mock.api, "alice", "write");
    permission(mock.api, "mallory", "read");
    overrideWrites(mock.api);

    await probot.receive(pullRequestEvent({ action: "reopened", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(checks(mock.requests)[0]!.output.summary).toContain("❌ **Authorized**: @mallory (author of commit");
  });
});

describe("rule 11: an invalid overrides.allowed fails closed", () => {
  test("permission: Admin (a typo): only admins may use markers, and the check says so (fails when the default write applies)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${CONFIG}overrides:\n  allowed:\n    permission: Admin\n`, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]));
    permission(mock.api, "alice", "maintain");
    overrideWrites(mock.api);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] Raise the timeout", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    const [check] = checks(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet) (configuration error)" } });
    expect(check!.output.summary).toContain("❌ **Authorized**: @alice has maintain permission (admin needed)");
    expect(check!.output.summary).toContain("- overrides.allowed.permission: expected one of read, triage, write, maintain, admin");
    expect(check!.output.summary).toContain("- overrides.allowed is invalid: only admins may use markers until it is fixed");
    const comment = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!.body as string;
    expect(comment).toContain("overrides.allowed is invalid: only admins may use markers until it is fixed");
  });
});

describe("rule 12: outsiders cannot drain the budget", () => {
  test("edited on a 1,200-commit PR: config, app identity, memory, the failing check; no commit listing (fails when the commits are paged)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA }).post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });

    await probot.receive(
      pullRequestEvent({ action: "edited", fork: true, author: "mallory", sender: "mallory", commits: 1200, title: "[skip-tests] x", changes: { title: { from: "x" } } }),
    );

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    const [check] = checks(mock.requests);
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure", output: { title: "Not checked: too many commits" } });
    expect(check!.output.summary).toContain("more than 1,000 commits: Pipeline Guard does not page through them; split the PR");
    // Who edited the marker in is remembered even so: a later, smaller head carries it forward.
    expect(memoryOf(check!)).toMatchObject({ pr: 2, head: HEAD_SHA, introducers: [{ login: "mallory", via: "title", markers: ["skip-tests"] }] });
  });

  test("opened with 1,001 commits: config and the failing check only, no paging", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW).post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ commits: 1001 }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(checks(mock.requests)[0]).toMatchObject({ conclusion: "failure", output: { title: "Not checked: too many commits" } });
  });

  test("a PR whose count hid more than 1,000 commits (the compare API says so): fails closed after one page", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(new RegExp(`/repos/${REPO}/compare/`))
      .query(true)
      .reply(200, { total_commits: 5000, commits: [] })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ commits: 300 }));

    expectAllCallsMade(mock);
    expect(checks(mock.requests)[0]!.output.summary).toContain("more than 1,000 commits");
  });

  test("edited title of a PR whose head's markers are remembered: config, memory, permission, comment look-up (unchanged), check; the commits are not read", async () => {
    const { probot } = createTestApp();
    const first = mockGitHub();
    first.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout [skip-tests]"]));
    permission(first.api, "alice", "write");
    overrideWrites(first.api);
    await probot.receive(pullRequestEvent({ body: JUSTIFIED }));
    expectAllCallsMade(first);
    const opened = checks(first.requests)[0]!;
    const comment = bodies(requestsTo(first.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!.body as string;
    expect(memoryOf(opened).commits).toMatchObject({ count: 1, base: "master", markers: [{ name: "skip-tests", shas: [commitSha(0)] }], people: [{ login: "alice", role: "author" }] });

    const second = mockGitHub();
    second.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(second.api, { repo: REPO, sha: HEAD_SHA, runs: [opened] });
    permission(second.api, "alice", "write");
    second.api
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [botComment(77, comment)])
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 2 });
    await probot.receive(
      pullRequestEvent({ action: "edited", title: "Raise the login timeout", body: JUSTIFIED, labels: ["skip-tests"], changes: { title: { from: "Update the README" } } }),
    );

    expectAllCallsMade(second);
    // The app's own login was learned once, at the first event of this process.
    expect(callList(second.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      `GET /repos/${REPO}/issues/2/comments`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    expect(checks(second.requests)[0]!.output.summary).toContain(`| \`skip-tests\` | \\[skip-tests\\] | commit ${commitSha(0).slice(0, 7)} |`);
  });
});

describe("rule 13: the newest facts win", () => {
  test("a slow `opened` and a fast `edited` that adds an unauthorized marker: only the failure is written (fails without the lock and the staleness check)", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .times(2)
      .reply(200, MAINTAIN, RAW)
      // The `opened` evaluation's commit listing answers late.
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .delay(300)
      .reply(200, commitsResponse([{ message: "Raise the timeout", author: "mary" }]));
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "Raise the timeout", author: "mary" }]));
    permission(mock.api, "mary", "maintain");
    permission(mock.api, "walt", "write");
    overrideWrites(mock.api);

    const opened = probot.receive(pullRequestEvent({ author: "mary", title: "Raise the timeout", body: JUSTIFIED, updatedAt: "2026-11-20T10:00:00Z" }));
    const edited = probot.receive(
      pullRequestEvent({
        action: "edited",
        author: "mary",
        sender: "walt",
        title: "[skip-tests] Raise the timeout",
        body: JUSTIFIED,
        changes: { title: { from: "Raise the timeout" } },
        updatedAt: "2026-11-20T10:00:05Z",
      }),
    );
    await Promise.all([opened, edited]);

    expectAllCallsMade(mock);
    expect(checks(mock.requests).map((c) => [c.conclusion, c.output.title])).toEqual([["failure", "Override not allowed: skip-tests (1 requirement unmet)"]]);
    expect(logs.some((l) => l.msg === "stale verdict dropped: the pull request changed while it was evaluated" && l.conclusion === "success")).toBe(true);
  });

  test("two deliveries of one head are serialized: the second reads the first's check as its memory (fails without the lock: it would read the commits)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const written: Json[] = [];
    mock.api
      .get(CONFIG_PATH(REPO))
      .times(2)
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .delay(300)
      .reply(200, commitsResponse(["Raise the timeout"]))
      .post(`/repos/${REPO}/check-runs`)
      .times(2)
      .reply(201, (_uri, body) => {
        written.push(body as Json);
        return { id: written.length };
      })
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(200, () => ({ total_count: written.length, check_runs: written.map((b, i) => listedCheckRun(b, { id: i + 1 })) }));

    await Promise.all([probot.receive(pullRequestEvent()), probot.receive(pullRequestEvent({ action: "reopened" }))]);

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${REPO}/pulls/2/commits`,
      `POST /repos/${REPO}/check-runs`,
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `POST /repos/${REPO}/check-runs`,
    ]);
  });

  test("a delivery that arrives late with older facts does not make the newer verdict stale", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    // A `labeled` of older facts (no API call) arrives after the newer `opened` was recorded.
    const newer = pullRequestEvent({ title: "New title", updatedAt: "2026-11-20T10:00:05Z" });
    const older = pullRequestEvent({ action: "labeled", label: "bug", title: "Old title", updatedAt: "2026-11-20T10:00:00Z" });
    await Promise.all([probot.receive(newer), probot.receive(older)]);

    expectAllCallsMade(mock);
    expect(checks(mock.requests)).toHaveLength(1);
  });

  test("a dropped result hands its introducers to the next evaluation of the head: a body edit after a writer's title edit still names the writer", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).times(2).reply(200, MAINTAIN, RAW);
    // walt's title edit: its memory read answers late, so mary's body edit arrives meanwhile.
    mock.api
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .delay(300)
      .reply(200, { total_count: 0, check_runs: [] })
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .times(2)
      .reply(200, commitsResponse([{ message: "Raise the timeout", author: "mary" }]));
    permission(mock.api, "mary", "maintain");
    permission(mock.api, "walt", "write");
    permission(mock.api, "mary", "maintain");
    permission(mock.api, "walt", "write");
    overrideWrites(mock.api);

    const title = "[skip-tests] Raise the timeout";
    const byWalt = probot.receive(
      pullRequestEvent({ action: "edited", author: "mary", sender: "walt", title, body: "x", changes: { title: { from: "Raise the timeout" } }, updatedAt: "2026-11-20T10:00:00Z" }),
    );
    const byMary = probot.receive(
      pullRequestEvent({ action: "edited", author: "mary", sender: "mary", title, body: JUSTIFIED, changes: { body: { from: "x" } }, updatedAt: "2026-11-20T10:00:05Z" }),
    );
    await Promise.all([byWalt, byMary]);

    expectAllCallsMade(mock);
    const written = checks(mock.requests);
    expect(written).toHaveLength(1);
    expect(written[0]!.conclusion).toBe("failure");
    expect(written[0]!.output.summary).toContain("@walt (added it to the title) has write permission (maintain needed)");
  });
});

describe("errors keep the memory", () => {
  test("an error after the memory was read: the failing check keeps who brought markers, so Re-run judges the same people", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, MAINTAIN, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA }).get(`/repos/${REPO}/pulls/2/commits`).query(true).reply(500, { message: "boom" });
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });

    await probot.receive(
      pullRequestEvent({ action: "edited", author: "mary", sender: "walt", title: "[hotfix] x", changes: { title: { from: "x" } } }),
    );

    expectAllCallsMade(mock);
    const [check] = checks(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Could not be checked" } });
    expect(memoryOf(check!)).toEqual({ v: 1, pr: 2, head: HEAD_SHA, introducers: [{ login: "walt", via: "title", markers: ["emergency-deploy"] }], commits: null });
  });

  test("the memory cannot be read: the failing check keeps what the event brought, marked partial", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, MAINTAIN, RAW)
      .get(`/repos/${REPO}/commits/${HEAD_SHA}/check-runs`)
      .query(true)
      .reply(500, { message: "boom" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "edited", author: "mary", sender: "walt", title: "[hotfix] x", changes: { title: { from: "x" } } }));

    expectAllCallsMade(mock);
    expect(memoryOf(checks(mock.requests)[0]!)).toMatchObject({ partial: true, introducers: [{ login: "walt", via: "title" }] });
  });

  test("a synchronize whose previous head's memory cannot be read: the failing check owes it (carryFrom)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, MAINTAIN, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse([{ message: "x", author: "mary" }]))
      .get(`/repos/${REPO}/commits/${PREVIOUS_HEAD}/check-runs`)
      .query(true)
      .reply(500, { message: "boom" })
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestEvent({ action: "synchronize", author: "mary", sender: "mary", title: "[hotfix] x", before: PREVIOUS_HEAD }));

    expectAllCallsMade(mock);
    expect(memoryOf(checks(mock.requests)[0]!)).toMatchObject({ carryFrom: PREVIOUS_HEAD, commits: null });
  });
});

/** `check_run.rerequested` on the app's check of PR #2's head in Codertocat/Hello-World. */
function rerequested(options: { sender: string }) {
  const payload = fixture<Json>("check_run.rerequested.json");
  const pull = pullRequestEvent().payload as Json;
  payload.repository = pull.repository;
  payload.sender = { ...payload.sender, login: options.sender };
  payload.check_run.name = "Pipeline Guard";
  payload.check_run.head_sha = HEAD_SHA;
  payload.check_run.pull_requests = [{ number: 2, id: 1002, url: `https://api.github.com/repos/${REPO}/pulls/2`, head: { ref: "fix", sha: HEAD_SHA }, base: { ref: "master" } }];
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "check_run" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

