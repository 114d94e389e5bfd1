import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO, workflowRunEvent } from "../helpers/payloads.js";
import { bodies, callList } from "../helpers/github-replies.js";
import { withImmutableCheckLock } from "../../src/immutable/immutable-check-lock.js";
import { renderOverrideVerdict } from "../../src/overrides/override-verdict.js";
import { parseImmutableMemory } from "../../src/immutable/immutable-memory.js";
import { artifactZip } from "../helpers/scan-github.js";
import { planJson, type PlanEntry } from "../helpers/plans.js";
import { pullNode, type PullNodeOptions } from "../helpers/run-pull-nodes.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const HEAD = "0123456789abcdef0123456789abcdef01234567";
const OLD_HEAD = "fedcba9876543210fedcba9876543210fedcba98";
const RUN_ID = 4242;
const RUN_URL = `https://github.com/${REPO}/actions/runs/${RUN_ID}`;
const CHECK_NAME = "Pipeline Guard: immutable infrastructure";
const CONFIG = "production:\n  branches: [master]\nimmutable:\n  enabled: true\n  plan_workflow: plan.yml\n";
const REPORT_CONFIG = `mode: report\n${CONFIG}`;
const CONFIG_CALL = `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`;
/** The app's identity (login and id), asked once per process: not part of the budget. */
const IDENTITY_CALL = "GET /app";
const BUDGET_CALLS = ["POST /graphql", `GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts`, `GET /repos/${REPO}/actions/artifacts/55/zip`, `POST /repos/${REPO}/check-runs`];

const pull = (options: PullNodeOptions = {}) => pullNode(REPO, HEAD, options);

/** A completed `pull_request` run of plan.yml on the PR's head, in the repository itself unless `fork` is given. */
function planRun(options: { conclusion?: string; headSha?: string; fork?: string; referenced?: string[]; path?: string } = {}) {
  const event = workflowRunEvent({ event: "pull_request", path: options.path ?? ".github/workflows/plan.yml", headSha: options.headSha ?? HEAD, headBranch: "bigger-web", runId: RUN_ID, conclusion: options.conclusion });
  const run = event.payload.workflow_run as unknown as Record<string, unknown>;
  if (options.fork) run.head_repository = { ...(run.head_repository as object), id: 999, full_name: options.fork };
  if (options.referenced) run.referenced_workflows = options.referenced.map((path) => ({ path, sha: HEAD, ref: "refs/heads/main" }));
  return event;
}

function mockConfig(api: ReturnType<typeof mockGitHub>["api"], config = CONFIG) {
  api.get(CONFIG_PATH(REPO)).reply(200, config, RAW);
}

/** One check suite on the head, as GraphQL lists it: the app's (id 9000, the harness's `GET /app`) unless `appId` says otherwise. */
interface Suite {
  app: { databaseId: number };
  checkRuns: { nodes: Array<{ databaseId: number; conclusion: string; title: string; text: string | null }> };
}

/**
 * The PR query. With `suites` (the head's check suites), it answers like GitHub: the verdict part
 * holds only the suites of the app the query filters by (`filterBy: { appId }`), all of them when
 * the query does not filter.
 */
function mockPulls(api: ReturnType<typeof mockGitHub>["api"], pulls: ReturnType<typeof pull>[], suites: Suite[] = []) {
  api
    .post("/graphql", (body: { query: string; variables: Record<string, unknown> }) => body.query.includes("PipelineGuardRunPullRequests") && body.variables.branch === "bigger-web")
    .reply(200, (_uri, body) => {
      const { query, variables } = body as { query: string; variables: Record<string, unknown> };
      const filtered = /checkSuites\([^)]*filterBy:\s*\{\s*appId:\s*\$appId\s*\}/.test(query);
      const verdictCommit = variables.withVerdict ? { checkSuites: { nodes: suites.filter((suite) => !filtered || suite.app.databaseId === variables.appId) } } : undefined;
      return { data: { repository: { defaultBranchRef: { name: "master" }, pullRequests: { nodes: pulls }, ...(verdictCommit ? { verdictCommit } : {}) } } };
    });
}

