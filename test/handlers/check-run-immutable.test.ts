/**
 * Re-run on `Pipeline Guard: immutable infrastructure` (issue #13; SPEC section 10, rule 4): the
 * check is judged again from the newest plan run of the PR's head, and never weakened when
 * nothing can be read.
 */
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { parseImmutableMemory } from "../../src/immutable/immutable-memory.js";
import { renderOverrideVerdict } from "../../src/overrides/override-verdict.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { fixture } from "../helpers/payloads.js";
import { bodies, callList, type Json } from "../helpers/github-replies.js";
import { artifactZip } from "../helpers/scan-github.js";
import { planJson, type PlanEntry } from "../helpers/plans.js";
import { pullNode, type PullNodeOptions } from "../helpers/run-pull-nodes.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const REPO = "github/hello-world";
const HEAD = "d6fde92930d4715a2b49857d24b940956b26d2d3";
const CHECK_NAME = "Pipeline Guard: immutable infrastructure";
const CONFIG = "production:\n  branches: [master]\nimmutable:\n  enabled: true\n  plan_workflow: plan.yml\n";
const REPORT_CONFIG = `mode: report\n${CONFIG}`;
const RUNS_PATH = `/repos/${REPO}/actions/workflows/plan.yml/runs`;
const CALLS = {
  identity: "GET /app",
  config: `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
  pulls: "POST /graphql",
  runs: `GET ${RUNS_PATH}`,
  artifacts: (run: number) => `GET /repos/${REPO}/actions/runs/${run}/artifacts`,
  download: (artifact: number) => `GET /repos/${REPO}/actions/artifacts/${artifact}/zip`,
  check: `POST /repos/${REPO}/check-runs`,
};

/** Re-run pressed on the immutable check of HEAD, made by the app (id 9000, the harness's `GET /app`) unless `appId` says otherwise. */
function rerequested(options: { appId?: number; headBranch?: string | null; name?: string; listedPull?: { ref: string; sha: string } } = {}) {
  const payload = fixture<Json>("check_run.rerequested.json");
  payload.check_run.name = options.name ?? CHECK_NAME;
  payload.check_run.app = { ...payload.check_run.app, id: options.appId ?? 9000, slug: options.appId === undefined ? "pipeline-guard" : "other-app" };
  payload.check_run.check_suite.head_branch = options.headBranch === undefined ? "bigger-web" : options.headBranch;
  const listed = options.listedPull;
  payload.check_run.pull_requests = listed ? [{ number: 12, head: { ref: listed.ref, sha: listed.sha }, base: { ref: "master", sha: "f".repeat(40) } }] : [];
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "check_run" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const pull = (options: PullNodeOptions = {}) => pullNode(REPO, HEAD, options);

/** A completed `pull_request` run of plan.yml on HEAD, in the repository itself unless `fork` names the head repository. */
function planRun(id: number, options: { conclusion?: string; fork?: string; path?: string; headSha?: string; status?: string } = {}) {
  const headRepository = options.fork ? { id: 999, full_name: options.fork } : { id: 1, full_name: REPO };
  return {
    id,
    name: "plan",
    path: options.path ?? ".github/workflows/plan.yml",
    event: "pull_request",
    status: options.status ?? "completed",
    conclusion: options.conclusion ?? "success",
    head_sha: options.headSha ?? HEAD,
    head_branch: "bigger-web",
    html_url: `https://github.com/${REPO}/actions/runs/${id}`,
    updated_at: "2026-12-01T10:00:00Z",
    repository: { id: 1, full_name: REPO },
    head_repository: headRepository,
    referenced_workflows: [],
  };
}

type Api = ReturnType<typeof mockGitHub>["api"];

function mockConfig(api: Api, config = CONFIG) {
  api.get(CONFIG_PATH(REPO)).reply(200, config, RAW);
}

/** The PR query, with the head's `Pipeline Guard` verdict from the app's suite when `allowed` is given. */
function mockPulls(api: Api, pulls: ReturnType<typeof pull>[], allowed?: string[]) {
  const verdict = allowed
    ? { checkSuites: { nodes: [{ app: { databaseId: 9000 }, checkRuns: { nodes: [{ databaseId: 3, conclusion: "SUCCESS", title: "Override allowed", text: renderOverrideVerdict({ pr: 12, head: HEAD, allowed }) }] } }] } }
    : { checkSuites: { nodes: [] } };
  api
    .post("/graphql", (body: { query: string; variables: Record<string, unknown> }) =>
      body.query.includes("PipelineGuardRunPullRequests") && body.variables.branch === "bigger-web" && body.variables.sha === HEAD && body.variables.appId === 9000)
    .reply(200, { data: { repository: { defaultBranchRef: { name: "master" }, pullRequests: { nodes: pulls }, verdictCommit: verdict } } });
}

