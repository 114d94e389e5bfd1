import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { pino } from "pino";
import { createAppFromEnv } from "../../src/cli/app-credentials.js";
import { createAuditCommand, parseAuditArgs } from "../../src/cli/audit-command.js";
import { runCli } from "../../src/cli/run-cli.js";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { APP_LOGIN } from "../helpers/nock-harness.js";
import { bypassIssue, bypassState, driftReportIssue, followUpIssue, followUpState } from "../helpers/records.js";
import { captureIo } from "./capture-io.js";

const API = "https://api.github.com";
const NOW = new Date("2026-11-20T12:00:00.000Z");
const SINCE = "2026-10-21T12:00:00.000Z";
const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const USAGE = "Usage: pipeline-guard audit [--owner LOGIN] [--since 30d] [--format csv|json|md]";

/** The app's test key: PKCS#1 PEM, as GitHub hands it out. */
let privateKey = "";
let emptyDir = "";
beforeAll(() => {
  nock.disableNetConnect();
  privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  emptyDir = mkdtempSync(join(tmpdir(), "pipeline-guard-audit-"));
});
afterAll(() => {
  nock.enableNetConnect();
  rmSync(emptyDir, { recursive: true, force: true });
});
afterEach(() => nock.cleanAll());

/** No retries and no throttling, so that an error is the test's at once. */
const TestOctokit = PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));

function auditCommand(env: NodeJS.ProcessEnv = { APP_ID: "4242", PRIVATE_KEY: privateKey }) {
  return createAuditCommand({ env, now: () => NOW, createApp: (e) => createAppFromEnv(e, { Octokit: TestOctokit, log: pino({ level: "silent" }), cwd: emptyDir }) });
}

/* ---- the app's records, as GitHub lists them (signed under the suite's STATE_SECRET) ---- */

const TICK = { by: "carol", at: "2026-11-11T00:00:00.000Z" };

function followUp(params: { repo: string; number: number; pr: number; title: string; justification: string | null; state?: "open" | "closed"; ticked?: Array<"postmortem" | "review">; createdAt?: string }) {
  const at = new Date(params.createdAt ?? "2026-11-10T09:00:00Z");
  const state = followUpState(
    { pr: { number: params.pr, title: params.title }, markers: ["emergency-deploy"], labels: ["emergency-deploy"], items: ["postmortem", "review"], at, justification: params.justification },
    { ticks: Object.fromEntries((params.ticked ?? []).map((item) => [item, TICK])) },
  );
  return followUpIssue({ repository: params.repo, number: params.number, issueState: params.state, createdAt: params.createdAt ?? "2026-11-10T09:00:05Z" }, state);
}

function bypass(params: { repo: string; number: number; state?: "open" | "closed" }) {
  const state = bypassState({ kind: "force push", actor: "carol", at: new Date("2026-11-01T07:30:00Z"), before: "b".repeat(40), after: SHA });
  return bypassIssue({ repository: params.repo, number: params.number, issueState: params.state, createdAt: "2026-11-01T07:30:04Z" }, state);
}

/** The app's issues of a repository: found by their author (the app), never by a label. */
const issuesQuery = (extra: Record<string, string> = {}) => ({ creator: APP_LOGIN, state: "all", sort: "created", direction: "asc", since: SINCE, per_page: "100", ...extra });

const APP_ISSUE_40 = followUp({ repo: "octo/app", number: 40, pr: 12, title: 'Fix "login", again', justification: "Outage, customers locked out\nsee INC-7", state: "closed", ticked: ["postmortem", "review"] });
const APP_ISSUE_43 = followUp({ repo: "octo/app", number: 43, pr: 15, title: "Raise timeout", justification: null, createdAt: "2026-11-15T16:20:00Z", ticked: ["review"] });
/** Updated in the period, but opened before it: not a row. */
const APP_ISSUE_38 = followUp({ repo: "octo/app", number: 38, pr: 3, title: "Old", justification: "old", createdAt: "2026-09-01T00:00:00Z" });
/** The app's drift report: a record, but not a row of the ledger. */
const APP_ISSUE_44 = driftReportIssue({ repository: "octo/app", number: 44, createdAt: "2026-11-16T00:00:00Z" });
const API_ISSUE_7 = bypass({ repo: "octo/api", number: 7, state: "closed" });

