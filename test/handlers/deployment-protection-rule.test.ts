import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { runIdOfCallbackUrl } from "../../src/github/deployment-gate.js";
import { renderCheckMemory } from "../../src/overrides/check-memory.js";
import { handleDeploymentProtectionRule } from "../../src/handlers/deployment-protection-rule.js";
import { CONFIG_PATH, RAW, expectAllCallsMade, mockGitHub, setUpNock, type LogLine } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, fixture } from "../helpers/payloads.js";
import { callList, graphqlRequest, provenanceResponse, type GuardRunReply, type Json, type ProvenanceReply } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

/** The deployed SHA (the fixture's), a merge commit on master in most tests. */
const SHA = HEAD_SHA;
const SHORT = SHA.slice(0, 7);
/** The head of the PR that was merged. */
const PR_HEAD = "4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b";
const CALLBACK = `/repos/${REPO}/actions/runs/4711/deployment_protection_rule`;
const CONFIG = `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`;
const GRAPHQL = "POST /graphql";
const ANSWER = `POST ${CALLBACK}`;
const ERROR = 50;
const WARN = 40;
const UNAUTHORIZED = "Override not allowed: skip-tests (1 requirement unmet)";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down.";

/**
 * A Probot with only the gate loaded (so these tests hold before and after src/index.ts wires
 * it), a token, no retries and no throttling unless a test brings its own Octokit. The app's own
 * login is `pipeline-guard[bot]`: its check suites carry the slug `pipeline-guard`.
 */
function createGateApp(options: { Octokit?: typeof ProbotOctokit } = {}): { probot: Probot; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const Octokit =
    options.Octokit ??
    ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
  const probot = new Probot({ githubToken: "test-token", Octokit, log: pino({ level: "debug" }, stream) });
  void probot.load((app: Probot) => {
    app.on("deployment_protection_rule.requested", (context) => handleDeploymentProtectionRule(context, async () => "pipeline-guard[bot]"));
  });
  return { probot, logs };
}

interface GateEventOptions {
  environment?: string;
  ref?: string;
  deployment?: null;
  callbackUrl?: string | null;
}

