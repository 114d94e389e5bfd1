import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { runIdOfCallbackUrl } from "../../src/github/deployment-gate.js";
import { handleDeploymentProtectionRule } from "../../src/handlers/deployment-protection-rule.js";
import { CONFIG_PATH, RAW, expectAllCallsMade, mockGitHub, setUpNock, type LogLine } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, fixture } from "../helpers/payloads.js";
import { callList, type Json } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const SHA = HEAD_SHA;
const SHORT = SHA.slice(0, 7);
const CALLBACK = `/repos/${REPO}/actions/runs/4711/deployment_protection_rule`;
const COMPARE = (branch: string) => `/repos/${REPO}/compare/${branch}...${SHA}`;
const CHECKS = `/repos/${REPO}/commits/${SHA}/check-runs`;
const CHECKS_QUERY = { check_name: "Pipeline Guard", filter: "latest", per_page: 100 };
const ERROR = 50;
const WARN = 40;

/**
 * A Probot with only the gate loaded (so these tests hold before and after src/index.ts wires
 * it), a token, no retries and no throttling unless a test brings its own Octokit.
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

function checkRun(conclusion: string | null, title = "Override allowed: skip-tests", status = "completed") {
  return { id: 1, name: "Pipeline Guard", status, conclusion, output: { title, summary: "…" }, app: { slug: "pipeline-guard" } };
}

type Mock = ReturnType<typeof mockGitHub>;

/** The usual road for a production deployment: config, compare against master, the check runs, the answer. */
function productionMocks(mock: Mock, params: { config?: string; compareStatus?: string; checks?: unknown[]; callbackStatus?: number } = {}) {
  mock.api
    .get(CONFIG_PATH(REPO))
    .reply(200, params.config ?? "mode: enforce\n", RAW)
    .get(COMPARE("master"))
    .query({ per_page: 1 })
    .reply(200, { status: params.compareStatus ?? "identical", ahead_by: 0, behind_by: 0, total_commits: 0, commits: [] })
    .get(CHECKS)
    .query(CHECKS_QUERY)
    .reply(200, { total_count: (params.checks ?? []).length, check_runs: params.checks ?? [] })
    .post(CALLBACK)
    .reply(params.callbackStatus ?? 204);
}

/** The one answer sent: its whole body. */
function answerOf(mock: Mock): Json {
  const posts = mock.requests.filter((r) => r.method === "POST" && r.path === CALLBACK);
  expect(posts).toHaveLength(1);
  return posts[0]?.body as Json;
}

