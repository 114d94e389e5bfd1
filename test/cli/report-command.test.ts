/**
 * `pipeline-guard report` against GitHub (nock): the fixture of known records
 * (test/helpers/report-fixture.ts) as the app's signed issues, the org's teams and the merged PRs;
 * the command's figures are the fixture's, computed by hand in test/audit/report-figures.test.ts.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { pino } from "pino";
import { computeReport } from "../../src/audit/report-figures.js";
import { reportToJson, reportToMarkdown } from "../../src/audit/report-formats.js";
import { createAppFromEnv } from "../../src/cli/app-credentials.js";
import { createReportCommand, parseReportArgs } from "../../src/cli/report-command.js";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { APP_LOGIN } from "../helpers/nock-harness.js";
import { bypassIssue, bypassState, followUpIssue, followUpState } from "../helpers/records.js";
import { BYPASSES, MERGES, OVERRIDES, reportFacts, SINCE, UNTIL } from "../helpers/report-fixture.js";
import { captureIo } from "./capture-io.js";

const API = "https://api.github.com";
const PREVIOUS_SINCE = "2026-06-04T00:00:00.000Z";

let privateKey = "";
let emptyDir = "";
beforeAll(() => {
  nock.disableNetConnect();
  privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  emptyDir = mkdtempSync(join(tmpdir(), "pipeline-guard-report-"));
});
afterAll(() => {
  nock.enableNetConnect();
  rmSync(emptyDir, { recursive: true, force: true });
});
afterEach(() => nock.cleanAll());

const TestOctokit = PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));

function reportCommand() {
  return createReportCommand({
    env: { APP_ID: "4242", PRIVATE_KEY: privateKey },
    now: () => UNTIL,
    createApp: (e) => createAppFromEnv(e, { Octokit: TestOctokit, log: pino({ level: "silent" }), cwd: emptyDir }),
  });
}

/** The fixture's overrides as the app's signed follow-up issues of `repo`. */
function followUpIssues(repo: string) {
  return OVERRIDES.flatMap((o, i) => {
    if (o.repository !== repo) return [];
    const number = 100 + i;
    const items: Array<"retest" | "postmortem"> = o.retestAt ? (o.done ? ["retest"] : ["retest", "postmortem"]) : ["postmortem"];
    const ticks: Record<string, { by: string; at: string }> = {};
    if (o.retestAt) ticks.retest = { by: "ci", at: o.retestAt };
    if (o.done) for (const item of items) ticks[item] ??= { by: "maria", at: o.closedAt! };
    const state = followUpState(
      { pr: o.pr === null ? undefined : { number: o.pr, title: `PR ${o.pr}` }, sha: `${String(number).padStart(4, "0")}${"a".repeat(36)}`, markers: [...o.markers], labels: [...o.markers], items, author: o.author, at: new Date(o.at) },
      { ticks, ...(o.waived ? { waiver: { by: "maria", reason: "accepted", at: o.closedAt! } } : {}) },
    );
    const issue = followUpIssue({ repository: repo, number, issueState: o.state, stateReason: o.state === "closed" && !o.done ? "not_planned" : null }, state);
    return [{ ...issue, closed_at: o.closedAt }];
  });
}

function bypassIssues(repo: string) {
  return BYPASSES.flatMap((b, i) =>
    b.repository === repo
      ? [bypassIssue({ repository: repo, number: 200 + i }, bypassState({ kind: b.kind as "direct push", actor: b.actor, at: new Date(b.at), sha: `${String(i).padStart(4, "0")}${"b".repeat(36)}` }))]
      : [],
  );
}

function searchReply(repo: string) {
  const nodes = MERGES.filter((m) => m.repository === repo).map((m) => ({ mergedAt: m.at, baseRefName: "main", author: m.author ? { login: m.author } : null }));
  // A PR into another branch is not a production merge.
  nodes.push({ mergedAt: "2026-11-02T00:00:00Z", baseRefName: "feature/x", author: { login: "alice" } });
  return { data: { search: { issueCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes } } };
}