function gateEvent(options: GateEventOptions = {}) {
  const payload = fixture<Json>("deployment_protection_rule.requested.json");
  if (options.environment !== undefined) {
    payload.environment = options.environment;
    payload.deployment.environment = options.environment;
  }
  if (options.ref !== undefined) payload.deployment.ref = options.ref;
  if (options.deployment === null) delete payload.deployment;
  if (options.callbackUrl === null) delete payload.deployment_callback_url;
  else if (options.callbackUrl !== undefined) payload.deployment_callback_url = options.callbackUrl;
  // `any`: the example shape, changed freely by tests, is what `probot.receive` takes.
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "deployment_protection_rule" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

type Mock = ReturnType<typeof mockGitHub>;

/** The usual road for a production deployment: config, the provenance query, the answer (3 calls). */
function productionMocks(mock: Mock, params: { config?: string; provenance?: ProvenanceReply; callbackStatus?: number } = {}) {
  mock.api
    .get(CONFIG_PATH(REPO))
    .reply(200, params.config ?? "mode: enforce\n", RAW)
    .post("/graphql")
    .reply(200, provenanceResponse(params.provenance))
    .post(CALLBACK)
    .reply(params.callbackStatus ?? 204);
}

/** SHA is the merge commit of PR #2 into master, whose head carries `headChecks`. */
function mergedThroughPullRequest(params: { headChecks?: GuardRunReply[]; checks?: GuardRunReply[]; title?: string; body?: string; commits?: number } = {}): ProvenanceReply {
  return {
    commit: {
      message: "Merge pull request #2 from Codertocat/fix",
      checks: params.checks ?? [],
      pullRequests: [{ number: 2, mergeCommit: SHA, headRefOid: PR_HEAD, headChecks: params.headChecks ?? [], title: params.title, body: params.body, commits: params.commits }],
    },
  };
}

/** The one answer sent: its whole body. */
function answerOf(mock: Mock): Json {
  const posts = mock.requests.filter((r) => r.method === "POST" && r.path === CALLBACK);
  expect(posts).toHaveLength(1);
  return posts[0]?.body as Json;
}

describe("deployment_protection_rule.requested: a SHA merged through a PR gets the PR's verdict (SPEC 10.5)", () => {
  test("the PR's head check passes: approved in 3 calls (config, provenance, answer)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: mergedThroughPullRequest({ headChecks: [{ conclusion: "success", title: "Override allowed: skip-tests" }] }) });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    const query = graphqlRequest(mock.requests[1]!);
    expect(query.query).toContain("query PipelineGuardProvenance");
    expect(query.variables).toEqual({ owner: "Codertocat", repo: "Hello-World", oid: SHA, sha: SHA, checkName: "Pipeline Guard", withSummary: false, branch0: "refs/heads/master" });
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment: `Approved: ${SHORT} reached the production branch master through pull request #2, whose Pipeline Guard verdict passes: Override allowed: skip-tests (its Pipeline Guard check on the PR's head ${PR_HEAD.slice(0, 7)}).`,
    });
  });

  // Reported: Re-run on the merge commit's failing check wrote a neutral "No open pull request
  // holds this commit", and the gate, reading the merge commit's check, approved. The gate now
  // reads the PR's verdict. Fails without the change: the old gate approved on the neutral check.
  test("an unauthorized override merged, its merge commit re-run to neutral: rejected by the PR's verdict (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, {
      provenance: mergedThroughPullRequest({
        checks: [{ id: 7, conclusion: "neutral", title: "No open pull request holds this commit" }],
        headChecks: [{ conclusion: "failure", title: UNAUTHORIZED }],
      }),
    });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: ${SHORT} reached the production branch master through pull request #2, whose Pipeline Guard verdict does not pass: Override not allowed: skip-tests \\(1 requirement unmet\\) (its Pipeline Guard check on the PR's head ${PR_HEAD.slice(0, 7)}). ` +
        "Meet the override's requirements (the check's summary lists them) and press Re-run on the PR's Pipeline Guard check, or revert the change through a pull request; then deploy again.",
    });
  });

  // Reported: the `closed` handler failed (502) before the merge commit got its check, and the
  // gate approved "no check". Fails without the change: the old gate approved a SHA without a check.
  test("no check on the merge commit (a failed merge handler), the PR's head check fails: rejected (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: mergedThroughPullRequest({ checks: [], headChecks: [{ conclusion: "failure", title: UNAUTHORIZED }] }) });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain(`through pull request #2, whose Pipeline Guard verdict does not pass: Override not allowed: skip-tests \\(1 requirement unmet\\)`);
  });

  test("no check on the merge commit nor on the PR's head: the verdict is computed from the PR's facts, an unauthorized override is rejected (5 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      .reply(200, provenanceResponse(mergedThroughPullRequest({ title: "[skip-tests] Fix the login timeout", body: JUSTIFIED })))
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Fix the login timeout"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, `GET /repos/${REPO}/pulls/2/commits`, `GET /repos/${REPO}/collaborators/alice/permission`, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: ${SHORT} reached the production branch master through pull request #2, whose Pipeline Guard verdict does not pass: Override not allowed: skip-tests \\(1 requirement unmet\\) (computed now from the PR's facts, because the PR's head ${PR_HEAD.slice(0, 7)} has no Pipeline Guard check of the app's). ` +
        "Meet the override's requirements (the check's summary lists them) and press Re-run on the PR's Pipeline Guard check, or revert the change through a pull request; then deploy again.",
    });
  });

  test("the PR's head check could not be checked: computed again from the PR's facts, and an allowed override passes (5 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      // The error check still holds the head's memory (no one else brought a marker): it comes with the query.
      .reply(
        200,
        provenanceResponse(
          mergedThroughPullRequest({
            title: "[skip-tests] Fix",
            body: JUSTIFIED,
            headChecks: [{ conclusion: "failure", title: "Could not be checked", text: renderCheckMemory({ pr: 2, head: PR_HEAD, introducers: [], commits: null }) }],
          }),
        ),
      )
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Fix"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
    expect(answerOf(mock)).toMatchObject({ state: "approved" });
    expect(answerOf(mock).comment).toContain(
      `whose Pipeline Guard verdict passes: Override allowed: skip-tests (computed now from the PR's facts, because the Pipeline Guard check on the PR's head ${PR_HEAD.slice(0, 7)} could not be checked).`,
    );
  });

  test("computing the PR's verdict would need a sixth call: not made, rejected, saying how to put the verdict on record (5 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    const page = (n: number) => commitsResponse(Array<string>(n).fill("x"));
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      .reply(200, provenanceResponse(mergedThroughPullRequest({ title: "[skip-tests] Big", body: JUSTIFIED, commits: 150 })))
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, page(100), { link: `<https://api.github.com/repos/${REPO}/pulls/2/commits?per_page=100&page=2>; rel="next"` })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query({ per_page: 100, page: 2 })
      .reply(200, page(50))
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    // The permission call is never made: the budget holds.
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, `GET /repos/${REPO}/pulls/2/commits`, `GET /repos/${REPO}/pulls/2/commits`, ANSWER]);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain(
      "whose Pipeline Guard verdict could not be established (computing it from the PR's facts needs more API calls than the gate's budget of 5), and the gate fails closed. Press Re-run on the Pipeline Guard check of the PR's head, or comment `/pipeline-guard recheck` on the PR",
    );
  });

  test("with overrides.approval.required, computing the PR's verdict needs the approvals and the approver's permission: a sixth call, never made; rejected, saying to press Re-run (5 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    const memory = renderCheckMemory({ pr: 2, head: PR_HEAD, introducers: [], commits: null });
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "overrides:\n  approval: {required: 1}\n", RAW)
      .post("/graphql")
      .reply(200, provenanceResponse(mergedThroughPullRequest({ title: "[skip-tests] Fix", body: JUSTIFIED, headChecks: [{ conclusion: "failure", title: "Could not be checked", text: memory }] })))
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Fix"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, `GET /repos/${REPO}/pulls/2/commits`, `GET /repos/${REPO}/collaborators/alice/permission`, ANSWER]);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("could not be established (computing it from the PR's facts needs more API calls than the gate's budget of 5)");
    expect(answerOf(mock).comment).toContain("Press Re-run on the Pipeline Guard check of the PR's head");
  });

  test("computing the PR's verdict fails (its commits answer 500): rejected, the verdict could not be established (4 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      .reply(200, provenanceResponse(mergedThroughPullRequest()))
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(500, { message: "Server Error" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("whose Pipeline Guard verdict could not be established (computing it from the PR's facts failed: GitHub answered 500: Server Error), and the gate fails closed.");
  });

  // Only the app's own runs are verdicts: a workflow job named "Pipeline Guard" (suite of
  // `github-actions`), or the app's own run in a fork, is anyone's word. Fails without the change:
  // the old gate read every latest run named "Pipeline Guard".
  test("a foreign passing 'Pipeline Guard' run on the PR's head, newer than the app's failing one: ignored, rejected", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, {
      provenance: mergedThroughPullRequest({
        headChecks: [
          { id: 10, conclusion: "failure", title: UNAUTHORIZED },
          { id: 20, conclusion: "success", title: "All good", app: "github-actions" },
          { id: 30, conclusion: "success", title: "All good", repository: "mallory/Hello-World" },
        ],
      }),
    });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("whose Pipeline Guard verdict does not pass: Override not allowed");
  });

  test("several production branches: one query asks them all, and a PR merged into the second counts", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, {
      config: "production:\n  branches: [master, stable, legacy]\n",
      provenance: {
        statuses: ["DIVERGED", "BEHIND", null],
        commit: { pullRequests: [{ number: 5, baseRefName: "stable", mergeCommit: SHA, headRefOid: PR_HEAD, headChecks: [{ conclusion: "success", title: "No override markers" }] }] },
      },
    });

    await probot.receive(gateEvent({ ref: "stable" }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(graphqlRequest(mock.requests[1]!).variables).toMatchObject({ branch0: "refs/heads/master", branch1: "refs/heads/stable", branch2: "refs/heads/legacy" });
    expect(answerOf(mock)).toMatchObject({ state: "approved", comment: expect.stringContaining(`${SHORT} reached the production branch stable through pull request #5`) });
  });
});

