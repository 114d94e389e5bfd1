import type nock from "nock";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { planEntry } from "../helpers/plans.js";
import {
  DEFAULT_OPTIONS,
  DRIFT_LABEL,
  NOW,
  REPO_PATH,
  activityReply,
  artifactZip,
  bodyOf,
  calls,
  classicProtection,
  commitNode,
  driftState,
  gateway,
  issue,
  loadedConfig,
  mockScanReads,
  quietReport,
  reportBody,
  terraformFixture,
  withDeclaredSize,
  writes,
  type Json, stateOf } from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const TERRAFORM = { drift: { terraform: { workflow: "drift.yml" } } };
const RUN_URL = "https://github.com/octo-org/octo-repo/actions/runs/777";
const RUN_SHA = "acb5820ced9479c074f688cc328bf03f341a511d";
/** A commit of master older than the 30 days the scan reads. */
const OLD_SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
/** A commit that is not on master (a tag, another branch). */
const ELSEWHERE_SHA = "feedfacefeedfacefeedfacefeedfacefeedface";
const REPOSITORY = { id: 1296269, name: "octo-repo", full_name: "octo-org/octo-repo" };
const FORK = { id: 8675309, name: "octo-repo", full_name: "mallory/octo-repo" };

/** A run as the workflow-runs listing gives it: by default the scheduled run of master's head. */
function run(changes: Json = {}): Json {
  return {
    id: 777,
    name: "drift",
    head_branch: "master",
    head_sha: RUN_SHA,
    event: "schedule",
    status: "completed",
    conclusion: "success",
    html_url: RUN_URL,
    created_at: "2026-03-10T05:00:00Z",
    updated_at: "2026-03-10T05:04:00Z",
    repository: REPOSITORY,
    head_repository: REPOSITORY,
    ...changes,
  };
}

/** The scan's history of master: it holds the run's commit (a merged PR without markers, which needs no record). */
const ACTIVITY = activityReply({ history: [commitNode({ sha: RUN_SHA, pr: { number: 12, title: "Bump the provider" } })] });

function mockRuns(api: nock.Scope, runs: Json[]) {
  api
    .get(`${REPO_PATH}/actions/workflows/drift.yml/runs`)
    .query({ branch: "master", status: "completed", exclude_pull_requests: "true", per_page: "30" })
    .reply(200, { total_count: runs.length, workflow_runs: runs });
}

/**
 * The reads of the plan: the page of completed runs, then for the run read (`readRun`, 777 by
 * default; none when null) its artifacts and the download (answered as the redirect target would be).
 */
function mockPlan(api: nock.Scope, params: { runs?: Json[]; readRun?: number | null; sizeInBytes?: number; zip?: Buffer | null }) {
  const runs = params.runs ?? [run()];
  mockRuns(api, runs);
  const readRun = params.readRun === undefined ? (runs.length > 0 ? 777 : null) : params.readRun;
  if (readRun === null || runs.find((r) => r.id === readRun)?.conclusion !== "success") return;
  const zip = params.zip ?? null;
  api
    .get(`${REPO_PATH}/actions/runs/${readRun}/artifacts`)
    .query({ name: "terraform-plan", per_page: "10" })
    .reply(200, { total_count: 1, artifacts: [{ id: 55, name: "terraform-plan", size_in_bytes: params.sizeInBytes ?? zip?.length ?? 0, expired: false }] });
  if (zip) api.get(`${REPO_PATH}/actions/artifacts/55/zip`).reply(200, zip, { "content-type": "application/zip" });
}

function mockCompare(api: nock.Scope, sha: string, status: "behind" | "identical" | "diverged" | "ahead") {
  api
    .get(`${REPO_PATH}/compare/master...${sha}`)
    .query({ per_page: "1" })
    .reply(200, { status, ahead_by: status === "diverged" || status === "ahead" ? 1 : 0, behind_by: status === "behind" || status === "diverged" ? 3 : 0, total_commits: 0, commits: [], files: [] });
}

const planZip = (fixture: string) => artifactZip({ "plan.json": terraformFixture(fixture) });

