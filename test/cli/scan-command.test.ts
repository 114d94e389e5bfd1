import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { createScanCommand, parseScanArgs } from "../../src/cli/scan-command.js";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { CONFIG_PATH, RAW, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { OWNER, NAME, REPO, REPORT_QUERY, REPO_PATH, calls, mockScanReads, recordingLog, type Json } from "../helpers/scan-github.js";
import { captureIo } from "./capture-io.js";
import { openScanQueue, scanJobCounts } from "../../src/drift/scan-queue.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const NoRetryOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
const createApp = () => new Probot({ appId: 1, privateKey, Octokit: NoRetryOctokit, log: recordingLog().log as never });

function mockInstallations(api: ReturnType<typeof mockGitHub>["api"], repos: string[]) {
  api
    .get("/app/installations")
    .query(true)
    .reply(200, [{ id: 5, account: { login: OWNER }, permissions: { administration: "read" }, created_at: "2026-01-01T00:00:00Z", suspended_at: null }])
    .post("/app/installations/5/access_tokens")
    .reply(201, { token: "ghs_5", expires_at: "2099-01-01T00:00:00Z" })
    .get("/installation/repositories")
    .query(true)
    .reply(200, { total_count: repos.length, repositories: repos.map((name) => ({ name, full_name: `${OWNER}/${name}`, owner: { login: OWNER }, default_branch: "master", archived: false })) });
  // The app's own login (`GET /app`) is answered by the harness.
}

/** The scan's batch query of configuration files (src/github/full-read-facts.ts): answered, or failing (each repository then reads its own). */
function mockConfigBlobs(api: ReturnType<typeof mockGitHub>["api"], reply: { status: number; body: Json }) {
  api.post("/graphql", (b: Json) => String(b.query).includes("PipelineGuardConfigBlobs")).reply(reply.status, reply.body);
}

describe("parseScanArgs", () => {
  test.each([
    [[], {}],
    [["--repo", REPO], { repo: REPO }],
    [[`--repo=${REPO}`], { repo: REPO }],
    [["--dry-run"], { dryRun: true }],
    [["--dry-run", "--repo", REPO], { repo: REPO, dryRun: true }],
    [[`--repo=${REPO}`, "--dry-run"], { repo: REPO, dryRun: true }],
  ])("%j", (args, expected) => {
    expect(parseScanArgs(args)).toEqual(expected);
  });

  test.each([[["--repo"]], [["--repo", "not a repo"]], [["--owner", "x"]], [["--repo", REPO, "extra"]], [["--dry-run", "--dry-run"]], [["--repo", REPO, "--repo", REPO]]])("%j is a usage error", (args) => {
    expect(() => parseScanArgs(args)).toThrow();
  });
});

describe("pipeline-guard scan", () => {
  test("--repo: one quiet repository is scanned with the app's credentials (its reads batched); a line is printed; exit 0", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME, "other"]);
    mockConfigBlobs(mock.api, { status: 200, body: { data: { r0: { object: { text: "drift:\n  protection: {enforce_admins: false}\n", isTruncated: false } }, g0: { object: null } } } });
    const history = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
    mock.api
      .post("/graphql", (b: Json) => String(b.query).includes("PipelineGuardFullReads") && b.variables?.r0b0 === "refs/heads/master")
      .reply(200, { data: { r0: { b0: { branchProtectionRule: null, rules: { nodes: [] }, target: { oid: "a".repeat(40), history } }, deployments: { nodes: [] } } } })
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, []);
    const io = captureIo();

    const code = await createScanCommand({ createApp, pauseMs: 0 }).run(["--repo", REPO], io);

    expectAllCallsMade(mock);
    expect(code).toBe(0);
    expect(io.out).toEqual([`${REPO}: 0 open, 0 accepted, 0 new; report unchanged`]);
    expect(io.err).toEqual(["pipeline-guard scan: 1 repositories scanned, 0 failed"]);
    expect(calls(mock.requests).filter((c) => c.startsWith("POST") || c.startsWith("PATCH")).filter((c) => !c.includes("access_tokens") && !c.includes("graphql"))).toEqual([]);
  });

  test("a repository whose scan fails: its line says so and the exit code is 1", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME]);
    mockConfigBlobs(mock.api, { status: 502, body: { message: "Bad Gateway" } });
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: "Server Error" });
    const io = captureIo();

    const code = await createScanCommand({ createApp, pauseMs: 0 }).run([], io);

    expectAllCallsMade(mock);
    expect(code).toBe(1);
    expect(io.out[0]).toMatch(new RegExp(`^${REPO}: error: `));
    expect(io.err).toEqual(["pipeline-guard scan: 1 repositories scanned, 1 failed"]);
  });

  test("--repo of a repository the app is not installed on: exit 2", async () => {
    const mock = mockGitHub();
    mock.api.get("/app/installations").query(true).reply(200, []);
    const io = captureIo();

    const code = await createScanCommand({ createApp, pauseMs: 0 }).run(["--repo", "someone/else"], io);

    expectAllCallsMade(mock);
    expect(code).toBe(2);
    expect(io.err).toEqual(["pipeline-guard scan: the app is not installed on someone/else"]);
  });

  test("no credentials: a usage error that names the variables, exit 2, no call", async () => {
    const mock = mockGitHub();
    const io = captureIo();

    const code = await createScanCommand({ env: {}, pauseMs: 0 }).run([], io);

    expectAllCallsMade(mock);
    expect(code).toBe(2);
    expect(io.err[0]).toMatch(/APP_ID/);
  });

  test("the installations cannot be listed: exit 1 with the reason", async () => {
    const mock = mockGitHub();
    mock.api.get("/app/installations").query(true).reply(401, { message: "Bad credentials" });
    const io = captureIo();

    const code = await createScanCommand({ createApp, pauseMs: 0 }).run([], io);

    expectAllCallsMade(mock);
    expect(code).toBe(1);
    expect(io.err[0]).toContain("Bad credentials");
  });

  test("REDIS_URL set but Redis does not answer: exit 1 with the reason within seconds; nothing is scanned here instead", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME]);
    const io = captureIo();
    const started = Date.now();
    // Port 1 refuses connections: the jobs cannot be queued, and the command says so rather than waiting forever.
    expect(await createScanCommand({ env: { REDIS_URL: "redis://127.0.0.1:1" }, createApp, pauseMs: 0 }).run([], io)).toBe(1);
    expect(io.err).toEqual([expect.stringMatching(/^pipeline-guard scan: .*ECONNREFUSED/)]);
    expect(io.out).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectAllCallsMade(mock);
  });

  test("bad arguments: exit 2 with the usage", async () => {
    const io = captureIo();
    expect(await createScanCommand({ createApp, pauseMs: 0 }).run(["--repo"], io)).toBe(2);
    expect(io.err[0]).toContain("Usage: pipeline-guard scan [--repo OWNER/NAME]");
  });

  test("--dry-run: the cost plan from the listing and the rate limit alone; nothing else is read, nothing written", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME, "other"]);
    mock.api.get("/rate_limit").reply(200, { resources: { core: { limit: 5000, remaining: 100, reset: Date.parse("2026-03-10T13:00:00Z") / 1000, used: 4900 } }, rate: {} });
    const io = captureIo();

    const code = await createScanCommand({ createApp, env: { DRIFT_SCAN_BUDGET: "2%" } }).run(["--dry-run"], io);

    expectAllCallsMade(mock);
    expect(code).toBe(0);
    expect(io.out).toEqual([
      `${REPO}: full read, about 2 points`,
      `${OWNER}/other: full read, about 2 points`,
      "installation 5: 100 points left, the scan's share 2 (2%): 1 of 2 full reads fit; the other 1 wait for the reset at 2026-03-10T13:00:00.000Z",
      "plan: 2 repositories; a first scan (or pipeline-guard scan, which remembers nothing) costs about 5 points (1 listing, 4 full reads, batched 25 repositories a query); a scheduled scan with nothing changed costs about 3 points (1 listing, 1 fingerprint query of up to 50 repositories, 2 points each), plus about 2 points per repository that changed",
    ]);
    expect(io.err).toEqual(["pipeline-guard scan: dry run: 2 repositories planned, nothing read or written"]);
    expect(calls(mock.requests).filter((c) => !c.startsWith("GET") && !c.includes("access_tokens"))).toEqual([]);
  });

  test("--dry-run with an unreadable rate limit: the plan without the installation's line", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME]);
    mock.api.get("/rate_limit").reply(500, { message: "Server Error" });
    const io = captureIo();
    expect(await createScanCommand({ createApp }).run(["--dry-run"], io)).toBe(0);
    expectAllCallsMade(mock);
    expect(io.out.some((l) => l.startsWith("installation "))).toBe(false);
    expect(io.out.at(-1)).toMatch(/^plan: 1 repositories/);
  });

  test("an invalid DRIFT_SCAN_BUDGET is a usage error before any call (a typo must not lift the cap)", async () => {
    const mock = mockGitHub();
    const io = captureIo();
    expect(await createScanCommand({ createApp, env: { DRIFT_SCAN_BUDGET: "200%" } }).run([], io)).toBe(2);
    expectAllCallsMade(mock);
    expect(io.err[0]).toContain("DRIFT_SCAN_BUDGET");
  });

  test("without a fixed pause the scan is paced by the budget (spaced under the secondary limit here)", async () => {
    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME]);
    mockConfigBlobs(mock.api, { status: 502, body: { message: "Bad Gateway" } });
    mock.api.get(CONFIG_PATH(REPO)).reply(500, { message: "Server Error" });
    const waits: number[] = [];
    const io = captureIo();
    expect(await createScanCommand({ createApp, sleep: async (ms) => void waits.push(ms) }).run([], io)).toBe(1);
    expectAllCallsMade(mock);
    expect(waits).toEqual([]);
  });
});

