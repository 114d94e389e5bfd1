import { generateKeyPairSync } from "node:crypto";
import { jest } from "@jest/globals";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { listInstalledRepositories, scanInstalledRepository, scanRepositories, targetsOfEvent, type InstalledRepository } from "../../src/drift/scan-job.js";
import { CONFIG_PATH, RAW, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { APP_LOGIN } from "../helpers/nock-harness.js";
import { NAME, OWNER, REPO, REPO_PATH, activityReply, REPORT_QUERY, calls, commitNode, mockScanReads, OPEN_QUERY, quietReport, recordingLog, type Json } from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const NoRetryOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));

function createApp() {
  const { log, lines } = recordingLog();
  return { app: new Probot({ appId: 1, privateKey, Octokit: NoRetryOctokit, log: log as never }), logs: lines };
}

const NOW = new Date("2026-03-10T12:00:00Z");
const TARGET: InstalledRepository = { installationId: 5, owner: OWNER, repo: NAME, defaultBranch: "master", archived: false, canReadRuleSuites: false };

function installation(id: number, login: string, changes: Json = {}): Json {
  return {
    id,
    account: { login, id: id * 10, type: "Organization" },
    repository_selection: "selected",
    app_id: 1,
    target_type: "Organization",
    permissions: { administration: "read", contents: "read", issues: "write", metadata: "read" },
    created_at: "2026-02-01T10:00:00.000Z",
    updated_at: "2026-02-01T10:00:00.000Z",
    suspended_at: null,
    ...changes,
  };
}

function repository(owner: string, name: string, changes: Json = {}): Json {
  return { id: name.length, name, full_name: `${owner}/${name}`, owner: { login: owner }, private: true, default_branch: "main", archived: false, ...changes };
}

function mockToken(api: nock.Scope, installationId: number) {
  api.post(`/app/installations/${installationId}/access_tokens`).reply(201, { token: `ghs_${installationId}`, expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "selected" });
}

/** The reads of a scan with `drift.enabled: false`: history, open follow-ups. */
function mockQuietScan(api: nock.Scope, params: { branch?: string; config?: string } = {}) {
  api
    .get(CONFIG_PATH(REPO))
    .reply(200, params.config ?? "drift:\n  enabled: false\n", RAW)
    .post("/graphql", (b: Json) => b.variables?.ref === `refs/heads/${params.branch ?? "master"}`)
    .reply(200, activityReply({ withDeployments: false }))
    .get(`${REPO_PATH}/issues`)
    .query(OPEN_QUERY)
    .reply(200, []);
}

