import { inspect } from "node:util";
import nock from "nock";
import { MAX_ARTIFACT_BYTES, MAX_ARTIFACT_ENTRIES, MAX_PLAN_FILE_BYTES, RUNS_PAGE, extractFile, fetchRunPlan, listCompletedRuns, type WorkflowRunFact } from "../../src/github/terraform-artifact.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO_PATH, artifactZip, calls, gateway, terraformFixture, withDeclaredSize, type Json } from "../helpers/scan-github.js";

setUpNock();

const PARAMS = { artifact: "terraform-plan", file: "plan.json" };
const BLOB = "https://productionresultssa3.blob.core.windows.net";
const BLOB_PATH = "/actions-results/7f0c/workflow-job-run-1/artifacts/plan.zip";
const SIGNED_QUERY = "sv=2025-01-05&se=2026-03-10T06%3A00%3A00Z&sr=b&sp=r&sig=Zm9yZ2VkU2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D";
const ZIP = { "content-type": "application/zip" };
const REPOSITORY = { id: 1296269, name: "octo-repo", full_name: "octo-org/octo-repo" };

const RUN: WorkflowRunFact = {
  id: 30433642,
  conclusion: "success",
  status: "completed",
  html_url: "https://github.com/octo-org/octo-repo/actions/runs/30433642",
  head_sha: "acb5820ced9479c074f688cc328bf03f341a511d",
  head_branch: "master",
  event: "schedule",
  fromThisRepository: true,
  updated_at: "2026-03-10T05:04:00Z",
};