/** A scan that creates the report: returns its body. */
async function scanCreating(params: {
  runs?: Json[];
  readRun?: number | null;
  sizeInBytes?: number;
  zip?: Buffer | null;
  config?: Json;
  compare?: { sha: string; status: "behind" | "identical" | "diverged" | "ahead" };
  protection?: Json;
}): Promise<{ body: string; summary: Awaited<ReturnType<typeof scanRepository>>; requests: ReturnType<typeof mockGitHub>["requests"] }> {
  const mock = mockGitHub();
  mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY, protection: params.protection });
  mockPlan(mock.api, params);
  if (params.compare) mockCompare(mock.api, params.compare.sha, params.compare.status);
  mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
  const summary = await scanRepository(gateway().gw, loadedConfig(params.config ?? TERRAFORM), DEFAULT_OPTIONS);
  expectAllCallsMade(mock);
  return { body: bodyOf(writes(mock.requests)[0]).body, summary, requests: mock.requests };
}

describe("infrastructure drift from the Terraform plan artifact", () => {
  test("a plan without changes: 3 calls more than the budget (run, artifacts, download), no write", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY });
    mockPlan(mock.api, { zip: planZip("plan.no-op.json") });

    const summary = await scanRepository(gateway().gw, loadedConfig(TERRAFORM), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(8);
    expect(calls(mock.requests).slice(5)).toEqual([
      `GET ${REPO_PATH}/actions/workflows/drift.yml/runs`,
      `GET ${REPO_PATH}/actions/runs/777/artifacts`,
      `GET ${REPO_PATH}/actions/artifacts/55/zip`,
    ]);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.open).toBe(0);
  });

  test("resource_drift entries become terraform:<address> items, with the attribute names and the replace command", async () => {
    const { body, summary, requests } = await scanCreating({ zip: planZip("plan.drift.json") });
    expect(summary.newItems).toEqual(["terraform:aws_security_group.app"]);
    expect(body).toContain("## Infrastructure (Terraform)");
    expect(body).toContain("- **`aws_security_group.app` drifted (update)**");
    expect(body).toContain("  - Changed outside Terraform: the refreshed object differs from the last applied state.");
    expect(body).toMatch(/ {2}- Changed attributes: .*`ingress`.*`tags.HotfixedBy`/);
    expect(body).toContain("`/pipeline-guard replace aws_security_group.app`");
    expect(bodyOf(writes(requests)[1]).body).toContain("- `aws_security_group.app` drifted (update) (`terraform:aws_security_group.app`)");
  });

  test("with immutable on, drift of an immutable resource is a snowflake, listed first with the replace command as its fix", async () => {
    const plan = JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      resource_drift: [planEntry({ address: "aws_security_group.app", actions: ["update"] }), planEntry({ address: "aws_instance.web", actions: ["update"] })],
    });
    const { body, summary } = await scanCreating({ zip: artifactZip({ "plan.json": plan }), config: { ...TERRAFORM, immutable: { enabled: true } } });
    expect(summary.newItems).toEqual(["terraform:aws_instance.web", "terraform:aws_security_group.app"]);
    const snowflake = body.indexOf("- **`aws_instance.web` is a snowflake: an immutable resource changed by hand**");
    expect(snowflake).toBeGreaterThan(body.indexOf("## Infrastructure (Terraform)"));
    expect(snowflake).toBeLessThan(body.indexOf("- **`aws_security_group.app` drifted (update)**"));
    expect(body).toContain("Replace it through the pipeline: `/pipeline-guard replace aws_instance.web`.");
  });

  test("replacements of several resources, one item each", async () => {
    const { summary, body } = await scanCreating({ zip: planZip("plan.replace.json") });
    expect(summary.newItems).toEqual(["terraform:aws_instance.prod_db", "terraform:module.edge.aws_lb.this[0]"]);
    expect(body).toContain("- **`aws_instance.prod_db` must be replaced**");
  });

  test("sensitive values of the plan never reach the report or the comment", async () => {
    const { body, requests } = await scanCreating({ zip: planZip("plan.sensitive.json") });
    expect(body).toContain("`aws_db_instance.main` would be updated in place");
    expect(body).toContain("`password` (sensitive)");
    for (const text of [body, bodyOf(writes(requests)[1]).body]) {
      for (const secret of ["Hunter", "tok-", "Secret", "prod-main.internal"]) expect(text).not.toContain(secret);
    }
  });

  test("a run older than max_age_hours adds terraform:stale", async () => {
    const { summary, body } = await scanCreating({ runs: [run({ updated_at: "2026-03-09T05:00:00Z" })], zip: planZip("plan.no-op.json") });
    expect(summary.newItems).toEqual(["terraform:stale"]);
    expect(body).toContain("- **The newest plan is 31 h old (more than 26 h): it may not show today's drift**");
    expect(body).toContain(`  - run: ${RUN_URL}`);
  });

  test("max_age_hours is the config's", async () => {
    const config = { drift: { terraform: { workflow: "drift.yml", max_age_hours: 48 } } };
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY });
    mockPlan(mock.api, { runs: [run({ updated_at: "2026-03-09T05:00:00Z" })], zip: planZip("plan.no-op.json") });
    expect((await scanRepository(gateway().gw, loadedConfig(config), DEFAULT_OPTIONS)).open).toBe(0);
    expectAllCallsMade(mock);
  });

  test("no completed run is an item (1 call)", async () => {
    const { summary, body, requests } = await scanCreating({ runs: [] });
    expect(calls(requests).filter((c) => c.includes("/actions/"))).toHaveLength(1);
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **No completed run of `drift.yml` on `master`: infrastructure drift is not checked**");
    expect(body).toContain("  - How to fix: Run `drift.yml` on `master` (it must upload the artifact `terraform-plan` holding `plan.json`).");
  });

  test("a failed run is an item", async () => {
    const { summary, body } = await scanCreating({ runs: [run({ conclusion: "failure" })] });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The newest run of `drift.yml` ended failure**");
  });

  test("an artifact declared at 50 MB is refused before download (no download call)", async () => {
    const { summary, body, requests } = await scanCreating({ sizeInBytes: 50 * 1024 * 1024 });
    expect(calls(requests).some((c) => c.endsWith("/zip"))).toBe(false);
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The plan artifact `terraform-plan` is 50 MB, more than the 8 MB read: too large to read**");
  });

  test("a zip without the file is an item", async () => {
    const { summary, body } = await scanCreating({ zip: artifactZip({ "tfplan.binary": "x" }) });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The artifact `terraform-plan` holds no `plan.json`**");
  });

  test("a zip bomb (50 MB zero-filled plan.json in ~50 KB, declared 50 MB) is refused with an item", async () => {
    const bomb = artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024) });
    const { summary, body } = await scanCreating({ zip: bomb });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The plan file `plan.json` is 50 MB, more than the 6 MB read: too large to read**");
  });

  test("a zip whose declared size lies (100 bytes) is refused once inflating passes it: an item", async () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": terraformFixture("plan.sensitive.json").repeat(2_000) }), 100);
    const { summary, body } = await scanCreating({ zip: lying });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The artifact `terraform-plan` could not be read: too many bytes in the stream. expected 100. got at least ");
    expect(body).not.toContain("Hunter");
  });

  test("a plan of another format_version is an item", async () => {
    const { body } = await scanCreating({ zip: planZip("plan.format-2.json") });
    expect(body).toContain("- **The plan could not be read: unsupported plan format\\_version 2.0**");
  });

  test("truncated JSON is an item that quotes none of the plan", async () => {
    const text = terraformFixture("plan.sensitive.json");
    const { body } = await scanCreating({ zip: artifactZip({ "plan.json": text.slice(0, text.indexOf("Old-Hunter2") + 5) }) });
    expect(body).toContain("- **The plan could not be read: plan JSON could not be parsed: ");
    expect(body).not.toContain("Hunter");
  });

  test("a download that is not a zip is an item; the rest of the scan goes on", async () => {
    const { summary, body } = await scanCreating({ zip: Buffer.from("<?xml version=\"1.0\"?><Error><Code>AuthenticationFailed</Code></Error>") });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The artifact `terraform-plan` could not be read: End of central directory record signature not found. Either not a zip file, or file is truncated.**");
  });

  test("a workflow that cannot be read (404) is a scan item; earlier Terraform items keep their first-seen times", async () => {
    const mock = mockGitHub();
    const firstSeen = "2026-03-02T00:00:00.000Z";
    const state = driftState({ items: { "terraform:aws_instance.web": { firstSeen } } });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state, "**1 open drift item**"), labels: [DRIFT_LABEL] })], activity: ACTIVITY });
    mock.api.get(`${REPO_PATH}/actions/workflows/drift.yml/runs`).query(true).reply(404, { message: "Not Found" });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(TERRAFORM), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["scan:terraform"]);
    const body: string = bodyOf(writes(mock.requests)[0]).body;
    expect(body).toContain("- **The Terraform plan could not be read (404)**");
    expect(stateOf(body).items).toEqual({ "scan:terraform": { firstSeen: NOW.toISOString() }, "terraform:aws_instance.web": { firstSeen } });
  });

  test("an incomplete (targeted) plan keeps the earlier Terraform items and their acceptances: its silence proves nothing (before: they were resolved)", async () => {
    const mock = mockGitHub();
    const firstSeen = "2026-03-02T00:00:00.000Z";
    const acceptance = { by: "octo-lead", reason: "vendor hotfix, tracked in OPS-12", until: null, at: "2026-03-03T09:15:00.000Z" };
    const state = driftState({
      items: { "terraform:aws_db_instance.main": { firstSeen }, "terraform:aws_s3_bucket.logs": { firstSeen } },
      accepted: { "terraform:aws_s3_bucket.logs": acceptance },
    });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state, "**1 open drift item**"), labels: [DRIFT_LABEL] })], activity: ACTIVITY });
    mockPlan(mock.api, { zip: planZip("plan.targeted.json") });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(TERRAFORM), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toContain("terraform:incomplete");
    const after = stateOf(bodyOf(writes(mock.requests)[0]).body);
    expect(after.items["terraform:aws_db_instance.main"]).toEqual({ firstSeen });
    expect(after.items["terraform:aws_s3_bucket.logs"]).toEqual({ firstSeen });
    expect(after.accepted).toEqual({ "terraform:aws_s3_bucket.logs": acceptance });
    const comment: string = bodyOf(writes(mock.requests)[1]).body;
    expect(comment).not.toContain("aws_db_instance.main");
  });

  test("dispatch: true dispatches the workflow on the branch after reading the newest run", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY });
    mockPlan(mock.api, { zip: planZip("plan.no-op.json") });
    mock.api.post(`${REPO_PATH}/actions/workflows/drift.yml/dispatches`).reply(204);

    await scanRepository(gateway().gw, loadedConfig({ drift: { terraform: { workflow: "drift.yml", dispatch: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(9);
    const [dispatch] = writes(mock.requests);
    expect(calls([dispatch!])).toEqual([`POST ${REPO_PATH}/actions/workflows/drift.yml/dispatches`]);
    expect(bodyOf(dispatch)).toMatchObject({ ref: "master" });
    expect(Object.keys(bodyOf(dispatch).inputs ?? {})).toEqual([]);
  });

  test("a dispatch GitHub refuses is logged, and the scan still completes", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY });
    mockPlan(mock.api, { zip: planZip("plan.no-op.json") });
    mock.api.post(`${REPO_PATH}/actions/workflows/drift.yml/dispatches`).reply(403, { message: "Resource not accessible by integration" });
    const { gw, logs } = gateway();

    const summary = await scanRepository(gw, loadedConfig({ drift: { terraform: { workflow: "drift.yml", dispatch: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.report).toBe("unchanged");
    expect(logs.some((l) => l.level === 40 && l.msg.includes("could not be dispatched"))).toBe(true);
  });
});

describe("only trusted runs feed the scan (SPEC section 10 rule 8)", () => {
  test("a fork's PR run on a head branch named master, newer than the trusted run: the trusted run's plan is read (before: the fork's empty plan silenced all drift)", async () => {
    const forkRun = run({ id: 901, event: "pull_request", head_repository: FORK, head_sha: ELSEWHERE_SHA, html_url: "https://github.com/octo-org/octo-repo/actions/runs/901" });
    const { summary, requests } = await scanCreating({ runs: [forkRun, run()], zip: planZip("plan.drift.json") });
    expect(summary.newItems).toEqual(["terraform:aws_security_group.app"]);
    expect(calls(requests).filter((c) => c.includes("/actions/"))).toEqual([
      `GET ${REPO_PATH}/actions/workflows/drift.yml/runs`,
      `GET ${REPO_PATH}/actions/runs/777/artifacts`,
      `GET ${REPO_PATH}/actions/artifacts/55/zip`,
    ]);
  });

  test("a pull_request run of this repository on a branch named master is ignored: no trusted run is an item that says so (before: it was read)", async () => {
    const prRun = run({ id: 902, event: "pull_request", html_url: "https://github.com/octo-org/octo-repo/actions/runs/902" });
    const { summary, body, requests } = await scanCreating({ runs: [prRun], readRun: null });
    expect(calls(requests).filter((c) => c.includes("/actions/") || c.includes("/compare/"))).toEqual([`GET ${REPO_PATH}/actions/workflows/drift.yml/runs`]);
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **No completed run of `drift.yml` on `master`: infrastructure drift is not checked (1 untrusted run skipped)**");
    expect(body).toContain(
      "  - A plan counts only from a run of this repository (not a fork), triggered by `schedule`, `workflow_dispatch` or `push`, on a commit of `master`; a pull request's run never does.",
    );
    expect(body).toContain("  - skipped: https://github.com/octo-org/octo-repo/actions/runs/902 (triggered by `pull_request`)");
  });

  test("a dispatched run on a commit that is not on master is ignored; the older trusted run is read (one compare call)", async () => {
    const elsewhere = run({ id: 903, event: "workflow_dispatch", head_sha: ELSEWHERE_SHA });
    const { summary, requests } = await scanCreating({ runs: [elsewhere, run()], zip: planZip("plan.drift.json"), compare: { sha: ELSEWHERE_SHA, status: "diverged" } });
    expect(summary.newItems).toEqual(["terraform:aws_security_group.app"]);
    expect(calls(requests).filter((c) => c.includes("/actions/") || c.includes("/compare/"))).toEqual([
      `GET ${REPO_PATH}/actions/workflows/drift.yml/runs`,
      `GET ${REPO_PATH}/compare/master...${ELSEWHERE_SHA}`,
      `GET ${REPO_PATH}/actions/runs/777/artifacts`,
      `GET ${REPO_PATH}/actions/artifacts/55/zip`,
    ]);
  });

  test("only untrusted runs, one of each kind: the item lists each and why", async () => {
    const runs = [
      run({ id: 904, event: "pull_request", head_repository: FORK, html_url: "https://github.com/octo-org/octo-repo/actions/runs/904" }),
      run({ id: 905, head_branch: "release`x", html_url: "https://github.com/octo-org/octo-repo/actions/runs/905" }),
      run({ id: 906, event: "push", head_sha: ELSEWHERE_SHA, html_url: "https://github.com/octo-org/octo-repo/actions/runs/906" }),
    ];
    const { body } = await scanCreating({ runs, readRun: null, compare: { sha: ELSEWHERE_SHA, status: "ahead" } });
    expect(body).toContain("(3 untrusted runs skipped)**");
    expect(body).toContain("  - skipped: https://github.com/octo-org/octo-repo/actions/runs/904 (from a fork)");
    expect(body).toContain("  - skipped: https://github.com/octo-org/octo-repo/actions/runs/905 (on release\\`x)");
    expect(body).toContain("  - skipped: https://github.com/octo-org/octo-repo/actions/runs/906 (its commit `feedfacefeed` is not on `master`)");
  });

  test("a trusted run on a commit older than the history the scan read: one compare call more (4), then read", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: ACTIVITY });
    mockPlan(mock.api, { runs: [run({ head_sha: OLD_SHA })], zip: planZip("plan.no-op.json") });
    mockCompare(mock.api, OLD_SHA, "behind");

    const summary = await scanRepository(gateway().gw, loadedConfig(TERRAFORM), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(9);
    expect(summary.open).toBe(0);
  });
});

