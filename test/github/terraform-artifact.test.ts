import nock from "nock";
import { extractFile, fetchTerraformPlan, MAX_ARTIFACT_BYTES, MAX_PLAN_FILE_BYTES } from "../../src/github/terraform-artifact.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO_PATH, artifactZip, calls, gateway, terraformFixture, withDeclaredSize, type Json } from "../helpers/scan-github.js";

setUpNock();

const PARAMS = { workflow: "drift.yml", branch: "master", artifact: "terraform-plan", file: "plan.json" };
const BLOB = "https://productionresultssa3.blob.core.windows.net";
const BLOB_PATH = "/actions-results/7f0c/workflow-job-run-1/artifacts/plan.zip";
const ZIP = { "content-type": "application/zip" };

function run(changes: Json = {}): Json {
  return {
    id: 30433642,
    name: "drift",
    head_branch: "master",
    head_sha: "acb5820ced9479c074f688cc328bf03f341a511d",
    path: ".github/workflows/drift.yml",
    event: "schedule",
    status: "completed",
    conclusion: "success",
    html_url: "https://github.com/octo-org/octo-repo/actions/runs/30433642",
    created_at: "2026-03-10T05:00:00Z",
    updated_at: "2026-03-10T05:04:00Z",
    ...changes,
  };
}

function artifact(changes: Json = {}): Json {
  return {
    id: 11,
    node_id: "MDg6QXJ0aWZhY3QxMQ==",
    name: "terraform-plan",
    size_in_bytes: 2048,
    url: `https://api.github.com${REPO_PATH}/actions/artifacts/11`,
    archive_download_url: `https://api.github.com${REPO_PATH}/actions/artifacts/11/zip`,
    expired: false,
    created_at: "2026-03-10T05:03:00Z",
    expires_at: "2026-06-08T05:03:00Z",
    updated_at: "2026-03-10T05:03:00Z",
    ...changes,
  };
}

function mockRunAndArtifacts(api: nock.Scope, params: { runs?: Json[]; artifacts?: Json[] } = {}) {
  api
    .get(`${REPO_PATH}/actions/workflows/drift.yml/runs`)
    .query({ branch: "master", status: "completed", per_page: "1" })
    .reply(200, { total_count: (params.runs ?? [run()]).length, workflow_runs: params.runs ?? [run()] });
  if ((params.runs ?? [run()]).length === 0 || (params.runs?.[0]?.conclusion ?? "success") !== "success") return;
  api
    .get(`${REPO_PATH}/actions/runs/30433642/artifacts`)
    .query({ name: "terraform-plan", per_page: "10" })
    .reply(200, { total_count: (params.artifacts ?? [artifact()]).length, artifacts: params.artifacts ?? [artifact()] });
}