describe("listInstalledRepositories", () => {
  test("every repository of every installation not suspended, with what the scan needs to know", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mock.api.get("/app/installations").query({ per_page: "100" }).reply(200, [
      installation(5, OWNER, { permissions: { administration: "write", metadata: "read" } }),
      installation(6, "other-org"),
      installation(7, "gone-org", { suspended_at: "2026-03-01T00:00:00Z" }),
    ]);
    mockToken(mock.api, 5);
    mock.api
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .matchHeader("authorization", "token ghs_5")
      .reply(200, { total_count: 2, repositories: [repository(OWNER, NAME, { default_branch: "master" }), repository(OWNER, "old", { archived: true })] });
    mockToken(mock.api, 6);
    mock.api
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .matchHeader("authorization", "token ghs_6")
      .reply(200, { total_count: 1, repositories: [repository("other-org", "site")] });

    const targets = await listInstalledRepositories(app);

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([
      "GET /app/installations",
      "POST /app/installations/5/access_tokens",
      "GET /installation/repositories",
      "POST /app/installations/6/access_tokens",
      "GET /installation/repositories",
    ]);
    expect(mock.requests[0]?.path).toBe("/app/installations?per_page=100");
    expect(targets).toEqual([
      { installationId: 5, owner: OWNER, repo: NAME, defaultBranch: "master", archived: false, canReadRuleSuites: true, canReadProtection: true, installedAt: new Date("2026-02-01T10:00:00.000Z") },
      { installationId: 5, owner: OWNER, repo: "old", defaultBranch: "main", archived: true, canReadRuleSuites: true, canReadProtection: true, installedAt: new Date("2026-02-01T10:00:00.000Z") },
      { installationId: 6, owner: "other-org", repo: "site", defaultBranch: "main", archived: false, canReadRuleSuites: false, canReadProtection: true, installedAt: new Date("2026-02-01T10:00:00.000Z") },
    ]);
  });

  test("an installation whose token is refused is skipped with an error log; the others are still listed", async () => {
    const { app, logs } = createApp();
    const mock = mockGitHub();
    mock.api.get("/app/installations").query(true).reply(200, [installation(5, OWNER), installation(6, "other-org")]);
    mock.api.post("/app/installations/5/access_tokens").reply(404, { message: "Not Found" });
    mockToken(mock.api, 6);
    mock.api.get("/installation/repositories").query(true).reply(200, { total_count: 1, repositories: [repository("other-org", "site")] });

    const targets = await listInstalledRepositories(app);

    expectAllCallsMade(mock);
    expect(targets.map((t) => `${t.owner}/${t.repo}`)).toEqual(["other-org/site"]);
    expect(logs.some((l) => l.level === 50 && String(l.msg).includes("it is skipped this time"))).toBe(true);
  });

  test("--repo OWNER/NAME: only that installation gets a token, only that repository is returned (any case)", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mock.api.get("/app/installations").query(true).reply(200, [installation(5, OWNER), installation(6, "other-org")]);
    mockToken(mock.api, 5);
    mock.api
      .get("/installation/repositories")
      .query(true)
      .reply(200, { total_count: 2, repositories: [repository(OWNER, NAME), repository(OWNER, "other")] });

    const targets = await listInstalledRepositories(app, "Octo-Org/Octo-Repo");

    expectAllCallsMade(mock);
    expect(targets.map((t) => `${t.owner}/${t.repo}`)).toEqual([REPO]);
  });

  test("pages of installations and repositories are all read", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mock.api
      .get("/app/installations")
      .query({ per_page: "100" })
      .reply(200, [installation(5, OWNER)], { link: '<https://api.github.com/app/installations?per_page=100&page=2>; rel="next"' })
      .get("/app/installations")
      .query({ per_page: "100", page: "2" })
      .reply(200, []);
    mockToken(mock.api, 5);
    mock.api
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .reply(200, { total_count: 2, repositories: [repository(OWNER, "a")] }, { link: '<https://api.github.com/installation/repositories?per_page=100&page=2>; rel="next"' })
      .get("/installation/repositories")
      .query({ per_page: "100", page: "2" })
      .reply(200, { total_count: 2, repositories: [repository(OWNER, "b")] });

    expect((await listInstalledRepositories(app)).map((t) => t.repo)).toEqual(["a", "b"]);
    expectAllCallsMade(mock);
  });
});

describe("targetsOfEvent", () => {
  test("a webhook's installation: epoch seconds for created_at, no default branch (the scan asks)", () => {
    const [target] = targetsOfEvent({ id: 957387, account: { login: "Codertocat" }, permissions: { administration: "write" }, created_at: 1557933591 as never }, [{ full_name: "Codertocat/Space" }]);
    expect(target).toEqual({ installationId: 957387, owner: "Codertocat", repo: "Space", defaultBranch: "", archived: false, canReadRuleSuites: true, canReadProtection: true, installedAt: new Date(1557933591 * 1000) });
    // Without `administration`, protection is never read in a batch (REST's 403 is what reports the missing permission).
    const [unprivileged] = targetsOfEvent({ id: 957387, account: { login: "Codertocat" }, permissions: {}, created_at: 1557933591 as never }, [{ full_name: "Codertocat/Space" }]);
    expect(unprivileged).toMatchObject({ canReadRuleSuites: false, canReadProtection: false });
  });

  test("an ISO created_at; an unreadable one is left out rather than breaking the look-back", () => {
    expect(targetsOfEvent({ id: 1, account: null, created_at: "2021-04-28T22:32:21.000-04:00" }, [{ full_name: "a/b" }])[0]?.installedAt).toEqual(new Date("2021-04-29T02:32:21.000Z"));
    expect(targetsOfEvent({ id: 1, account: null, created_at: "yesterday" }, [{ full_name: "a/b" }])[0]?.installedAt).toBeUndefined();
  });
});