function mockPlan(api: ReturnType<typeof mockGitHub>["api"], plan: string | Buffer | null) {
  const zip = plan === null ? null : typeof plan === "string" ? artifactZip({ "plan.json": plan }) : plan;
  api
    .get(`/repos/${REPO}/actions/runs/${RUN_ID}/artifacts`)
    .query(true)
    .reply(200, zip ? { total_count: 1, artifacts: [{ id: 55, name: "terraform-plan", size_in_bytes: zip.length, expired: false }] } : { total_count: 0, artifacts: [] });
  if (zip) api.get(`/repos/${REPO}/actions/artifacts/55/zip`).reply(200, zip, { "content-type": "application/zip" });
}

function mockCheck(api: ReturnType<typeof mockGitHub>["api"]) {
  api.post(`/repos/${REPO}/check-runs`).reply(201, { id: 1 });
}

/** The one check run written: name, head, conclusion and output. */
function writtenCheck(mock: ReturnType<typeof mockGitHub>) {
  const check = bodies(mock.requests).at(-1) as { name: string; head_sha: string; status: string; conclusion: string; output: { title: string; summary: string } };
  expect(check.name).toBe(CHECK_NAME);
  expect(check.head_sha).toBe(HEAD);
  expect(check.status).toBe("completed");
  return check;
}

/**
 * The whole judgement of one plan: config, the app's identity (once per process), PR (with the
 * head's verdict, here none), artifacts, download, check.
 */
async function judgePlan(entries: PlanEntry[], config = CONFIG) {
  const { probot } = createTestApp();
  const mock = mockGitHub();
  mockConfig(mock.api, config);
  mockPulls(mock.api, [pull()]);
  mockPlan(mock.api, planJson(entries));
  mockCheck(mock.api);
  await probot.receive(planRun());
  expectAllCallsMade(mock);
  // The budget: at most 4 calls to read and judge one plan (runs → PR, artifacts, download, check run), besides the configuration.
  expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]);
  const [query] = bodies(mock.requests).filter((b): b is { variables: Record<string, unknown> } => typeof b === "object" && b !== null && "variables" in b);
  expect(query?.variables).toMatchObject({ branch: "bigger-web", sha: HEAD, appId: 9000, checkName: "Pipeline Guard", withVerdict: true });
  return writtenCheck(mock);
}

