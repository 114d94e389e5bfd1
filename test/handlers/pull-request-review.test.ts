/**
 * The two-person rule (`overrides.approval`): `pull_request_review` submitted, edited and dismissed
 * re-evaluate the `Pipeline Guard` check; an approval counts only when it is of the PR's current
 * head, by a person other than the author and the markers' authors, allowed by `approval.by`.
 */
import type nock from "nock";
import { DEFAULT_MARKERS, finishConfig, configSchema } from "../../src/config/schema.js";
import { renderCheckMemory } from "../../src/overrides/check-memory.js";
import { markerDigest, type CommitPerson } from "../../src/overrides/introducers.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent, pullRequestReviewEvent } from "../helpers/payloads.js";
import { bodies, callList, graphqlRequest, memoryRead, requestsTo, type Json } from "../helpers/github-replies.js";

setUpNock();

const OLD_HEAD = "0123456789abcdef0123456789abcdef01234567";
const MARKER_SHA = "aa".repeat(20);
const TITLE = "[skip-tests] Raise the timeout";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";

const config = (required: number, by = "{permission: maintain}") =>
  `production:\n  branches: [master]\noverrides:\n  approval:\n    required: ${required}\n    by: ${by}\n`;

const DIGEST = markerDigest(finishConfig(configSchema.parse({ markers: DEFAULT_MARKERS })).markers);

/** The app's check on the head as an earlier evaluation wrote it: its memory of the commits (and of who wrote a marker in one). */
function rememberedCheck(options: { commitMarkerBy?: string } = {}): Json {
  const people: CommitPerson[] = options.commitMarkerBy ? [{ login: options.commitMarkerBy, role: "author", sha: MARKER_SHA, markers: ["skip-tests"] }] : [];
  const markers = options.commitMarkerBy ? [{ name: "skip-tests", written: "[skip-tests]", locations: [{ source: "commit" as const, sha: MARKER_SHA }] }] : [];
  const text = renderCheckMemory({ pr: 2, head: HEAD_SHA, introducers: [], commits: { count: 1, base: "master", digest: DIGEST, markers, people } });
  return { name: "Pipeline Guard", head_sha: HEAD_SHA, status: "completed", conclusion: "failure", output: { title: "Override not allowed", summary: "", text } };
}

interface Review {
  login: string | null;
  state?: string;
  commit?: string | null;
  bot?: boolean;
}

/** GitHub's answer to the approvals query: each reviewer's latest opinion. */
function approvalsReply(reviews: readonly Review[], options: { totalCount?: number; hasNextPage?: boolean } = {}) {
  return {
    data: {
      repository: {
        pullRequest: {
          latestOpinionatedReviews: {
            totalCount: options.totalCount ?? reviews.length,
            pageInfo: { hasNextPage: options.hasNextPage ?? false },
            nodes: reviews.map((r) => ({
              state: r.state ?? "APPROVED",
              author: r.login === null ? null : { __typename: r.bot ? "Bot" : "User", login: r.login },
              commit: r.commit === null ? null : { oid: r.commit ?? HEAD_SHA },
            })),
          },
        },
      },
    },
  };
}

const permission = (api: nock.Scope, login: string, level: string) =>
  api.get(`/repos/${REPO}/collaborators/${login}/permission`).reply(200, { permission: level === "maintain" ? "write" : level, role_name: level });

/** Config, the head's memory, the author's permission (and a marker commit author's), the approvals query. */
function overrideFacts(api: nock.Scope, options: { required: number; reviews: readonly Review[]; commitMarkerBy?: string; by?: string }): nock.Scope {
  api.get(CONFIG_PATH(REPO)).reply(200, config(options.required, options.by), RAW);
  memoryRead(api, { repo: REPO, sha: HEAD_SHA, runs: [rememberedCheck({ commitMarkerBy: options.commitMarkerBy })] });
  permission(api, "alice", "write");
  if (options.commitMarkerBy) permission(api, options.commitMarkerBy, "write");
  return api.post("/graphql").reply(200, approvalsReply(options.reviews));
}