describe("scanInstalledRepository", () => {
  test("reads the config through a context of its own (CONFIG_PATH) with the installation's token, then scans", async () => {
    const { app, logs } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mockQuietScan(mock.api);

    const outcome = await scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN });

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([
      "POST /app/installations/5/access_tokens",
      `GET ${REPO_PATH}/contents/.github/pipeline-guard.yml`,
      "POST /graphql",
      `GET ${REPO_PATH}/issues`,
    ]);
    expect(outcome).toMatchObject({ repository: REPO, report: "none", open: 0 });
    const done = logs.find((l) => l.msg === "drift scan done");
    expect(done).toMatchObject({ name: "drift-scan", repository: REPO, report: "none" });
  });

  test("a config file that is missing falls back to the org's .github repository, then the defaults", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(404, { message: "Not Found" })
      .get(CONFIG_PATH(`${OWNER}/.github`))
      .reply(404, { message: "Not Found" })
      .post("/graphql")
      .reply(200, activityReply())
      .get(`${REPO_PATH}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [quietReport()])
      .get(`${REPO_PATH}/branches/master/protection`)
      .reply(200, (await import("../helpers/scan-github.js")).classicProtection())
      .get(`${REPO_PATH}/rules/branches/master`)
      .query(true)
      .reply(200, []);

    expect(await scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN })).toMatchObject({ report: "unchanged" });
    expectAllCallsMade(mock);
  });

  test("archived: skipped without a call", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    expect(await scanInstalledRepository(app, { ...TARGET, archived: true })).toEqual({ repository: REPO, skipped: "archived" });
    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("no default branch known: it is asked for (GET /repos/{o}/{r}) and scanned", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mock.api.get(REPO_PATH).reply(200, { id: 1, name: NAME, full_name: REPO, default_branch: "trunk", archived: false });
    mockQuietScan(mock.api, { branch: "trunk" });

    expect(await scanInstalledRepository(app, { ...TARGET, defaultBranch: "" }, { now: NOW, appLogin: APP_LOGIN })).toMatchObject({ repository: REPO, report: "none" });
    expectAllCallsMade(mock);
  });

  test("never two scans of one repository at once: the second is skipped, a later one runs", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mockQuietScan(mock.api);

    const [first, second] = await Promise.all([scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN }), scanInstalledRepository(app, { ...TARGET, owner: "OCTO-ORG" }, { now: NOW, appLogin: APP_LOGIN })]);

    expectAllCallsMade(mock);
    expect(first).toMatchObject({ repository: REPO, report: "none" });
    expect(second).toEqual({ repository: "OCTO-ORG/octo-repo", skipped: "a scan of this repository is already running" });

    const again = mockGitHub();
    mockQuietScan(again.api);
    expect(await scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN })).toMatchObject({ report: "none" });
    expectAllCallsMade(again);
  });

  test("an error becomes {error} with an error log, and the lock is released", async () => {
    const { app, logs } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: "Server Error" });

    const outcome = await scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN });

    expectAllCallsMade(mock);
    expect(outcome).toEqual({ repository: REPO, error: "Server Error" });
    const line = logs.find((l) => l.msg === "drift scan failed");
    expect(line).toMatchObject({ level: 50, repository: REPO });

    const again = mockGitHub();
    mockQuietScan(again.api);
    expect(await scanInstalledRepository(app, TARGET, { now: NOW, appLogin: APP_LOGIN })).toMatchObject({ report: "none" });
    expectAllCallsMade(again);
  });

  test("an installation that cannot be authenticated is an error outcome too", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    mock.api.post("/app/installations/5/access_tokens").reply(403, { message: "This installation has been suspended" });
    expect(await scanInstalledRepository(app, TARGET)).toEqual({ repository: REPO, error: "This installation has been suspended" });
    expectAllCallsMade(mock);
  });
});

describe("scanRepositories", () => {
  test("one at a time, pausing between repositories; a failure does not stop the others", async () => {
    const { app } = createApp();
    const mock = mockGitHub();
    const order: string[] = [];
    mock.api.on("request", (req: { path: string }) => order.push(req.path.split("?")[0] ?? ""));
    mockToken(mock.api, 5);
    mock.api.get(CONFIG_PATH(`${OWNER}/broken`)).reply(500, { message: "Server Error" });
    mockQuietScan(mock.api);
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      order.push(`sleep ${ms}`);
    };

    const outcomes = await scanRepositories(app, [{ ...TARGET, repo: "broken" }, { ...TARGET, repo: "archived", archived: true }, TARGET], { pauseMs: 2000, now: () => NOW, sleep, appLogin: APP_LOGIN });

    expectAllCallsMade(mock);
    expect(outcomes).toEqual([
      { repository: `${OWNER}/broken`, error: "Server Error" },
      { repository: `${OWNER}/archived`, skipped: "archived" },
      expect.objectContaining({ repository: REPO, report: "none" }),
    ]);
    expect(sleeps).toEqual([2000, 2000]);
    expect(order.indexOf("sleep 2000")).toBeGreaterThan(order.indexOf(`/repos/${OWNER}/broken/contents/.github%2Fpipeline-guard.yml`));
  });

  test("pauseMs 0: no pause", async () => {
    const { app } = createApp();
    const sleep = jest.fn(async (_ms: number) => undefined);
    await scanRepositories(app, [{ ...TARGET, archived: true }, { ...TARGET, repo: "b", archived: true }], { pauseMs: 0, sleep });
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe("a scan's errors never carry a signed URL to a log or a reply (SPEC section 10 rule 14)", () => {
  const SIG = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
  const BLOB = "https://productionresultssa3.blob.core.windows.net";

  test("an error that quotes a signed URL is logged and returned redacted (the scan's logger redacts `err`; without it, the line held sig=)", async () => {
    const { app, logs } = createApp();
    const mock = mockGitHub();
    mockToken(mock.api, 5);
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: `upstream failed: ${BLOB}/x/plan.zip?sv=1&${SIG}` });

    const outcome = await scanInstalledRepository(app, TARGET, { now: NOW });

    expectAllCallsMade(mock);
    expect(outcome).toEqual({ repository: REPO, error: `upstream failed: ${BLOB}/x/plan.zip?sv=1&sig=[REDACTED]` });
    const line = logs.find((l) => l.msg === "drift scan failed");
    expect(line).toMatchObject({ level: 50, repository: REPO, err: { message: expect.stringContaining("sig=[REDACTED]") } });
    expect(JSON.stringify(logs)).not.toContain("c2VjcmV0");
  });

  test("the artifact download failing at blob storage (500): the scan fails, and neither its log nor its outcome holds the signed URL", async () => {
    const { app, logs } = createApp();
    const mock = mockGitHub();
    const sha = "acb5820ced9479c074f688cc328bf03f341a511d";
    const repository = { id: 1296269, full_name: REPO };
    mockToken(mock.api, 5);
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "drift:\n  terraform:\n    workflow: drift.yml\n", RAW);
    mockScanReads(mock.api, { reportIssues: [quietReport()], activity: activityReply({ history: [commitNode({ sha, pr: { number: 1, title: "x" } })] }) });
    mock.api
      .get(`${REPO_PATH}/actions/workflows/drift.yml/runs`)
      .query(true)
      .reply(200, { total_count: 1, workflow_runs: [{ id: 7, head_branch: "master", head_sha: sha, event: "schedule", status: "completed", conclusion: "success", html_url: "https://github.com/r/7", updated_at: "2026-03-10T05:00:00Z", repository, head_repository: repository }] })
      .get(`${REPO_PATH}/actions/runs/7/artifacts`)
      .query(true)
      .reply(200, { total_count: 1, artifacts: [{ id: 55, name: "terraform-plan", size_in_bytes: 100, expired: false }] })
      .get(`${REPO_PATH}/actions/artifacts/55/zip`)
      .reply(302, "", { location: `${BLOB}/results/plan.zip?sv=1&${SIG}` });
    const blob = nock(BLOB).get("/results/plan.zip").query(true).reply(500, `<Error>InternalError at ${BLOB}/results/plan.zip?sv=1&${SIG}</Error>`, { "content-type": "text/xml" });

    const outcome = await scanInstalledRepository(app, TARGET, { now: NOW });

    expectAllCallsMade(mock);
    expect(blob.isDone()).toBe(true);
    expect(outcome).toMatchObject({ repository: REPO, error: expect.stringMatching(/^the plan artifact could not be downloaded: /) });
    expect(logs.some((l) => l.msg === "drift scan failed")).toBe(true);
    expect(JSON.stringify([outcome, logs])).not.toContain("c2VjcmV0");
  });
});