function mockRuns(api: Api, runs: ReturnType<typeof planRun>[]) {
  api.get(RUNS_PATH).query({ head_sha: HEAD, event: "pull_request", status: "completed", per_page: 20 }).reply(200, { total_count: runs.length, workflow_runs: runs });
}

function mockPlan(api: Api, run: number, entries: PlanEntry[], artifact = 55) {
  const zip = artifactZip({ "plan.json": planJson(entries) });
  api
    .get(`/repos/${REPO}/actions/runs/${run}/artifacts`)
    .query(true)
    .reply(200, { total_count: 1, artifacts: [{ id: artifact, name: "terraform-plan", size_in_bytes: zip.length, expired: false }] })
    .get(`/repos/${REPO}/actions/artifacts/${artifact}/zip`)
    .reply(200, zip, { "content-type": "application/zip" });
}

function writtenCheck(mock: ReturnType<typeof mockGitHub>) {
  const check = bodies(mock.requests).at(-1) as { name: string; head_sha: string; conclusion: string; output: { title: string; summary: string; text?: string } };
  expect(check).toMatchObject({ name: CHECK_NAME, head_sha: HEAD, status: "completed" });
  return check;
}

const PATCHED: PlanEntry[] = [{ address: "aws_instance.web", actions: ["update"] }];
const REPLACED: PlanEntry[] = [{ address: "aws_instance.web", actions: ["create", "delete"] }];