describe("fetchTerraformPlan", () => {
  test("the newest completed run, its artifact, the download answered 200 with the zip: the plan's text (3 calls)", async () => {
    const mock = mockGitHub();
    const plan = terraformFixture("plan.drift.json");
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "plan.json": plan }), ZIP);

    const fetched = await fetchTerraformPlan(gateway().gw, PARAMS);

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([
      `GET ${REPO_PATH}/actions/workflows/drift.yml/runs`,
      `GET ${REPO_PATH}/actions/runs/30433642/artifacts`,
      `GET ${REPO_PATH}/actions/artifacts/11/zip`,
    ]);
    expect(fetched).toEqual({ kind: "plan", run: expect.objectContaining({ id: 30433642, conclusion: "success", updated_at: "2026-03-10T05:04:00Z" }), text: plan });
  });

  test("Octokit hands the zip back as an ArrayBuffer (application/zip is neither JSON nor text)", async () => {
    const mock = mockGitHub();
    const zip = artifactZip({ "plan.json": "{}" });
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, zip, ZIP);
    const { gw } = gateway();
    const { data } = await gw.octokit.rest.actions.downloadArtifact({ owner: gw.owner, repo: gw.repo, artifact_id: 11, archive_format: "zip" });
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(data as ArrayBuffer).equals(zip)).toBe(true);
    expectAllCallsMade(mock);
  });

  test("GitHub's real answer, a 302 to blob storage, is followed; the token is not sent there", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(302, "", { location: `${BLOB}${BLOB_PATH}?sv=2025-01-05&sig=abc` });
    const blob = nock(BLOB, { badheaders: ["authorization"] })
      .get(BLOB_PATH)
      .query({ sv: "2025-01-05", sig: "abc" })
      .reply(200, artifactZip({ "plan.json": terraformFixture("plan.update.json") }), ZIP);

    const fetched = await fetchTerraformPlan(gateway().gw, PARAMS);

    expectAllCallsMade(mock);
    expect(blob.isDone()).toBe(true);
    expect(fetched).toMatchObject({ kind: "plan", text: terraformFixture("plan.update.json") });
  });

  test("blob storage answering application/octet-stream still gives bytes", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB).get(BLOB_PATH).reply(200, artifactZip({ "plan.json": "{}" }), { "content-type": "application/octet-stream" });

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "plan", text: "{}" });
    expectAllCallsMade(mock);
  });

  test("a download without a content-type (Octokit then decodes it as text) is unreadable, not a crash", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB).get(BLOB_PATH).reply(200, artifactZip({ "plan.json": "{}" }));

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "unreadable" });
    expectAllCallsMade(mock);
  });

  test("a plan inside a folder of the artifact is found", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "README.txt": "x", "infra/prod/plan.json": "{\"a\":1}" }), ZIP);

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "plan", text: "{\"a\":1}" });
    expectAllCallsMade(mock);
  });

  test("no completed run: one call", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api, { runs: [] });
    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toEqual({ kind: "no-run" });
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test.each(["failure", "cancelled", "timed_out"])("a run that ended %s: no artifact is read", async (conclusion) => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api, { runs: [run({ conclusion })] });
    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "run-failed", run: { conclusion } });
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("no artifact of that name, or only an expired one", async () => {
    let mock = mockGitHub();
    mockRunAndArtifacts(mock.api, { artifacts: [] });
    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "no-artifact" });
    expectAllCallsMade(mock);

    mock = mockGitHub();
    mockRunAndArtifacts(mock.api, { artifacts: [artifact({ expired: true })] });
    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "no-artifact" });
    expectAllCallsMade(mock);
  });

  test("an artifact declared at 50 MB is refused before any download", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api, { artifacts: [artifact({ size_in_bytes: 50 * 1024 * 1024 })] });

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "too-large", bytes: 50 * 1024 * 1024 });
    expectAllCallsMade(mock);
    expect(calls(mock.requests).some((c) => c.endsWith("/zip"))).toBe(false);
  });

  test("a download bigger than its declared size is refused after it", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    const padding = new Uint8Array(MAX_ARTIFACT_BYTES + 1);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, Buffer.from(padding), ZIP);

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "too-large", bytes: MAX_ARTIFACT_BYTES + 1 });
    expectAllCallsMade(mock);
  });

  test("a zip without the file", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "tfplan.binary": "x", "plan.json.bak": "{}" }), ZIP);

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "no-file" });
    expectAllCallsMade(mock);
  });

  test("a zip bomb (50 MB of zeros in ~50 KB) is refused by its declared size, without inflating it", async () => {
    const mock = mockGitHub();
    const bomb = artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100 * 1024);
    mockRunAndArtifacts(mock.api, { artifacts: [artifact({ size_in_bytes: bomb.length })] });
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, bomb, ZIP);

    const before = process.memoryUsage().arrayBuffers;
    const fetched = await fetchTerraformPlan(gateway().gw, PARAMS);
    const grown = process.memoryUsage().arrayBuffers - before;

    expectAllCallsMade(mock);
    expect(fetched).toMatchObject({ kind: "too-large", bytes: 50 * 1024 * 1024 });
    expect(grown).toBeLessThan(20 * 1024 * 1024);
  });

  test("an undecodable download is a result, not a crash", async () => {
    const mock = mockGitHub();
    mockRunAndArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, Buffer.from("<Error><Code>AuthenticationFailed</Code></Error>"), ZIP);

    expect(await fetchTerraformPlan(gateway().gw, PARAMS)).toMatchObject({ kind: "unreadable", error: "invalid zip data" });
    expectAllCallsMade(mock);
  });

  test("errors of the API are thrown for the scan to report", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/actions/workflows/drift.yml/runs`).query(true).reply(404, { message: "Not Found" });
    await expect(fetchTerraformPlan(gateway().gw, PARAMS)).rejects.toMatchObject({ status: 404 });
    expectAllCallsMade(mock);
  });
});

describe("extractFile", () => {
  test("a file declared larger than the limit is not inflated", () => {
    const zip = artifactZip({ "plan.json": new Uint8Array(MAX_PLAN_FILE_BYTES + 1) });
    expect(extractFile(zip, "plan.json")).toEqual({ tooLarge: MAX_PLAN_FILE_BYTES + 1 });
  });

  test("a zip that declares 100 bytes for 50 MB is cut at 100 bytes: memory stays bounded", () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024).fill(0x20) }), 100);
    const extracted = extractFile(lying, "plan.json");
    expect(extracted).toEqual({ text: " ".repeat(100) });
  });

  test("a limit of its own", () => {
    const zip = artifactZip({ "plan.json": "0123456789" });
    expect(extractFile(zip, "plan.json", 5)).toEqual({ tooLarge: 10 });
    expect(extractFile(zip, "plan.json", 10)).toEqual({ text: "0123456789" });
    expect(extractFile(zip, "other.json")).toBeNull();
  });

  test("bytes that are not a zip", () => {
    expect(extractFile(new Uint8Array([1, 2, 3, 4, 5]), "plan.json")).toEqual({ unreadable: "invalid zip data" });
  });
});