describe("Pipeline Guard: immutable infrastructure, on a PR's plan run", () => {
  test("an in-place update of a matching resource fails, naming the address and the changed attribute names, never values", async () => {
    const check = await judgePlan([{ address: "aws_instance.web", actions: ["update"], before: { instance_type: "t3.small", user_data: "s3cr3t-old" }, after: { instance_type: "t3.medium", user_data: "s3cr3t-new" } }]);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("`aws_instance.web` would be patched in place");
    expect(check.output.summary).toContain("- `aws_instance.web` would be **updated in place** (patched while it runs). Changed attributes: `instance_type`, `user_data`.");
    expect(check.output.summary).toContain("`terraform apply -replace=aws_instance.web`");
    expect(check.output.summary).toContain("`/pipeline-guard replace aws_instance.web`");
    expect(check.output.summary).toContain(RUN_URL);
    expect(JSON.stringify(check)).not.toMatch(/t3\.small|t3\.medium|s3cr3t/);
  });

  test("a replacement that destroys first fails, with the lifecycle block to add", async () => {
    const check = await judgePlan([{ address: "aws_instance.web", actions: ["delete", "create"], replacePaths: [["ami"]] }]);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("`aws_instance.web` would be destroyed before its replacement");
    expect(check.output.summary).toContain("would be **destroyed before its replacement is created**");
    expect(check.output.summary).toContain("  ```hcl\n  lifecycle {\n    create_before_destroy = true\n  }\n  ```");
  });

  test("a replacement that creates first passes, saying how many resources were checked", async () => {
    const check = await judgePlan([
      { address: "aws_instance.web", actions: ["create", "delete"] },
      { address: "aws_security_group.web", actions: ["no-op"] },
      { address: "data.aws_ami.ubuntu", actions: ["read"] },
    ]);
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("No immutable resource is patched in place: 2 resources checked, 1 of them immutable (`immutable.resources`)");
  });

  test("a resource that does not match, updated in place, passes", async () => {
    const check = await judgePlan([{ address: "aws_security_group.web", actions: ["update"] }]);
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("No immutable resource is patched in place: 1 resource checked, 0 of them immutable (`immutable.resources`)");
  });

  test("a module's instance updated in place fails under its full address", async () => {
    const check = await judgePlan([{ address: "module.db.aws_instance.this[0]", actions: ["update"] }]);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("`module.db.aws_instance.this[0]` would be patched in place");
    expect(check.output.summary).toContain("`terraform apply -replace='module.db.aws_instance.this[0]'`");
  });

  test("a resource that is only deleted passes", async () => {
    const check = await judgePlan([{ address: "aws_instance.web", actions: ["delete"] }]);
    expect(check.conclusion).toBe("success");
  });

  test("several findings: one title that counts them, each listed", async () => {
    const check = await judgePlan([
      { address: "aws_instance.web", actions: ["update"] },
      { address: "aws_launch_template.web", actions: ["delete", "create"] },
    ]);
    expect(check.output.title).toBe("2 immutable resources would be patched in place or destroyed first");
    expect(check.output.summary).toContain("`aws_instance.web`");
    expect(check.output.summary).toContain("`aws_launch_template.web`");
  });

  test("report mode: a finding ends neutral and says what enforce mode would do", async () => {
    const check = await judgePlan([{ address: "aws_instance.web", actions: ["update"] }], REPORT_CONFIG);
    expect(check.conclusion).toBe("neutral");
    expect(check.output.summary).toContain("Report mode: this check ends neutral; in enforce mode it would fail.");
  });

  test("an incomplete plan (-target) fails: its silence proves nothing", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    mockPlan(mock.api, planJson([{ address: "aws_security_group.web", actions: ["update"] }], { complete: false }));
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("The plan is incomplete: immutable resources cannot be checked");
  });

  describe("a plan that cannot be judged: failure in enforce mode, neutral in report mode, saying which", () => {
    test.each([
      ["a failed run", { conclusion: "failure" }, null, "The plan workflow's run ended failure: nothing was checked", [CONFIG_CALL, IDENTITY_CALL, "POST /graphql", `POST /repos/${REPO}/check-runs`]],
      ["a missing artifact", {}, null, "The plan workflow's run has no artifact `terraform-plan`: nothing was checked", [CONFIG_CALL, IDENTITY_CALL, "POST /graphql", `GET /repos/${REPO}/actions/runs/${RUN_ID}/artifacts`, `POST /repos/${REPO}/check-runs`]],
      ["an unreadable plan", {}, "{not json", "The plan could not be read: nothing was checked", [CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]],
      ["a plan nested too deep", {}, "[".repeat(70), "The plan could not be read: nothing was checked", [CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]],
    ] as const)("%s", async (_name, runOptions, plan, title, calls) => {
      for (const [config, conclusion] of [[CONFIG, "failure"], [REPORT_CONFIG, "neutral"]] as const) {
        forgetAllConfigs();
        const { probot } = createTestApp();
        const mock = mockGitHub();
        mockConfig(mock.api, config);
        mockPulls(mock.api, [pull()]);
        if (!("conclusion" in runOptions)) mockPlan(mock.api, plan);
        mockCheck(mock.api);
        await probot.receive(planRun(runOptions));
        expectAllCallsMade(mock);
        expect(callList(mock.requests)).toEqual(calls);
        const check = writtenCheck(mock);
        expect(check.conclusion).toBe(conclusion);
        expect(check.output.title).toBe(title);
      }
    });

    test("an error of GitHub's while reading the artifacts: the check still completes, failing", async () => {
      const { probot } = createTestApp();
      const mock = mockGitHub();
      mockConfig(mock.api);
      mockPulls(mock.api, [pull()]);
      mock.api.get(`/repos/${REPO}/actions/runs/${RUN_ID}/artifacts`).query(true).reply(502, { message: "Bad gateway" });
      mockCheck(mock.api);
      await probot.receive(planRun());
      expectAllCallsMade(mock);
      const check = writtenCheck(mock);
      expect(check.conclusion).toBe("failure");
      expect(check.output.title).toBe("Could not be checked");
      expect(check.output.summary).toContain("HTTP 502");
    });
  });

  test("the PR changes the plan workflow file: fails closed without downloading the plan", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ files: ["main.tf", ".github/workflows/plan.yml"] })]);
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, "POST /graphql", `POST /repos/${REPO}/check-runs`]);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("The plan comes from a workflow this PR changes; a maintainer must review it");
    expect(check.output.summary).toContain("This PR changes `.github/workflows/plan.yml`, which made the plan");
  });

  test("the PR changes a reusable workflow of this repository that the plan workflow calls: fails closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ files: [".github/workflows/terraform.yml"] })]);
    mockCheck(mock.api);
    await probot.receive(planRun({ referenced: [`${REPO}/.github/workflows/terraform.yml@refs/heads/main`, "hashicorp/actions/.github/workflows/x.yml@v1"] }));
    expectAllCallsMade(mock);
    expect(writtenCheck(mock).output.summary).toContain("This PR changes `.github/workflows/terraform.yml`");
  });

  test("a PR of more files than one call lists, none of them the workflow: fails closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ files: Array.from({ length: 100 }, (_, i) => `modules/m${i}.tf`), changedFiles: 240 })]);
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("The plan comes from a workflow this PR may change; a maintainer must review it");
  });

  test("a fork PR's run: its plan is never downloaded, and the check fails closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ headRepo: "mallory/Hello-World", isCrossRepository: true })]);
    mockCheck(mock.api);
    await probot.receive(planRun({ fork: "mallory/Hello-World" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, "POST /graphql", `POST /repos/${REPO}/check-runs`]);
    const check = writtenCheck(mock);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("The plan comes from a fork's run: it is not read");
    expect(check.output.summary).toContain("`mallory/Hello-World`");
  });

  test("a fork's run on the same commit as this repository's PR is not that PR's plan: nothing is written", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    await probot.receive(planRun({ fork: "mallory/Hello-World" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, "POST /graphql"]);
  });

  test("a run for a SHA that is no longer the PR's head is ignored: no artifact read, no check", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    await probot.receive(planRun({ headSha: OLD_HEAD }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, "POST /graphql"]);
    expect(logs.some((line) => line.msg === "plan run for a commit that is no longer the PR's head: ignored")).toBe(true);
  });

  test("a PR into a branch that is not production: nothing is written", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull({ baseRef: "develop" })]);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, "POST /graphql"]);
  });

  test.each([
    ["immutable off (the default)", "production:\n  branches: [master]\n", {}],
    ["another workflow's run", CONFIG, { path: ".github/workflows/ci.yml" }],
  ] as const)("%s: the configuration read only", async (_name, config, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api, config);
    await probot.receive(planRun(options));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL]);
  });
});