/** One installation (octo) with two repositories; the follow-up listing of octo/app has two pages. */
function mockOneInstallation(scope: nock.Scope, installations: Array<{ id: number; login: string; suspended?: boolean }> = [{ id: 2, login: "octo" }]) {
  scope
    .get("/app/installations")
    .query({ per_page: "100" })
    .matchHeader("authorization", /^bearer ey/i)
    .reply(
      200,
      installations.map((i) => ({ id: i.id, account: { login: i.login, type: "Organization" }, suspended_at: i.suspended ? "2026-11-01T00:00:00Z" : null })),
    );
}

function mockOctoRepositories(scope: nock.Scope) {
  scope
    .post("/app/installations/2/access_tokens")
    .matchHeader("authorization", /^bearer ey/i)
    .reply(201, { token: "ghs_installation2", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" })
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .matchHeader("authorization", "token ghs_installation2")
    .reply(200, { total_count: 2, repositories: [{ name: "app", owner: { login: "octo" } }, { name: "api", owner: { login: "octo" } }] })
    // The app's own login, once: its records are the issues it opened.
    .get("/app")
    .matchHeader("authorization", /^bearer ey/i)
    .reply(200, { id: 4242, slug: "pipeline-guard", name: "Pipeline Guard" })
    .get("/repos/octo/app/issues")
    .query(issuesQuery())
    .reply(200, [APP_ISSUE_38, APP_ISSUE_40], {
      link: `<${API}/repos/octo/app/issues?creator=${encodeURIComponent(APP_LOGIN)}&state=all&sort=created&direction=asc&since=${encodeURIComponent(SINCE)}&per_page=100&page=2>; rel="next"`,
    })
    .get("/repos/octo/app/issues")
    .query(issuesQuery({ page: "2" }))
    .reply(200, [APP_ISSUE_43, APP_ISSUE_44])
    .get("/repos/octo/app/issues/40")
    .reply(200, { ...APP_ISSUE_40, closed_by: { login: "pipeline-guard[bot]" } })
    .get("/repos/octo/api/issues")
    .query(issuesQuery())
    .reply(200, [API_ISSUE_7])
    .get("/repos/octo/api/issues/7")
    .reply(200, { ...API_ISSUE_7, closed_by: { login: "maria" } });
}

function expectAllMocksUsed(): void {
  expect(nock.pendingMocks()).toEqual([]);
}

describe("pipeline-guard audit against GitHub", () => {
  test("one installation with two repositories: every override and bypass of the period, as CSV, oldest first", async () => {
    const scope = nock(API);
    mockOneInstallation(scope);
    mockOctoRepositories(scope);
    const io = captureIo();

    expect(await auditCommand().run([], io)).toBe(0);

    expectAllMocksUsed();
    expect(io.out).toHaveLength(1);
    expect((io.out[0] ?? "").split("\r\n")).toEqual([
      "when,repository,kind,pr,sha,who,markers,justification,follow_up,boxes,closed_by,closed_at,title,issue_url,record,incident,incident_url,waived_by,waiver_reason,escalated_at",
      `2026-11-01T07:30:00.000Z,octo/api,bypass,,${SHA},carol,,,n/a,n/a,maria,2026-11-22T09:30:00Z,Bypass: force push on main (a1b2c3d),https://github.com/octo/api/issues/7,verified,,,,,`,
      `2026-11-10T09:00:00.000Z,octo/app,override,12,${SHA},alice,emergency-deploy,"Outage, customers locked out\nsee INC-7",done,2/2,pipeline-guard[bot],2026-11-22T09:30:00Z,"Follow-up: emergency-deploy in #12 Fix ""login"", again",https://github.com/octo/app/issues/40,verified,,,,,`,
      `2026-11-15T16:20:00.000Z,octo/app,override,15,${SHA},alice,emergency-deploy,,open,1/2,,,Follow-up: emergency-deploy in #15 Raise timeout,https://github.com/octo/app/issues/43,verified,,,,,`,
    ]);
    expect(io.err).toEqual([`pipeline-guard audit: 3 entries since ${SINCE} from 2 repositories (octo)`]);
  });

  test("--format json: the rows, whole", async () => {
    const scope = nock(API);
    mockOneInstallation(scope);
    mockOctoRepositories(scope);
    const io = captureIo();

    expect(await auditCommand().run(["--format", "json", "--since=30d"], io)).toBe(0);

    expectAllMocksUsed();
    const rows = JSON.parse(io.out[0] ?? "") as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.repository, r.kind, r.followUp, r.closedBy])).toEqual([
      ["octo/api", "bypass", "n/a", "maria"],
      ["octo/app", "override", "done", "pipeline-guard[bot]"],
      ["octo/app", "override", "open", null],
    ]);
    expect(rows[1]).toMatchObject({ pr: 12, who: "alice", markers: ["emergency-deploy"], justification: "Outage, customers locked out\nsee INC-7", boxes: "2/2" });
  });

  test("--format md: a table", async () => {
    const scope = nock(API);
    mockOneInstallation(scope);
    mockOctoRepositories(scope);
    const io = captureIo();

    expect(await auditCommand().run(["--format=md"], io)).toBe(0);

    const lines = (io.out[0] ?? "").split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe(
      "| 2026-11-10 09:00 | octo/app | override | \\#12 a1b2c3d | @\u200balice | emergency-deploy | Outage, customers locked out see INC-7 | done (2/2) | @\u200bpipeline-guard\\[bot\\] | [#40](https://github.com/octo/app/issues/40) | verified |  |",
    );
  });

  test("--owner: only that account's installation is read (matched ignoring case; no token for the others)", async () => {
    const scope = nock(API);
    mockOneInstallation(scope, [
      { id: 3, login: "other-org" },
      { id: 2, login: "Octo" },
    ]);
    mockOctoRepositories(scope);
    const io = captureIo();

    expect(await auditCommand().run(["--owner", "octo", "--since", "30d"], io)).toBe(0);

    // A call for installation 3 would find no mock: nock refuses it, and the command exits 1.
    expectAllMocksUsed();
    expect((io.out[0] ?? "").split("\r\n")).toHaveLength(4);
    expect(io.err).toEqual([`pipeline-guard audit: 3 entries since ${SINCE} from 2 repositories (Octo)`]);
  });

  test("--owner the app is not installed on: exits 2 and says so", async () => {
    const scope = nock(API);
    mockOneInstallation(scope);
    const io = captureIo();

    expect(await auditCommand().run(["--owner", "nobody"], io)).toBe(2);

    expectAllMocksUsed();
    expect(io.out).toEqual([]);
    expect(io.err).toEqual(['pipeline-guard audit: the app is not installed on "nobody"']);
  });

  test("a suspended installation is not read, and the summary says so", async () => {
    const scope = nock(API);
    mockOneInstallation(scope, [{ id: 5, login: "frozen", suspended: true }]);
    const io = captureIo();

    expect(await auditCommand().run(["--format", "md"], io)).toBe(0);

    expectAllMocksUsed();
    expect(io.out).toEqual(["_No overrides or bypasses in this period._"]);
    expect(io.err).toEqual([`pipeline-guard audit: 0 entries since ${SINCE} from 0 repositories (no installation); suspended, not read: frozen`]);
  });

  test("an API error: exits 1 with a short message on stderr, and nothing on stdout", async () => {
    nock(API)
      .get("/app/installations")
      .query(true)
      .reply(200, [{ id: 2, account: { login: "octo" }, suspended_at: null }])
      .post("/app/installations/2/access_tokens")
      .reply(201, { token: "ghs_installation2", expires_at: "2099-01-01T00:00:00Z" })
      .get("/installation/repositories")
      .query(true)
      .reply(500, { message: "Server Error" });
    const io = captureIo();

    expect(await auditCommand().run([], io)).toBe(1);

    expectAllMocksUsed();
    expect(io.out).toEqual([]);
    expect(io.err).toEqual(["pipeline-guard audit: GitHub answered 500 on GET /installation/repositories: Server Error"]);
  });

  test("a key GitHub does not accept: exits 1 with GitHub's message", async () => {
    nock(API).get("/app/installations").query(true).reply(401, { message: "A JSON web token could not be decoded" });
    const io = captureIo();

    expect(await auditCommand().run([], io)).toBe(1);

    expect(io.err).toEqual(["pipeline-guard audit: GitHub answered 401 on GET /app/installations: A JSON web token could not be decoded"]);
  });

  test("GitHub Enterprise Server: GHE_HOST and GHE_PROTOCOL give the API's address", async () => {
    nock("http://ghe.example.com").get("/api/v3/app/installations").query(true).reply(200, []);
    const io = captureIo();

    const command = auditCommand({ APP_ID: "4242", PRIVATE_KEY: privateKey, GHE_HOST: "ghe.example.com", GHE_PROTOCOL: "http" });
    expect(await command.run(["--format", "json"], io)).toBe(0);

    expectAllMocksUsed();
    expect(io.out).toEqual(["[]"]);
  });
});