/** A run as `GET /repos/{o}/{r}/actions/workflows/{id}/runs` lists it. */
function rawRun(changes: Json = {}): Json {
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
    repository: REPOSITORY,
    head_repository: REPOSITORY,
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

function mockArtifacts(api: nock.Scope, artifacts: Json[] = [artifact()]) {
  api
    .get(`${REPO_PATH}/actions/runs/30433642/artifacts`)
    .query({ name: "terraform-plan", per_page: "10" })
    .reply(200, { total_count: artifacts.length, artifacts });
}

/** GitHub's real answer to a download: a 302 to blob storage, signed in the query. */
function mockRedirect(api: nock.Scope) {
  api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(302, "", { location: `${BLOB}${BLOB_PATH}?${SIGNED_QUERY}` });
}

describe("listCompletedRuns", () => {
  test(`one call for a page of ${RUNS_PAGE} completed runs on the branch, with what trust is decided on`, async () => {
    const mock = mockGitHub();
    const fork = { id: 999, name: "octo-repo", full_name: "mallory/octo-repo" };
    mock.api
      .get(`${REPO_PATH}/actions/workflows/drift.yml/runs`)
      .query({ branch: "master", status: "completed", exclude_pull_requests: "true", per_page: String(RUNS_PAGE) })
      .reply(200, {
        total_count: 3,
        workflow_runs: [
          rawRun({ id: 3, event: "pull_request", head_repository: fork }),
          rawRun({ id: 2, event: "pull_request", head_repository: null }),
          rawRun({ id: 1 }),
        ],
      });

    const runs = await listCompletedRuns(gateway().gw, { workflow: "drift.yml", branch: "master" });

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
    expect(runs.map((r) => [r.id, r.event, r.fromThisRepository])).toEqual([
      [3, "pull_request", false],
      [2, "pull_request", false],
      [1, "schedule", true],
    ]);
    expect(runs[2]).toEqual({ ...RUN, id: 1 });
  });
});

describe("fetchRunPlan", () => {
  test("the run's artifact, the download answered 200 with the zip: the plan's text (2 calls)", async () => {
    const mock = mockGitHub();
    const plan = terraformFixture("plan.drift.json");
    mockArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "plan.json": plan }), ZIP);

    const fetched = await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS });

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([`GET ${REPO_PATH}/actions/runs/30433642/artifacts`, `GET ${REPO_PATH}/actions/artifacts/11/zip`]);
    expect(fetched).toEqual({ kind: "plan", run: RUN, text: plan });
  });

  test("GitHub's real answer, a 302 to blob storage, is followed; the token is not sent there", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mockRedirect(mock.api);
    const blob = nock(BLOB, { badheaders: ["authorization"] })
      .get(BLOB_PATH)
      .query(true)
      .reply(200, artifactZip({ "plan.json": terraformFixture("plan.update.json") }), ZIP);

    const fetched = await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS });

    expectAllCallsMade(mock);
    expect(blob.isDone()).toBe(true);
    expect(fetched).toMatchObject({ kind: "plan", text: terraformFixture("plan.update.json") });
  });

  test.each([["application/octet-stream"], ["text/plain; charset=utf-8"], [undefined]])("blob storage answering with content-type %s still gives the zip's bytes (the body is read as a stream)", async (contentType) => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mockRedirect(mock.api);
    nock(BLOB).get(BLOB_PATH).query(true).reply(200, artifactZip({ "plan.json": "{}" }), contentType ? { "content-type": contentType } : {});

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toMatchObject({ kind: "plan", text: "{}" });
    expectAllCallsMade(mock);
  });

  test("a plan inside a folder of the artifact is found", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "README.txt": "x", "infra/prod/plan.json": '{"a":1}' }), ZIP);

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toMatchObject({ kind: "plan", text: '{"a":1}' });
    expectAllCallsMade(mock);
  });

  test("two plan.json in the artifact (24 in the reported attack): unreadable, which one counts is not guessed", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    // Each under the limit; the memory of the same attack at full size is measured in test/drift/plan-memory.test.ts.
    const files = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`dir${i}/plan.json`, '{"format_version":"1.2"}']));
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip(files), ZIP);

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toEqual({ kind: "unreadable", run: RUN, error: "it holds more than one plan.json" });
    expectAllCallsMade(mock);
  });

  test.each(["failure", "cancelled", "timed_out"])("a run that ended %s: no call", async (conclusion) => {
    const mock = mockGitHub();
    expect(await fetchRunPlan(gateway().gw, { run: { ...RUN, conclusion }, ...PARAMS })).toMatchObject({ kind: "run-failed", run: { conclusion } });
    expect(mock.requests).toHaveLength(0);
  });

  test("no artifact of that name, or only an expired one", async () => {
    let mock = mockGitHub();
    mockArtifacts(mock.api, []);
    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toMatchObject({ kind: "no-artifact" });
    expectAllCallsMade(mock);

    mock = mockGitHub();
    mockArtifacts(mock.api, [artifact({ expired: true })]);
    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toMatchObject({ kind: "no-artifact" });
    expectAllCallsMade(mock);
  });

  test("an artifact declared at 50 MB is refused before any download", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api, [artifact({ size_in_bytes: 50 * 1024 * 1024 })]);

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toEqual({ kind: "too-large", run: RUN, what: "artifact", bytes: 50 * 1024 * 1024, limit: MAX_ARTIFACT_BYTES });
    expectAllCallsMade(mock);
    expect(calls(mock.requests).some((c) => c.endsWith("/zip"))).toBe(false);
  });

  test("a download bigger than the limit, whatever was declared, is cut while it streams", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, Buffer.alloc(MAX_ARTIFACT_BYTES + 1), ZIP);

    const fetched = await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS });

    expect(fetched).toMatchObject({ kind: "too-large", what: "artifact", limit: MAX_ARTIFACT_BYTES });
    expect(fetched.kind === "too-large" && fetched.bytes).toBeGreaterThan(MAX_ARTIFACT_BYTES);
    expectAllCallsMade(mock);
  });

  test("a zip without the file", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, artifactZip({ "tfplan.binary": "x", "plan.json.bak": "{}" }), ZIP);

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toEqual({ kind: "no-file", run: RUN });
    expectAllCallsMade(mock);
  });

  test("a zip bomb (50 MB of zeros in ~50 KB) is refused by its declared size, without inflating it", async () => {
    const mock = mockGitHub();
    const bomb = artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100 * 1024);
    mockArtifacts(mock.api, [artifact({ size_in_bytes: bomb.length })]);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, bomb, ZIP);

    const before = process.memoryUsage().arrayBuffers;
    const fetched = await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS });
    const grown = process.memoryUsage().arrayBuffers - before;

    expectAllCallsMade(mock);
    expect(fetched).toEqual({ kind: "too-large", run: RUN, what: "file", bytes: 50 * 1024 * 1024, limit: MAX_PLAN_FILE_BYTES });
    expect(grown).toBeLessThan(20 * 1024 * 1024);
  });

  test("an undecodable download is a result, not a crash", async () => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mock.api.get(`${REPO_PATH}/actions/artifacts/11/zip`).reply(200, Buffer.from("<Error><Code>AuthenticationFailed</Code></Error>"), ZIP);

    expect(await fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).toEqual({ kind: "unreadable", run: RUN, error: "End of central directory record signature not found. Either not a zip file, or file is truncated." });
    expectAllCallsMade(mock);
  });

  test("errors of the API are thrown for the scan to report", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/actions/runs/30433642/artifacts`).query(true).reply(404, { message: "Not Found" });
    await expect(fetchRunPlan(gateway().gw, { run: RUN, ...PARAMS })).rejects.toMatchObject({ status: 404 });
    expectAllCallsMade(mock);
  });
});

describe("a failed download never carries the signed URL (SPEC section 10 rule 14)", () => {
  /** Everything of an error that a logger or a reply could print. */
  function printed(error: unknown): string {
    return [String(error), inspect(error, { depth: 10 }), JSON.stringify(error), (error as Error).stack ?? ""].join("\n");
  }

  test.each<[string, (blob: nock.Interceptor) => void, number]>([
    // Azure quotes the request in some errors; Octokit keeps the redirect's target in `response.url`.
    ["a 403 from blob storage", (blob) => blob.reply(403, `<Error><Code>AuthenticationFailed</Code><Message>Signature did not match for ${BLOB}${BLOB_PATH}?${SIGNED_QUERY}</Message></Error>`, { "content-type": "text/xml" }), 403],
    ["a 500 from blob storage", (blob) => blob.reply(500, "InternalError", { "content-type": "application/xml" }), 500],
    ["a network error naming the URL", (blob) => blob.replyWithError(`socket hang up while reading ${BLOB}${BLOB_PATH}?${SIGNED_QUERY}`), 500],
  ])("%s: the thrown error and the logs hold no sig= (without the redaction, the error held it)", async (_name, answer, status) => {
    const mock = mockGitHub();
    mockArtifacts(mock.api);
    mockRedirect(mock.api);
    answer(nock(BLOB).get(BLOB_PATH).query(true));
    const { gw, logs } = gateway();

    const error: unknown = await fetchRunPlan(gw, { run: RUN, ...PARAMS }).then(
      () => null,
      (e: unknown) => e,
    );

    expectAllCallsMade(mock);
    expect(error).toMatchObject({ status, message: expect.stringMatching(/^the plan artifact could not be downloaded: /) });
    expect(printed(error)).not.toMatch(/sig=(?!\[REDACTED\])/);
    expect(printed(error)).not.toContain("Zm9yZ2VkU2lnbmF0dXJl");
    expect(error).not.toHaveProperty("response");
    expect(error).not.toHaveProperty("request");
    expect(JSON.stringify(logs)).not.toContain("Zm9yZ2VkU2lnbmF0dXJl");
  });
});

describe("extractFile", () => {
  test("a file declared larger than the limit is not inflated", async () => {
    const zip = artifactZip({ "plan.json": new Uint8Array(MAX_PLAN_FILE_BYTES + 1) });
    expect(await extractFile(zip, "plan.json")).toEqual({ kind: "too-large", bytes: MAX_PLAN_FILE_BYTES + 1 });
  });

  test("a zip that declares 100 bytes for 50 MB is refused once inflating passes 100 bytes: memory stays bounded", async () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024).fill(0x20) }), 100);
    const before = process.memoryUsage().arrayBuffers;
    const extracted = await extractFile(lying, "plan.json");
    expect(extracted).toEqual({ kind: "unreadable", error: expect.stringMatching(/^too many bytes in the stream\. expected 100\. got at least \d+$/) });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(5 * 1024 * 1024);
  });

  test("a zip that declares the limit for 50 MB never holds more than the limit", async () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": new Uint8Array(50 * 1024 * 1024).fill(0x20) }), MAX_PLAN_FILE_BYTES);
    expect(await extractFile(lying, "plan.json")).toMatchObject({ kind: "unreadable", error: expect.stringMatching(/^too many bytes in the stream/) });
  });

  test("a zip that declares more than it holds is unreadable, not a short plan", async () => {
    const lying = withDeclaredSize(artifactZip({ "plan.json": '{"format_version":"1.2"}' }), 1000);
    expect(await extractFile(lying, "plan.json")).toMatchObject({ kind: "unreadable", error: expect.stringMatching(/^not enough bytes in the stream/) });
  });

  test("a limit of its own", async () => {
    const zip = artifactZip({ "plan.json": "0123456789" });
    expect(await extractFile(zip, "plan.json", 5)).toEqual({ kind: "too-large", bytes: 10 });
    expect(await extractFile(zip, "plan.json", 10)).toEqual({ kind: "file", bytes: Buffer.from("0123456789") });
    expect(await extractFile(zip, "other.json")).toEqual({ kind: "no-file" });
  });

  test("an empty plan file is a file (the parse says it is not a plan)", async () => {
    expect(await extractFile(artifactZip({ "plan.json": "" }), "plan.json")).toEqual({ kind: "file", bytes: Buffer.alloc(0) });
  });

  test("a folder named like the file is not the file", async () => {
    expect(await extractFile(artifactZip({ "plan.json/": new Uint8Array(0), "x.txt": "x" }), "plan.json")).toEqual({ kind: "no-file" });
  });

  test(`more than ${MAX_ARTIFACT_ENTRIES} entries: unreadable, without reading them`, async () => {
    const files = Object.fromEntries(Array.from({ length: MAX_ARTIFACT_ENTRIES + 1 }, (_, i) => [`f${i}.txt`, "x"]));
    expect(await extractFile(artifactZip(files), "plan.json")).toEqual({ kind: "unreadable", error: `it holds ${MAX_ARTIFACT_ENTRIES + 1} entries, more than the ${MAX_ARTIFACT_ENTRIES} read` });
  });

  test("bytes that are not a zip", async () => {
    expect(await extractFile(Buffer.from([1, 2, 3, 4, 5]), "plan.json")).toEqual({ kind: "unreadable", error: "End of central directory record signature not found. Either not a zip file, or file is truncated." });
  });
});