describe("reading a plan is bounded, and a plan that passes a bound is an item, never a failed scan (SPEC section 10 rule 8)", () => {
  /** A plan whose one update changes a value nested `levels` deep (5 levels of plan around it). */
  function deepPlan(levels: number): string {
    const value = (leaf: number) => `${'{"a":'.repeat(levels - 5)}${leaf}${"}".repeat(levels - 5)}`;
    return `{"format_version":"1.2","resource_changes":[{"address":"aws_instance.web","change":{"actions":["update"],"before":{"x":${value(1)}},"after":{"x":${value(2)}},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}]}`;
  }

  test("a plan nested 5,000 levels deep is an unreadable item; the rest of the scan is done and reported (before: RangeError failed the whole scan)", async () => {
    const { summary, body } = await scanCreating({ zip: artifactZip({ "plan.json": deepPlan(5_000) }), protection: classicProtection({ enforceAdmins: false }) });
    expect(summary.newItems).toEqual(["protection:master:enforce_admins", "terraform:workflow"]);
    expect(body).toContain("- **The plan could not be read: plan JSON nests deeper than 64 levels**");
  });

  test("64 levels are read, 65 are an unreadable item", async () => {
    expect((await scanCreating({ zip: artifactZip({ "plan.json": deepPlan(64) }) })).summary.newItems).toEqual(["terraform:aws_instance.web"]);
    const { body } = await scanCreating({ zip: artifactZip({ "plan.json": deepPlan(65) }) });
    expect(body).toContain("- **The plan could not be read: plan JSON nests deeper than 64 levels**");
  });

  test("an artifact with two plan.json is an unreadable item (before: both were inflated and the first taken)", async () => {
    const { summary, body } = await scanCreating({ zip: artifactZip({ "a/plan.json": terraformFixture("plan.no-op.json"), "b/plan.json": terraformFixture("plan.drift.json") }) });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The artifact `terraform-plan` could not be read: it holds more than one plan.json**");
  });
});