const describeRedis = await redisDescribe("pipeline-guard scan's queue tests");

describeRedis("pipeline-guard scan with REDIS_URL (against a real Redis)", () => {
  const prefix = testPrefix("cli-scan");
  afterAll(() => dropPrefix(prefix));

  test("queues one job per repository for the app's workers (twice in a minute: the same jobs); --inline scans here", async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    for (const round of [1, 2]) {
      const mock = mockGitHub();
      mockInstallations(mock.api, [NAME, "other"]);
      const io = captureIo();
      const code = await createScanCommand({ env, createApp, pauseMs: 0 }).run([], io);
      expectAllCallsMade(mock);
      expect(code).toBe(0);
      expect(io.out).toEqual([expect.stringMatching(new RegExp(`^on-demand-\\d+-${REPO.toLowerCase()}: queued$`)), expect.stringMatching(/-acme\/other: queued$|: queued$/)]);
      expect(io.err).toEqual(["pipeline-guard scan: 2 scan job(s) queued for the app's workers (see pipeline-guard queue; --inline scans here)"]);
      const queue = openScanQueue(TEST_REDIS_URL, prefix);
      expect((await scanJobCounts(queue)).waiting).toBe(2);
      await queue.close();
      expect(round).toBeGreaterThan(0);
    }

    const mock = mockGitHub();
    mockInstallations(mock.api, [NAME]);
    // The batch fails here: the repository is read call by call, as before batching.
    mockConfigBlobs(mock.api, { status: 502, body: { message: "Bad Gateway" } });
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "drift:\n  protection: {enforce_admins: false}\n", RAW);
    mockScanReads(mock.api, { protection: null });
    const io = captureIo();
    expect(await createScanCommand({ env, createApp, pauseMs: 0 }).run(["--repo", REPO, "--inline"], io)).toBe(0);
    expectAllCallsMade(mock);
    expect(io.out).toEqual([`${REPO}: 0 open, 0 accepted, 0 new; report unchanged`]);
  });

  test("parseScanArgs takes --inline anywhere", () => {
    expect(parseScanArgs(["--inline"])).toEqual({ inline: true });
    expect(parseScanArgs(["--repo", REPO, "--inline"])).toEqual({ repo: REPO, inline: true });
    expect(parseScanArgs(["--inline", `--repo=${REPO}`])).toEqual({ repo: REPO, inline: true });
  });
});