describe("Re-run on Pipeline Guard: immutable infrastructure", () => {
  test("a failing check with the same plan stays failing: the newest run's plan is judged again, in 5 calls", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    mockRuns(mock.api, [planRun(4242)]);
    mockPlan(mock.api, 4242, PATCHED);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    // Besides the app's identity (once per process) and the configuration (cached): PR, runs, artifacts, download, check.
    expect(callList(mock.requests)).toEqual([CALLS.identity, CALLS.config, CALLS.pulls, CALLS.runs, CALLS.artifacts(4242), CALLS.download(55), CALLS.check]);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("`aws_instance.web` would be patched in place");
    expect(check.output.summary).toContain(`https://github.com/${REPO}/actions/runs/4242`);
  });

  test("after the plan changed (a newer run of the plan workflow on the head), the newest plan is judged: success", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    // GitHub lists newest first; the order is not trusted: the highest id is the newest run.
    mockRuns(mock.api, [
      planRun(4242),
      planRun(4250),
      planRun(4260, { fork: "mallory/hello-world" }),
      planRun(4270, { path: ".github/workflows/ci.yml" }),
      planRun(4280, { status: "in_progress" }),
      planRun(4290, { headSha: "f".repeat(40) }),
    ]);
    mockPlan(mock.api, 4250, REPLACED, 56);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain(`https://github.com/${REPO}/actions/runs/4250`);
  });

  test("an allowed [emergency-deploy] verdict on the head still defers the findings: the verdict comes with the PR, no extra call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()], ["emergency-deploy"]);
    mockRuns(mock.api, [planRun(4242)]);
    mockPlan(mock.api, 4242, PATCHED);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toHaveLength(7);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("success");
    expect(parseImmutableMemory(check.output.text, { pr: 12, head: HEAD })).toMatchObject({ deferred: true });
  });

  describe("nothing can be read again: failing in enforce mode, neutral in report mode, saying why; never a success", () => {
    test.each([
      ["no completed run of the plan workflow on the head", [], "No completed run of the plan workflow on this commit: nothing was checked"],
      ["only a fork's run on the same commit", [planRun(4260, { fork: "mallory/hello-world" })], "No completed run of the plan workflow on this commit: nothing was checked"],
      ["only a run of another workflow", [planRun(4270, { path: ".github/workflows/ci.yml" })], "No completed run of the plan workflow on this commit: nothing was checked"],
      ["the newest run failed", [planRun(4242, { conclusion: "failure" })], "The plan workflow's run ended failure: nothing was checked"],
    ])("%s", async (_name, runs, title) => {
      for (const [config, conclusion] of [[CONFIG, "failure"], [REPORT_CONFIG, "neutral"]] as const) {
        forgetAllConfigs();
        const { probot } = createTestApp();
        const mock = mockGitHub();
        mockConfig(mock.api, config);
        mockPulls(mock.api, [pull()]);
        mockRuns(mock.api, runs);
        mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
        await probot.receive(rerequested());
        expectAllCallsMade(mock);
        expect(callList(mock.requests)).toEqual([CALLS.identity, CALLS.config, CALLS.pulls, CALLS.runs, CALLS.check]);
        const check = writtenCheck(mock);
        expect(check.conclusion).toBe(conclusion);
        expect(check.output.title).toBe(title);
      }
    });

    test("the artifact of the newest run expired: failing, saying so", async () => {
      const { probot } = createTestApp();
      const mock = mockGitHub();
      mockConfig(mock.api);
      mockPulls(mock.api, [pull()]);
      mockRuns(mock.api, [planRun(4242)]);
      mock.api.get(`/repos/${REPO}/actions/runs/4242/artifacts`).query(true).reply(200, { total_count: 1, artifacts: [{ id: 55, name: "terraform-plan", size_in_bytes: 10, expired: true }] });
      mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
      await probot.receive(rerequested());
      expectAllCallsMade(mock);
      const check = writtenCheck(mock);
      expect(check.conclusion).toBe("failure");
      expect(check.output.title).toBe("The plan workflow's run has no artifact `terraform-plan`: nothing was checked");
    });

    test("GitHub errs while the runs are listed: failing, could not be checked", async () => {
      const { probot } = createTestApp();
      const mock = mockGitHub();
      mockConfig(mock.api);
      mockPulls(mock.api, [pull()]);
      mock.api.get(RUNS_PATH).query(true).reply(502, { message: "Bad gateway" });
      mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
      await probot.receive(rerequested());
      expectAllCallsMade(mock);
      const check = writtenCheck(mock);
      expect(check.conclusion).toBe("failure");
      expect(check.output.title).toBe("Could not be checked");
      expect(check.output.summary).toContain("HTTP 502");
    });
  });

  test("the PR now changes the plan workflow: the plan is not read again, the check fails closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ files: [".github/workflows/plan.yml"] })]);
    mockRuns(mock.api, [planRun(4242)]);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    expect(writtenCheck(mock).output.title).toBe("The plan comes from a workflow this PR changes; a maintainer must review it");
  });

  test("a fork PR's head: its own run is a fork's, never read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ headRepo: "mallory/hello-world" })]);
    mockRuns(mock.api, [planRun(4260, { fork: "mallory/hello-world" })]);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("The plan comes from a fork's run: it is not read");
  });

  test.each([
    ["a check of that name made by another app (or a workflow)", { appId: 15368 }, CONFIG, [CALLS.identity]],
    ["immutable checks off", {}, "production:\n  branches: [master]\n", [CALLS.identity, CALLS.config]],
  ] as const)("%s: ignored, nothing written", async (_name, options, config, calls) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    if (calls.length > 1) mockConfig(mock.api, config);
    await probot.receive(rerequested(options));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual(calls);
  });

  test("the app's id cannot be learned: the Re-run is ignored (the check stays as it is)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub({ appLogin: false });
    mock.api.get("/app").reply(500, { message: "boom" });
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CALLS.identity]);
  });

  test.each([
    ["no longer the PR's head (a newer commit was pushed)", [pull({ headSha: "f".repeat(40) })]],
    ["the head of a PR into a branch that is not production", [pull({ baseRef: "develop" })]],
    ["the head of no open PR (merged)", []],
  ])("a commit that is %s: kept as it is, nothing written", async (_name, pulls) => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, pulls);
    await probot.receive(rerequested());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CALLS.identity, CALLS.config, CALLS.pulls]);
    expect(logs.some((line) => line.msg === "Re-run of the immutable check on a commit that is not the head of an open PR into a production branch: kept as it is")).toBe(true);
  });

  test("a check suite of no branch, and a PR GitHub lists with this commit as its head: the PR's branch is asked", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    mockRuns(mock.api, []);
    mock.api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
    await probot.receive(rerequested({ headBranch: null, listedPull: { ref: "bigger-web", sha: HEAD } }));
    expectAllCallsMade(mock);
    expect(writtenCheck(mock).conclusion).toBe("failure");
  });

  test("a check suite of no branch, and no PR listed with this commit as its head: kept as it is, no PR query", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    await probot.receive(rerequested({ headBranch: null, listedPull: { ref: "bigger-web", sha: "f".repeat(40) } }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CALLS.identity, CALLS.config]);
  });
});