describe("deployment_protection_rule.requested: a direct push is an override or a bypass (SPEC 10.5)", () => {
  // Reported: a direct push without a marker was approved, because the gate only looked for a
  // failing check. Fails without the change.
  test("a bypass (no PR, no marker): rejected in enforce mode (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: { commit: { message: "Hotfix the cache", author: { login: "dana" }, committer: { login: "dana" } } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: ${SHORT} was pushed directly to the production branch master without a pull request or an override marker (a bypass); its author and committer (\`dana\`) are not all exempt (bypass.allowed_actors). ` +
        "Bring the change through a pull request into master, then deploy from master.",
    });
  });

  test("a bypass in report mode: approved, saying what enforce mode would have done (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { config: "mode: report\n", provenance: { commit: { message: "Hotfix the cache", author: { login: "dana" }, committer: { login: "dana" } } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment:
        `Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: ${SHORT} was pushed directly to the production branch master without a pull request or an override marker (a bypass); its author and committer (\`dana\`) are not all exempt (bypass.allowed_actors). ` +
        "Bring the change through a pull request into master, then deploy from master.",
    });
  });

  test("an exempt actor's push carrying a marker (a release bot's [skip ci]): no verdict on record, as the push path exempts it, approved (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    const bot = { login: null, email: "41898282+release-bot[bot]@users.noreply.github.com" };
    productionMocks(mock, { config: 'bypass:\n  allowed_actors: ["release-bot[bot]"]\n', provenance: { commit: { message: "chore: release 1.2.0 [skip ci]", author: bot, committer: bot } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toMatchObject({ state: "approved" });
    expect(answerOf(mock).comment).toContain("with an override (skip-tests), by `release-bot[bot]` (its author and committer), exempt");
  });

  test("an exempt actor's push without a marker: approved (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    const bot = { login: null, email: "41898282+release-bot[bot]@users.noreply.github.com" };
    productionMocks(mock, { config: 'bypass:\n  allowed_actors: ["release-bot[bot]"]\n', provenance: { commit: { message: "chore: release 1.2.0", author: bot, committer: bot } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment: `Approved: ${SHORT} was pushed directly to the production branch master without a pull request or an override marker, by \`release-bot[bot]\` (its author and committer), exempt from bypass reports (bypass.allowed_actors, or the app itself).`,
    });
  });

  test("a direct push with a marker and the app's passing verdict on it: approved (3 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: { commit: { message: "[skip-tests] Fix\n\nJustification: outage", checks: [{ conclusion: "success", title: "Override allowed: skip-tests" }] } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment: `Approved: ${SHORT} was pushed directly to the production branch master with an override (skip-tests), and its Pipeline Guard verdict passes: Override allowed: skip-tests.`,
    });
  });

  test("a direct push with a marker whose only passing 'Pipeline Guard' run is a workflow's: no verdict on record, rejected", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: { commit: { message: "[skip-tests] Fix", checks: [{ conclusion: "success", title: "Pipeline Guard passed", app: "github-actions" }] } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: ${SHORT} was pushed directly to the production branch master with an override (skip-tests), and no verdict is on record: it carries no Pipeline Guard check of the app's. ` +
        "The gate fails closed. Press Re-run on its Pipeline Guard check if it has one, or bring the change through a pull request; then deploy again.",
    });
  });

  test("a direct push with a marker whose check could not be checked: rejected, no verdict on record", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: { commit: { message: "[skip-tests] Fix", checks: [{ conclusion: "failure", title: "Could not be checked" }] } } });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("no verdict is on record: its Pipeline Guard check says it could not be checked.");
  });
});