describe("an allowed [emergency-deploy] override defers the immutable rule (issue #13)", () => {
  /** The app's `Pipeline Guard` check run on the head, as the PR's evaluation writes it and GraphQL lists it. */
  function verdictRun(params: { allowed?: string[]; pr?: number; head?: string; conclusion?: string; title?: string; text?: string | null; id?: number } = {}) {
    const allowed = params.allowed ?? ["emergency-deploy"];
    return {
      databaseId: params.id ?? 1,
      conclusion: params.conclusion ?? "SUCCESS",
      title: params.title ?? `Override allowed: ${allowed.join(", ")}`,
      text: params.text === undefined ? renderOverrideVerdict({ pr: params.pr ?? 12, head: params.head ?? HEAD, allowed }) : params.text,
    };
  }

  function suite(runs: ReturnType<typeof verdictRun>[], appId = 9000): Suite {
    return { app: { databaseId: appId }, checkRuns: { nodes: runs } };
  }

  async function judgeWithVerdict(suites: Suite[]) {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()], suites);
    mockPlan(mock.api, planJson([{ address: "aws_instance.web", actions: ["update"] }, { address: "aws_launch_template.web", actions: ["delete", "create"] }]));
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    // The budget holds with deferrable findings too: the verdict comes with the PR, in the same call.
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]);
    return writtenCheck(mock) as ReturnType<typeof writtenCheck> & { output: { text?: string } };
  }

  test("the head's allowed [emergency-deploy] verdict: success in 4 calls, each address to replace through the pipeline, and the findings remembered", async () => {
    const check = await judgeWithVerdict([suite([verdictRun()])]);
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("Deferred by an allowed [emergency-deploy] override: 2 immutable resources to replace through the pipeline");
    expect(check.output.summary).toContain('the override\'s follow-up issue gets one box per resource below: "replace `ADDRESS` through the pipeline"');
    expect(check.output.summary).toContain("- `aws_instance.web` would be **updated in place**");
    expect(check.output.summary).toContain("- `aws_launch_template.web` would be **destroyed before its replacement is created**");
    const memory = parseImmutableMemory(check.output.text, { pr: 12, head: HEAD });
    expect(memory).toMatchObject({ deferred: true, runUrl: RUN_URL, findings: [{ address: "aws_instance.web", kind: "update" }, { address: "aws_launch_template.web", kind: "destroy-first" }] });
  });

  test("the newest of the app's verdicts counts: an older allowed one does not defer once a newer one is not allowed", async () => {
    const check = await judgeWithVerdict([suite([verdictRun({ id: 1 })]), suite([verdictRun({ id: 2, conclusion: "FAILURE", title: "Override not allowed", text: "" })])]);
    expect(check.conclusion).toBe("failure");
  });

  test.each([
    ["no check of the app's on the head yet", []],
    ["an allowed override without [emergency-deploy]", [suite([verdictRun({ allowed: ["skip-tests"] })])]],
    ["an override that is not allowed", [suite([verdictRun({ conclusion: "FAILURE", title: "Override not allowed: emergency-deploy (1 requirement unmet)", text: "" })])]],
    ["a verdict about another PR", [suite([verdictRun({ pr: 13 })])]],
    ["a verdict about another head", [suite([verdictRun({ head: OLD_HEAD })])]],
    ["a check that could not check", [suite([verdictRun({ title: "Could not be checked" })])]],
    ["an allowed title without the app's verdict block", [suite([verdictRun({ text: null })])]],
  ])("%s: nothing is deferred, the check fails and remembers its findings", async (_name, suites) => {
    const check = await judgeWithVerdict(suites);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("2 immutable resources would be patched in place or destroyed first");
    expect(parseImmutableMemory(check.output.text, { pr: 12, head: HEAD })).toMatchObject({ deferred: false });
  });

  test("a `Pipeline Guard` check run of another app (or a workflow's) with a forged verdict block defers nothing: only the app's own suites are asked for", async () => {
    const check = await judgeWithVerdict([suite([verdictRun({ id: 7 })], 15368)]);
    expect(check.conclusion).toBe("failure");
    expect(parseImmutableMemory(check.output.text, { pr: 12, head: HEAD })).toMatchObject({ deferred: false });
  });

  test("the plan run holds the head's immutable check lock from before its verdict read to its write: an evaluation's follow-up of a new verdict waits", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()], [suite([verdictRun()])]);
    mockPlan(mock.api, planJson([{ address: "aws_instance.web", actions: ["update"] }]));
    mockCheck(mock.api);
    let received: Promise<void> | undefined;
    await withImmutableCheckLock({ owner: "Codertocat", repo: "Hello-World" }, HEAD, async () => {
      received = probot.receive(planRun());
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(callList(mock.requests)).toEqual([CONFIG_CALL]);
    });
    await received;
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]);
  });

  test("the app's id cannot be learned: the verdict is not asked for, and nothing is deferred", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub({ appLogin: false });
    mock.api.get("/app").reply(500, { message: "boom" });
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()], [suite([verdictRun()])]);
    mockPlan(mock.api, planJson([{ address: "aws_instance.web", actions: ["update"] }]));
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    const query = bodies(mock.requests).find((b) => typeof b === "object" && b !== null && "variables" in b) as { variables: Record<string, unknown> };
    expect(query.variables.withVerdict).toBe(false);
    expect(writtenCheck(mock).conclusion).toBe("failure");
    expect(logs.some((line) => line.msg === "the PR's verdict was not read (the app's id is unknown): the immutable check is not deferred")).toBe(true);
  });

  test("an incomplete plan is never deferred, and costs no verdict read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mockConfig(mock.api);
    mockPulls(mock.api, [pull()]);
    mockPlan(mock.api, planJson([{ address: "aws_instance.web", actions: ["update"] }], { complete: false }));
    mockCheck(mock.api);
    await probot.receive(planRun());
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, IDENTITY_CALL, ...BUDGET_CALLS]);
    expect(writtenCheck(mock).conclusion).toBe("failure");
  });
});