/** The comment (looked up, created) and the check: labels are already on the PR. */
function verdictWrites(api: nock.Scope): nock.Scope {
  return api
    .get(`/repos/${REPO}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`/repos/${REPO}/issues/2/comments`)
    .reply(201, { id: 7 })
    .post(`/repos/${REPO}/check-runs`)
    .reply(201, { id: 1 });
}

const overridePr = { title: TITLE, body: JUSTIFIED, labels: ["skip-tests"] };
const lastCheck = (requests: Parameters<typeof bodies>[0]): Json => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`)).at(-1)!;
const approvalLine = (check: Json): string => (check.output.summary as string).split("\n").find((l) => l.includes("**Second approval**")) ?? "";

describe("pull_request_review: the two-person rule", () => {
  test("approval.required 0 (the default): the configuration read alone, nothing written", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "production:\n  branches: [master]\n", RAW);
    await probot.receive(pullRequestReviewEvent(overridePr));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([`GET /repos/${REPO}/contents/.github/pipeline-guard.yml`]);
  });

  test("a review of a closed PR costs no call: the verdict of its merge stands", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(pullRequestReviewEvent({ ...overridePr, state: "closed" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("budget: a PR without markers costs 2 calls (config, the app's check on the head), none for the reviews, nothing written", async () => {
    const { probot } = createTestApp();
    // A first review warms the process's knowledge of the app's own login (GET /app, once per process).
    const warm = mockGitHub();
    warm.api.get(CONFIG_PATH(REPO)).reply(200, config(1), RAW);
    memoryRead(warm.api, { repo: REPO, sha: HEAD_SHA, runs: [rememberedCheck()] });
    await probot.receive(pullRequestReviewEvent());
    expectAllCallsMade(warm);

    const mock = mockGitHub({ appLogin: false });
    mock.api.get(CONFIG_PATH(REPO)).reply(200, config(1), RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA, runs: [rememberedCheck()] });
    await probot.receive(pullRequestReviewEvent({ action: "submitted" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([`GET /repos/${REPO}/contents/.github/pipeline-guard.yml`, `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`]);
  });

  test("one allowed approval of the head: success naming the approver; config, app login, memory, author's permission, approvals, approver's permission, comment, check", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 1, reviews: [{ login: "bob" }] });
    permission(mock.api, "bob", "maintain");
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, sender: "bob" }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      "GET /app",
      `GET /repos/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `GET /repos/${REPO}/collaborators/alice/permission`,
      "POST /graphql",
      `GET /repos/${REPO}/collaborators/bob/permission`,
      `GET /repos/${REPO}/issues/2/comments`,
      `POST /repos/${REPO}/issues/2/comments`,
      `POST /repos/${REPO}/check-runs`,
    ]);
    const query = graphqlRequest(requestsTo(mock.requests, "POST", "/graphql")[0]!);
    expect(query.query).toContain("latestOpinionatedReviews");
    expect(query.variables).toEqual({ owner: "Codertocat", repo: "Hello-World", number: 2 });
    const check = lastCheck(mock.requests);
    expect(check).toMatchObject({ head_sha: HEAD_SHA, conclusion: "success", output: { title: "Override allowed: skip-tests" } });
    expect(approvalLine(check)).toBe("- ✅ **Second approval**: 1 of 1 approval of the head ec26c3e: approved by @bob has maintain permission (maintain needed)");
    const comment = bodies(requestsTo(mock.requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]!;
    expect(comment.body).toContain("**Second approval**: 1 of 1 approval");
  });

  test("an approval by the PR's author does not count, and costs no permission call as an approver", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 1, reviews: [{ login: "alice" }] });
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, sender: "alice" }));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "GET", `/repos/${REPO}/collaborators/alice/permission`)).toHaveLength(1); // as the marker's author only
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(approvalLine(check)).toContain("❌ **Second approval**: 0 of 1 approval of the head ec26c3e; still needed: 1 more approval of the head by someone allowed by overrides.approval.by (maintain permission) other than the author and the markers' authors");
    expect(approvalLine(check)).toContain("Not counted: @alice (PR author) cannot approve their own override");
  });

  test("an approval by a writer below approval.by does not count: the check says why", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 1, reviews: [{ login: "walt" }] });
    permission(mock.api, "walt", "write");
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, sender: "walt" }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(approvalLine(check)).toContain("Not counted: @walt has write permission (maintain needed)");
  });

  test("a stale approval, of an older head, does not count and costs no permission call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 1, reviews: [{ login: "bob", commit: OLD_HEAD }] });
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, action: "edited" }));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "GET", `/repos/${REPO}/collaborators/bob/permission`)).toEqual([]);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(approvalLine(check)).toContain("@bob approved an older commit (0123456), not the head ec26c3e");
  });

  test("a dismissed review re-evaluates: the approval it held is gone, the check fails again", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    // GitHub keeps no opinion for a dismissed review; another reviewer asked for changes.
    overrideFacts(mock.api, { required: 1, reviews: [{ login: "carol", state: "CHANGES_REQUESTED" }] });
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, action: "dismissed" }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(approvalLine(check)).toContain("0 of 1 approval");
    expect(approvalLine(check)).not.toContain("carol");
  });

  test("required: 2 with two allowed approvals of the head: success naming both", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 2, reviews: [{ login: "bob" }, { login: "carol" }], by: "{permission: maintain, users: [carol]}" });
    permission(mock.api, "bob", "maintain");
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent({ ...overridePr, sender: "carol" }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("success");
    expect(approvalLine(check)).toBe(
      "- ✅ **Second approval**: 2 of 2 approvals of the head ec26c3e: approved by @bob has maintain permission (maintain needed); @carol is listed in users",
    );
  });

  test("required: 2 with one allowed approval: failure, saying who approved and how many are still needed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 2, reviews: [{ login: "bob" }] });
    permission(mock.api, "bob", "admin");
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent(overridePr));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("failure");
    expect(approvalLine(check)).toContain("1 of 2 approvals of the head ec26c3e: approved by @bob has admin permission (maintain needed); still needed: 1 more approval");
  });

  test("neither a bot's approval nor one by the author of a commit carrying a marker counts", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideFacts(mock.api, { required: 1, commitMarkerBy: "carol", reviews: [{ login: "renovate", bot: true }, { login: "carol" }, { login: null }] });
    verdictWrites(mock.api);

    await probot.receive(pullRequestReviewEvent(overridePr));

    expectAllCallsMade(mock);
    const line = approvalLine(lastCheck(mock.requests));
    expect(lastCheck(mock.requests).conclusion).toBe("failure");
    expect(line).toContain("@renovate is a bot: a bot is never the second person");
    expect(line).toContain("@carol (author of commit aaaaaaa) cannot approve their own override");
    expect(line).toContain("an approval by a deleted account does not count");
  });

  test.each([
    ["more than 100 reviewers", approvalsReply([{ login: "bob" }], { totalCount: 101, hasNextPage: true })],
    ["an answer without the pull request", { data: { repository: { pullRequest: null } } }],
  ])("%s: the check fails closed (could not be checked), nothing counted", async (_name, reply) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, config(1), RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA, runs: [rememberedCheck()] });
    permission(mock.api, "alice", "write");
    mock.api.post("/graphql").reply(200, reply).post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });

    await probot.receive(pullRequestReviewEvent(overridePr));

    expectAllCallsMade(mock);
    expect(lastCheck(mock.requests)).toMatchObject({ conclusion: "failure", output: { title: "Could not be checked" } });
  });

  test("a head the app never judged is evaluated in full: its commits are read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, config(1), RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["A normal change"]))
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });

    await probot.receive(pullRequestReviewEvent());

    expectAllCallsMade(mock);
    expect(lastCheck(mock.requests)).toMatchObject({ conclusion: "success", output: { title: "No override markers" } });
  });
});

describe("pull_request events keep the rule", () => {
  test("opened with a marker and approval.required 1, no review yet: failure, the approvals read once", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, config(1), RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]));
    permission(mock.api, "alice", "admin");
    mock.api.post("/graphql").reply(200, approvalsReply([]));
    verdictWrites(mock.api);

    await probot.receive(pullRequestEvent(overridePr));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(approvalLine(check)).toContain("0 of 1 approval");
  });

  test("a marker from a fork: the fork requirement fails, approvals are not read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, config(1), RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the timeout"]));
    verdictWrites(mock.api);

    await probot.receive(pullRequestEvent({ ...overridePr, fork: true }));

    expectAllCallsMade(mock);
    expect(approvalLine(lastCheck(mock.requests))).toBe("");
  });
});