describe("deployment_protection_rule.requested: off the production branches, unreadable provenance", () => {
  test.each(["AHEAD", "DIVERGED"])("a SHA on no production branch (compare: %s): rejected, with what to do (3 calls)", async (status) => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: { statuses: [status] } });

    await probot.receive(gateEvent({ ref: "feature/login" }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment: `Rejected by Pipeline Guard: ${SHORT} is not on a production branch (checked: master). Merge the change through a pull request into master, then deploy from master.`,
    });
  });

  test("glob production branches: the deployment's ref is asked when it matches", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { config: 'production:\n  branches: ["release/*"]\n', provenance: { commit: { pullRequests: [{ number: 3, baseRefName: "release/2", mergeCommit: SHA, headRefOid: PR_HEAD, headChecks: [{ conclusion: "success" }] }] } } });

    await probot.receive(gateEvent({ ref: "refs/heads/release/2" }));

    expectAllCallsMade(mock);
    expect(graphqlRequest(mock.requests[1]!).variables).toMatchObject({ branch0: "refs/heads/release/2" });
    expect(answerOf(mock)).toMatchObject({ state: "approved" });
    expect(answerOf(mock).comment).toContain("reached the production branch release/2 through pull request #3");
  });

  test("glob production branches and a ref that matches none (nor does the default branch): nothing to ask, rejected (2 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, 'production:\n  branches: ["release/*"]\n', RAW).post(CALLBACK).reply(204);

    await probot.receive(gateEvent({ ref: "feature/x" }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: ${SHORT} is not on a production branch (checked: none could be named: production.branches are all globs and the deployment's ref matches none). ` +
        "Merge the change through a pull request into a production branch, then deploy from it.",
    });
  });

  test("environment names match case-insensitively, by glob", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { config: 'production:\n  environments: ["prod-*"]\n', provenance: mergedThroughPullRequest({ headChecks: [{ conclusion: "success" }] }) });

    await probot.receive(gateEvent({ environment: "Prod-EU" }));

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "Prod-EU", state: "approved" });
  });

  test.each<[string, Json | number]>([
    ["GitHub answers 502", 502],
    ["a GraphQL error (partial data)", { data: { repository: null }, errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }] }],
    ["an answer without the repository", { data: { repository: null } }],
    ["an answer without the commit's message", { data: { repository: { branch0: { compare: { status: "IDENTICAL" } }, object: { __typename: "Commit", associatedPullRequests: { nodes: [] } } } } }],
    ["a SHA that names a tree, not a commit", { data: { repository: { branch0: { compare: { status: "IDENTICAL" } }, object: { __typename: "Tree" } } } }],
    ["a SHA on the branch that GitHub names no commit for", { data: { repository: { branch0: { compare: { status: "IDENTICAL" } }, object: null } } }],
  ])("the provenance cannot be read (%s): rejected, fail closed (3 calls)", async (_name, answer) => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      .reply(typeof answer === "number" ? answer : 200, typeof answer === "number" ? { message: "Bad Gateway" } : answer)
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, GRAPHQL, ANSWER]);
    expect(answerOf(mock)).toMatchObject({ environment_name: "production", state: "rejected" });
    expect(answerOf(mock).comment).toMatch(new RegExp(`^Rejected by Pipeline Guard: how ${SHORT} reached a production branch could not be read \\(.+\\), and the gate fails closed\\.`));
  });

  test("the app's own login is unknown: its checks cannot be told from others', rejected without asking (2 calls)", async () => {
    const logs: LogLine[] = [];
    const probot = new Probot({
      githubToken: "test-token",
      Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
      log: pino({ level: "silent" }),
    });
    void probot.load((app: Probot) => {
      app.on("deployment_protection_rule.requested", (context) => handleDeploymentProtectionRule(context, async () => undefined));
    });
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "", RAW).post(CALLBACK).reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(logs).toEqual([]);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("could not be read (the app's own login could not be learned, so its checks cannot be told from anyone else's)");
  });
});

describe("deployment_protection_rule.requested: no facts needed", () => {
  test("an environment that is not production: approved after the config read (2 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "", RAW).post(CALLBACK).reply(204);

    await probot.receive(gateEvent({ environment: "staging" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(answerOf(mock)).toEqual({
      environment_name: "staging",
      state: "approved",
      comment: 'Approved: "staging" is not a production environment (production.environments: production).',
    });
  });

  test("deployments.gate: false: approved, and the comment says the gate is off (2 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "deployments:\n  gate: false\n", RAW).post(CALLBACK).reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment:
        'Approved without checks: the Pipeline Guard deployment gate is off for this repository (deployments.gate: false), so deployments to "production" are not checked.',
    });
  });

  test("DRY_RUN: the answer is logged, not sent", async () => {
    process.env.DRY_RUN = "true";
    try {
      const { probot, logs } = createGateApp();
      const mock = mockGitHub();
      mock.api.get(CONFIG_PATH(REPO)).reply(200, "", RAW);

      await probot.receive(gateEvent({ environment: "staging" }));

      expectAllCallsMade(mock);
      expect(mock.requests).toHaveLength(1);
      expect(logs.some((l) => l.msg === "dry run: would approve deployment" && l.runId === 4711 && l.environment === "staging")).toBe(true);
    } finally {
      delete process.env.DRY_RUN;
    }
  });
});

describe("deployment_protection_rule.requested: bad input and errors", () => {
  test("no deployment in the request: rejected without any other call", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.post(CALLBACK).reply(204);

    await probot.receive(gateEvent({ deployment: null }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment: 'Rejected: there is no deployment in the request for "production", so Pipeline Guard has no commit to check.',
    });
  });

  test("no deployment_callback_url: nothing can be sent; an error is logged and no call is made", async () => {
    const { probot, logs } = createGateApp();
    const mock = mockGitHub();

    await probot.receive(gateEvent({ callbackUrl: null }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
    expect(logs.some((l) => l.level === ERROR && l.msg.includes("without deployment_callback_url"))).toBe(true);
  });

  test("no environment in the request (nor in its deployment): nothing can be named in an answer; an error is logged", async () => {
    const { probot, logs } = createGateApp();
    const mock = mockGitHub();
    const event = gateEvent();
    delete event.payload.environment;
    delete event.payload.deployment.environment;

    await probot.receive(event);

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
    expect(logs.some((l) => l.level === ERROR && l.msg.includes("names no environment"))).toBe(true);
  });

  test("the environment is taken from the deployment when the request leaves it out", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "", RAW).post(CALLBACK).reply(204);
    const event = gateEvent({ environment: "staging" });
    delete event.payload.environment;

    await probot.receive(event);

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "staging", state: "approved" });
  });

  test.each([
    ["another repository's run", "https://api.github.com/repos/mallory/elsewhere/actions/runs/4711/deployment_protection_rule"],
    ["another endpoint", `https://api.github.com/repos/${REPO}/actions/runs/4711/approve`],
    ["no run id", `https://api.github.com/repos/${REPO}/actions/runs/x/deployment_protection_rule`],
    ["not a URL", "deployment_protection_rule"],
  ])("a callback URL for %s: not answered, an error is logged", async (_name, url) => {
    const { probot, logs } = createGateApp();
    const mock = mockGitHub();

    await probot.receive(gateEvent({ callbackUrl: url }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
    expect(logs.some((l) => l.level === ERROR && l.msg.includes("not a deployment protection rule of this repository's runs"))).toBe(true);
  });

  test("GitHub answers 502 on the provenance query four times: retried, then rejected (fail closed) with what failed", async () => {
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { retryAfterBaseValue: 1 }, throttle: { enabled: false } }));
    const { probot, logs } = createGateApp({ Octokit });
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .post("/graphql")
      .times(4)
      .reply(502, "Bad Gateway")
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG, ...Array<string>(4).fill(GRAPHQL), ANSWER]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: how ${SHORT} reached a production branch could not be read (GitHub answered 502: Bad Gateway), and the gate fails closed. ` +
        "Re-run the deployment; if this keeps happening, see the app's logs.",
    });
    expect(logs.some((l) => l.level === ERROR && l.msg.includes("fails closed"))).toBe(true);
  });

  test("the configuration cannot be read: rejected (the mode is unknown, so report mode cannot apply)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: "Server Error" }).post(CALLBACK).reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "production", state: "rejected" });
    expect(answerOf(mock).comment).toContain("(GitHub answered 500: Server Error)");
  });

  test("report mode and an error while checking: approved, saying enforce mode would reject", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "mode: report\n", RAW)
      .post("/graphql")
      .reply(403, { message: "Resource not accessible by integration" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment:
        `Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: how ${SHORT} reached a production branch could not be read (GitHub answered 403: Resource not accessible by integration), and the gate fails closed. ` +
        "Re-run the deployment; if this keeps happening, see the app's logs.",
    });
  });

  test("the callback answers 422 (already decided): a warning, no crash", async () => {
    const { probot, logs } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { provenance: mergedThroughPullRequest({ headChecks: [{ conclusion: "success" }] }), callbackStatus: 422 });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "production", state: "approved" });
    expect(logs.some((l) => l.level === WARN && l.msg.includes("did not take the deployment gate's answer"))).toBe(true);
    expect(logs.some((l) => l.level >= ERROR)).toBe(false);
  });

  test("the callback fails otherwise (500): the error reaches Probot", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "", RAW).post(CALLBACK).reply(500, { message: "Server Error" });

    await expect(probot.receive(gateEvent({ environment: "staging" }))).rejects.toThrow("Server Error");

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "staging", state: "approved" });
  });
});

describe("runIdOfCallbackUrl", () => {
  const repository = { owner: "Codertocat", repo: "Hello-World" };
  test.each([
    ["https://api.github.com/repos/Codertocat/Hello-World/actions/runs/123/deployment_protection_rule", 123],
    ["https://api.github.com/repos/codertocat/hello-world/actions/runs/123/deployment_protection_rule", 123],
    ["https://ghe.example.com/api/v3/repos/Codertocat/Hello-World/actions/runs/9/deployment_protection_rule", 9],
    ["https://api.github.com/repos/Codertocat/Hello-World/actions/runs/0/deployment_protection_rule", null],
    ["https://api.github.com/repos/Codertocat/Hello-World/actions/runs/1e3/deployment_protection_rule", null],
    ["https://api.github.com/repos/Codertocat/Hello-World/actions/runs/123/deployment_protection_rule/../../456/deployment_protection_rule", 456],
    ["https://api.github.com/x/repos/Codertocat/Hello-World/actions/runs/123/deployment_protection_rule", null],
    ["https://api.github.com/repos/Codertocat/Other/actions/runs/123/deployment_protection_rule", null],
    ["https://api.github.com/repos/Codertocat/%E0%A4%A/actions/runs/123/deployment_protection_rule", null],
  ])("%s → %p", (url, expected) => {
    expect(runIdOfCallbackUrl(url, repository)).toBe(expected);
  });
});
