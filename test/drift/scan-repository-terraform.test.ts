import type nock from "nock";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import {
  DEFAULT_OPTIONS,
  DRIFT_LABEL,
  NOW,
  REPO_PATH,
  artifactZip,
  bodyOf,
  calls,
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

function run(changes: Json = {}): Json {
  return {
    id: 777,
    name: "drift",
    head_branch: "master",
    head_sha: "acb5820ced9479c074f688cc328bf03f341a511d",
    status: "completed",
    conclusion: "success",
    html_url: RUN_URL,
    created_at: "2026-03-10T05:00:00Z",
    updated_at: "2026-03-10T05:04:00Z",
    ...changes,
  };
}

/** The three reads of the plan: newest completed run, its artifacts, the download (answered as a redirect target would be). */
function mockPlan(api: nock.Scope, params: { runs?: Json[]; sizeInBytes?: number; zip?: Buffer | null }) {
  const runs = params.runs ?? [run()];
  api
    .get(`${REPO_PATH}/actions/workflows/drift.yml/runs`)
    .query({ branch: "master", status: "completed", per_page: "1" })
    .reply(200, { total_count: runs.length, workflow_runs: runs });
  if (runs.length === 0 || runs[0]?.conclusion !== "success") return;
  const zip = params.zip ?? null;
  api
    .get(`${REPO_PATH}/actions/runs/777/artifacts`)
    .query({ name: "terraform-plan", per_page: "10" })
    .reply(200, { total_count: 1, artifacts: [{ id: 55, name: "terraform-plan", size_in_bytes: params.sizeInBytes ?? zip?.length ?? 0, expired: false }] });
  if (zip) api.get(`${REPO_PATH}/actions/artifacts/55/zip`).reply(200, zip, { "content-type": "application/zip" });
}

const planZip = (fixture: string) => artifactZip({ "plan.json": terraformFixture(fixture) });

/** A scan that creates the report: returns its body. */
async function scanCreating(params: { runs?: Json[]; sizeInBytes?: number; zip?: Buffer | null; config?: Json }): Promise<{ body: string; summary: Awaited<ReturnType<typeof scanRepository>>; requests: ReturnType<typeof mockGitHub>["requests"] }> {
  const mock = mockGitHub();
  mockScanReads(mock.api, { reportIssues: [quietReport()] });
  mockPlan(mock.api, params);
  mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
  const summary = await scanRepository(gateway().gw, loadedConfig(params.config ?? TERRAFORM), DEFAULT_OPTIONS);
  expectAllCallsMade(mock);
  return { body: bodyOf(writes(mock.requests)[0]).body, summary, requests: mock.requests };
}

describe("infrastructure drift from the Terraform plan artifact", () => {
  test("a plan without changes: 3 calls more than the budget (run, artifacts, download), no write", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
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
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
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
    expect(body).toContain("- **The plan artifact is 50 MB: too large to read**");
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
    expect(body).toContain("- **The plan artifact is 50 MB: too large to read**");
  });

  test("a zip whose declared size lies (100 bytes) is cut there and fails to parse: an item", async () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": terraformFixture("plan.sensitive.json").repeat(2_000) }), 100);
    const { summary, body } = await scanCreating({ zip: lying });
    expect(summary.newItems).toEqual(["terraform:workflow"]);
    expect(body).toContain("- **The plan could not be read: plan JSON could not be parsed: ");
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
    expect(body).toContain("- **The artifact `terraform-plan` could not be unzipped: invalid zip data**");
  });

  test("a workflow that cannot be read (404) is a scan item; earlier Terraform items keep their first-seen times", async () => {
    const mock = mockGitHub();
    const firstSeen = "2026-03-02T00:00:00.000Z";
    const state = driftState({ items: { "terraform:aws_instance.web": { firstSeen } } });
    mockScanReads(mock.api, { reportIssues: [issue({ number: 7, title: "Configuration drift report", body: reportBody(state, "**1 open drift item**"), labels: [DRIFT_LABEL] })] });
    mock.api.get(`${REPO_PATH}/actions/workflows/drift.yml/runs`).query(true).reply(404, { message: "Not Found" });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});

    const summary = await scanRepository(gateway().gw, loadedConfig(TERRAFORM), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["scan:terraform"]);
    const body: string = bodyOf(writes(mock.requests)[0]).body;
    expect(body).toContain("- **The Terraform plan could not be read (404)**");
    expect(stateOf(body).items).toEqual({ "scan:terraform": { firstSeen: NOW.toISOString() }, "terraform:aws_instance.web": { firstSeen } });
  });

  test("dispatch: true dispatches the workflow on the branch after reading the newest run", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
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
    mockScanReads(mock.api, { reportIssues: [quietReport()] });
    mockPlan(mock.api, { zip: planZip("plan.no-op.json") });
    mock.api.post(`${REPO_PATH}/actions/workflows/drift.yml/dispatches`).reply(403, { message: "Resource not accessible by integration" });
    const { gw, logs } = gateway();

    const summary = await scanRepository(gw, loadedConfig({ drift: { terraform: { workflow: "drift.yml", dispatch: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.report).toBe("unchanged");
    expect(logs.some((l) => l.level === 40 && l.msg.includes("could not be dispatched"))).toBe(true);
  });
});