describe("pipeline-guard audit: usage and credentials", () => {
  test.each([
    [["--repo", "octo/app"], 'unknown option "--repo"'],
    [["octo"], 'unexpected argument "octo"'],
    [["--since"], "--since needs a value"],
    [["--since="], "--since needs a value"],
    [["--since", "--format", "csv"], "--since needs a value"],
    [["--since", "yesterday"], '--since "yesterday": expected a duration such as 12h, 30d or 2w, or a date YYYY-MM-DD (UTC)'],
    [["--since", "2026-02-30"], '--since "2026-02-30": there is no such day'],
    [["--format", "xml"], '--format "xml": expected one of csv, json, md'],
    [["--format", "csv", "--format", "json"], "--format is given twice"],
    [["--owner", "-bad-"], '--owner "-bad-" is not a GitHub login'],
    [["--owner", "octo/app"], '--owner "octo/app" is not a GitHub login'],
  ])("%j is a usage error: exits 2 before any call", async (args, message) => {
    const io = captureIo();
    expect(await runCli(["audit", ...args], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([`pipeline-guard audit: ${message}\n${USAGE}`]);
  });

  test("audit --help prints its usage", async () => {
    const io = captureIo();
    expect(await runCli(["audit", "--help"], io)).toBe(0);
    expect(io.out).toEqual([`${USAGE}\n\nlist every override and bypass of the period, from the app's issues (default: --since 30d --format csv)`]);
  });

  test("parseAuditArgs: the defaults, and both flag spellings", () => {
    expect(parseAuditArgs([])).toEqual({ since: "30d", format: "csv" });
    expect(parseAuditArgs(["--owner=octo", "--since", "2w", "--format=md"])).toEqual({ owner: "octo", since: "2w", format: "md" });
  });

  test.each<[string, NodeJS.ProcessEnv, string]>([
    ["no APP_ID", {}, "the app's credentials are missing: APP_ID is not set; set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) as for the server (see .env.example)"],
    ["an APP_ID that is not a number", { APP_ID: "my-app" }, 'APP_ID "my-app" is not a number: it is the app\'s numeric id, shown on its settings page'],
    ["no key", { APP_ID: "4242" }, "the app's credentials are missing: PRIVATE_KEY or PRIVATE_KEY_PATH is not set; set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) as for the server (see .env.example)"],
    ["a key that is not a PEM", { APP_ID: "4242", PRIVATE_KEY: "not a key" }, "the app's private key cannot be read: The contents of \"env.PRIVATE_KEY\" could not be validated. Please check to ensure you have copied the contents of the .pem file correctly."],
    ["a key file that does not exist", { APP_ID: "4242", PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, "the app's private key cannot be read: Private key does not exists at path: \"/nonexistent/key.pem\". Please check to ensure that \"env.PRIVATE_KEY_PATH\" is correct."],
  ])("%s: exits 2 with a message, before any call", async (_name, env, message) => {
    const io = captureIo();
    expect(await auditCommand(env).run([], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([`pipeline-guard audit: ${message}`]);
  });

  test("PRIVATE_KEY_PATH is read", async () => {
    const file = join(emptyDir, "key.pem");
    writeFileSync(file, privateKey);
    nock(API).get("/app/installations").query(true).matchHeader("authorization", /^bearer ey/i).reply(200, []);
    const io = captureIo();
    expect(await auditCommand({ APP_ID: "4242", PRIVATE_KEY_PATH: file }).run([], io)).toBe(0);
    expectAllMocksUsed();
    rmSync(file);
  });

  test("a PRIVATE_KEY with escaped newlines (one line in .env) is read", () => {
    const app = createAppFromEnv({ APP_ID: "4242", PRIVATE_KEY: privateKey.replace(/\n/g, "\\n") }, { log: pino({ level: "silent" }), cwd: emptyDir });
    expect(app).toBeDefined();
  });
});