describe("deployment_protection_rule.requested: production", () => {
  test("SHA on the default branch and a passing check: approved (4 calls)", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { checks: [checkRun("success")] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET ${COMPARE("master")}`,
      `GET ${CHECKS}`,
      `POST ${CALLBACK}`,
    ]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment: `Approved: ${SHORT} is on the production branch master and its Pipeline Guard check is not failing.`,
    });
  });

  test("an ancestor of the branch (compare: behind) with no Pipeline Guard check (no override reached it): approved, and says so", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { compareStatus: "behind", checks: [] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment: `Approved: ${SHORT} is on the production branch master and no override reached it (Pipeline Guard puts its check on the commits of overrides and on PR heads; none is on this one).`,
    });
  });

  test.each(["ahead", "diverged"])("a SHA not on the branch (compare: %s): rejected, with what to do", async (status) => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { compareStatus: status, checks: [checkRun("success")] });

    await probot.receive(gateEvent({ ref: "feature/login" }));

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment: `Rejected by Pipeline Guard: ${SHORT} is not on a production branch (checked: master). Merge the change through a pull request into master, then deploy from master.`,
    });
  });

  test("a SHA GitHub does not know on the branch (compare: 404): rejected as not on the branch", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .get(COMPARE("master"))
      .query(true)
      .reply(404, { message: "Not Found" })
      .get(CHECKS)
      .query(CHECKS_QUERY)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "production", state: "rejected" });
    expect(answerOf(mock).comment).toContain(`${SHORT} is not on a production branch (checked: master)`);
  });

  test("a failing Pipeline Guard check on the SHA: rejected with the check's title and what to do", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { checks: [checkRun("failure", "Override not allowed: skip-tests")] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        `Rejected by Pipeline Guard: The Pipeline Guard check on ${SHORT} failed: Override not allowed: skip-tests. ` +
        "Fix the override's requirements (the check's summary lists them) or re-run the check, then deploy again.",
    });
  });

  test("not on the branch and a failing check: both reasons", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { compareStatus: "diverged", checks: [checkRun("failure", "Could not be checked")] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    const answer = answerOf(mock);
    expect(answer.state).toBe("rejected");
    expect(answer.comment).toContain("is not on a production branch (checked: master)");
    expect(answer.comment).toContain(`The Pipeline Guard check on ${SHORT} failed: Could not be checked.`);
  });

  test("a forged passing check from another app cannot hide ours failing: any latest failing run rejects", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { checks: [checkRun("success", "All good"), checkRun("failure", "Override not allowed: emergency-deploy")] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ state: "rejected" });
    expect(answerOf(mock).comment).toContain("failed: Override not allowed: emergency-deploy.");
  });

  test("report mode: a deployment enforce mode would reject is approved, and the comment says what enforce would do", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { config: "mode: report\n", compareStatus: "ahead", checks: [] });

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment:
        `Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: ${SHORT} is not on a production branch (checked: master). ` +
        "Merge the change through a pull request into master, then deploy from master.",
    });
  });

  test("several literal production branches: asked in order, stopping at the first that contains the SHA", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "production:\n  branches: [master, stable, legacy]\n", RAW)
      .get(COMPARE("master"))
      .query({ per_page: 1 })
      .reply(200, { status: "ahead" })
      .get(COMPARE("stable"))
      .query({ per_page: 1 })
      .reply(200, { status: "behind" })
      .get(CHECKS)
      .query(CHECKS_QUERY)
      .reply(200, { total_count: 1, check_runs: [checkRun("success")] })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent({ ref: "stable" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
    expect(answerOf(mock)).toMatchObject({ state: "approved", comment: `Approved: ${SHORT} is on the production branch stable and its Pipeline Guard check is not failing.` });
  });

  test("glob production branches: the deployment's ref is asked when it matches", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, 'production:\n  branches: ["release/*"]\n', RAW)
      .get(`/repos/${REPO}/compare/release%2F2...${SHA}`)
      .query({ per_page: 1 })
      .reply(200, { status: "identical" })
      .get(CHECKS)
      .query(CHECKS_QUERY)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent({ ref: "refs/heads/release/2" }));

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ state: "approved" });
    expect(answerOf(mock).comment).toContain("is on the production branch release/2");
  });

  test("glob production branches and a ref that matches none (nor does the default branch): nothing to ask, rejected", async () => {
    const { probot } = createGateApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, 'production:\n  branches: ["release/*"]\n', RAW)
      .get(CHECKS)
      .query(CHECKS_QUERY)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent({ ref: "feature/x" }));

    expectAllCallsMade(mock);
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
    productionMocks(mock, { config: 'production:\n  environments: ["prod-*"]\n', checks: [checkRun("neutral")] });

    await probot.receive(gateEvent({ environment: "Prod-EU" }));

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toMatchObject({ environment_name: "Prod-EU", state: "approved" });
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

  test("GitHub answers 502 on compare four times: retried, then rejected (fail closed) with what failed", async () => {
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { retryAfterBaseValue: 1 }, throttle: { enabled: false } }));
    const { probot, logs } = createGateApp({ Octokit });
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .get(COMPARE("master"))
      .query({ per_page: 1 })
      .times(4)
      .reply(502, "Bad Gateway")
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      ...Array<string>(4).fill(`GET ${COMPARE("master")}`),
      `POST ${CALLBACK}`,
    ]);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "rejected",
      comment:
        'Rejected: Pipeline Guard could not check this deployment to "production" (GitHub answered 502: Bad Gateway), and the gate fails closed. ' +
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
      .get(COMPARE("master"))
      .query(true)
      .reply(200, { status: "identical" })
      .get(CHECKS)
      .query(CHECKS_QUERY)
      .reply(403, { message: "Resource not accessible by integration" })
      .post(CALLBACK)
      .reply(204);

    await probot.receive(gateEvent());

    expectAllCallsMade(mock);
    expect(answerOf(mock)).toEqual({
      environment_name: "production",
      state: "approved",
      comment:
        'Approved in report mode: Pipeline Guard could not check this deployment to "production" (GitHub answered 403: Resource not accessible by integration). ' +
        "In enforce mode it would be rejected (the gate fails closed).",
    });
  });

  test("the callback answers 422 (already decided): a warning, no crash", async () => {
    const { probot, logs } = createGateApp();
    const mock = mockGitHub();
    productionMocks(mock, { checks: [checkRun("success")], callbackStatus: 422 });

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