function mockGitHub(scope: nock.Scope, options: { teams?: number } = {}) {
  scope
    .get("/app/installations")
    .query({ per_page: "100" })
    .reply(200, [{ id: 2, account: { login: "acme", type: "Organization" }, suspended_at: null }])
    .post("/app/installations/2/access_tokens")
    .reply(201, { token: "ghs_installation2", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" })
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .reply(200, { total_count: 2, repositories: [{ name: "api", owner: { login: "acme" }, default_branch: "main" }, { name: "web", owner: { login: "acme" }, default_branch: "main" }] });
  if (options.teams === 403) {
    scope.get("/orgs/acme/teams").query({ per_page: "100" }).reply(403, { message: "Resource not accessible by integration" });
  } else {
    scope
      .get("/orgs/acme/teams")
      .query({ per_page: "100" })
      .reply(200, [{ slug: "payments" }, { slug: "sre" }])
      .get("/orgs/acme/teams/payments/members")
      .query({ per_page: "100" })
      .reply(200, [{ login: "alice" }, { login: "Bob" }])
      .get("/orgs/acme/teams/sre/members")
      .query({ per_page: "100" })
      .reply(200, [{ login: "bob" }]);
  }
  scope.get("/app").reply(200, { id: 4242, slug: "pipeline-guard", name: "Pipeline Guard" });
  for (const repo of ["api", "web"]) {
    scope
      .get(`/repos/acme/${repo}/contents/.github%2Fpipeline-guard.yml`)
      .reply(404, { message: "Not Found" })
      .get("/repos/acme/.github/contents/.github%2Fpipeline-guard.yml")
      .reply(404, { message: "Not Found" })
      .get(`/repos/acme/${repo}/issues`)
      .query({ creator: APP_LOGIN, state: "all", sort: "created", direction: "asc", since: PREVIOUS_SINCE, per_page: "100" })
      .reply(200, [...followUpIssues(`acme/${repo}`), ...bypassIssues(`acme/${repo}`)])
      .post("/graphql", (body: { query: string; variables: { search: string } }) => body.variables.search === `repo:acme/${repo} is:pr is:merged merged:>=2026-06-04`)
      .reply(200, searchReply(`acme/${repo}`));
  }
}

describe("pipeline-guard report against GitHub", () => {
  test("the fixture of known records: the figures computed by hand, as Markdown; 14 calls", async () => {
    const scope = nock(API);
    mockGitHub(scope);
    const calls: string[] = [];
    scope.on("request", (req: { method: string; path: string }) => calls.push(`${req.method} ${req.path.split("?")[0]}`));
    const io = captureIo();

    expect(await reportCommand().run(["--since", "90d"], io)).toBe(0);

    expect(nock.pendingMocks()).toEqual([]);
    expect(io.out).toEqual([reportToMarkdown(computeReport(reportFacts()))]);
    expect(io.err).toEqual([`pipeline-guard report: 2 repositories since ${SINCE.toISOString()} (acme)`]);
    expect(calls.filter((c) => !c.endsWith("/access_tokens"))).toHaveLength(14);
  });

  test("--format json: the same figures, stable", async () => {
    const scope = nock(API);
    mockGitHub(scope);
    const io = captureIo();
    expect(await reportCommand().run(["--format=json"], io)).toBe(0);
    expect(io.out).toEqual([reportToJson(computeReport(reportFacts()))]);
  });

  test("teams that cannot be read: everyone is (no team), and a note says why", async () => {
    const scope = nock(API);
    mockGitHub(scope, { teams: 403 });
    const io = captureIo();
    expect(await reportCommand().run(["--format", "json"], io)).toBe(0);
    const report = JSON.parse(io.out[0] ?? "{}") as { byTeam: Array<{ name: string; overrides: { count: number } }>; notes: string[] };
    expect(report.byTeam.map((r) => [r.name, r.overrides.count])).toEqual([["(no team)", 6]]);
    expect(report.notes).toEqual(["the teams of acme could not be read (a user account, or no members: read): its people are listed as (no team)"]);
  });

  test("GitHub failing: exit 1 with the status and the request that failed, nothing on stdout", async () => {
    const scope = nock(API).get("/app/installations").query(true).reply(500, { message: "Server Error" });
    const io = captureIo();
    expect(await reportCommand().run([], io)).toBe(1);
    expect(io.err).toEqual(["pipeline-guard report: GitHub answered 500 on GET /app/installations: Server Error"]);
    expect(io.out).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  test("no credentials: exit 2 with what to set, no call", async () => {
    const io = captureIo();
    const command = createReportCommand({ env: {}, now: () => UNTIL, createApp: (e) => createAppFromEnv(e, { Octokit: TestOctokit, log: pino({ level: "silent" }), cwd: emptyDir }) });
    expect(await command.run([], io)).toBe(2);
    expect(io.err).toEqual([expect.stringMatching(/^pipeline-guard report: the app's credentials are missing: APP_ID is not set/)]);
    expect(io.out).toEqual([]);
  });

  test("a usage error: exit 2 with the usage", async () => {
    const io = captureIo();
    expect(await reportCommand().run(["--format", "csv"], io)).toBe(2);
    expect(io.err[0]).toContain('--format "csv": expected one of md, json');
    expect(() => parseReportArgs(["--since"])).toThrow("--since needs a value");
    expect(parseReportArgs([])).toEqual({ since: "90d", format: "md" });
  });
});
