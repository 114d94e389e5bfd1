import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import type nock from "nock";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { createPipelineGuard } from "../../src/index.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { driftStateOf } from "../helpers/records.js";
import {
  BASELINE_SNAPSHOT,
  activityReply,
  bodyOf,
  REPORT_QUERY,
  calls,
  classicProtection,
  driftState,
  issue,
  OPEN_QUERY,
  quietReport,
  writes,
  type Json,
} from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

type WebhookEvent = Parameters<ReturnType<typeof createTestApp>["probot"]["receive"]>[0];

/** A real example payload of @octokit/webhooks-examples, copied so that a test may change it. */
function example(name: string, action: string): Json {
  const found = (examples as Array<{ name: string; examples: Json[] }>).find((e) => e.name === name)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return JSON.parse(JSON.stringify(found)) as Json;
}

const event = (name: string, payload: Json) => ({ id: `delivery-${name}`, name, payload }) as unknown as WebhookEvent;
const app = () => createTestApp({ app: createPipelineGuard({ pauseMs: 0 }) });

/** Everything one repository's scan reads (config declared, so nothing to record), in order. */
function mockRepositoryScan(api: nock.Scope, repo: string, params: { config?: string; defaultBranch?: string; ruleSuites?: boolean; reportIssues?: Json[] } = {}) {
  const path = `/repos/${repo}`;
  const branch = params.defaultBranch ?? "master";
  api.get(CONFIG_PATH(repo)).reply(200, params.config ?? "drift:\n  protection:\n    enforce_admins: true\n", RAW);
  if (params.defaultBranch === undefined) api.get(path).reply(200, { id: 1, full_name: repo, default_branch: "master", archived: false });
  api
    .post("/graphql", (b: Json) => `${b.variables?.owner}/${b.variables?.repo}` === repo)
    .reply(200, activityReply())
    .get(`${path}/issues`)
    .query(OPEN_QUERY)
    .reply(200, []);
  if (params.ruleSuites) api.get(`${path}/rulesets/rule-suites`).query(true).reply(200, []);
  api.get(`${path}/issues`).query(REPORT_QUERY).reply(200, params.reportIssues ?? []);
  api.get(`${path}/branches/${branch}/protection`).reply(200, classicProtection());
  api.get(`${path}/rules/branches/${branch}`).query(true).reply(200, []);
}

describe("installation_repositories.added", () => {
  test("the real example: the added repository is scanned and its baseline recorded in a closed report", async () => {
    const { probot, logs } = app();
    const mock = mockGitHub();
    const payload = example("installation_repositories", "added");
    expect(payload.installation.permissions.administration).toBe("write");
    mockRepositoryScan(mock.api, "Codertocat/Space", { config: "mode: enforce\n", ruleSuites: true });
    mock.api
      .get("/repos/Codertocat/Space/issues")
      .query(REPORT_QUERY)
      .reply(200, [])
      .post("/repos/Codertocat/Space/labels")
      .reply(201, {})
      .post("/repos/Codertocat/Space/issues")
      .reply(201, (_uri: string, body: Json) => issue({ number: 1, title: body.title, body: body.body, labels: body.labels }))
      .patch("/repos/Codertocat/Space/issues/1")
      .reply(200, {});

    await probot.receive(event("installation_repositories", payload));

    expectAllCallsMade(mock);
    // administration: write lets the scan read rule suites; the installation is from 2019, so the look-back is 30 days.
    expect(calls(mock.requests)).toContain("GET /repos/Codertocat/Space/rulesets/rule-suites");
    // Created with a pending signature, then signed with its number and closed in one write.
    const [, created, signed] = writes(mock.requests);
    expect(bodyOf(created).title).toBe("Configuration drift report");
    expect(driftStateOf({ owner: "Codertocat", repo: "Space", number: 1 }, bodyOf(signed).body)).toMatchObject({ baseline: { master: BASELINE_SNAPSHOT } });
    expect(bodyOf(signed)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(logs.find((l) => l.msg === "drift scan done")).toMatchObject({ repository: "Codertocat/Space", report: "baseline recorded" });
  });

  test("several added repositories are scanned one at a time", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("installation_repositories", "added");
    payload.installation.permissions = { administration: "read", contents: "read", issues: "write", metadata: "read" };
    payload.repositories_added.push({ id: 1296269, node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", name: "Hello-World", full_name: "Codertocat/Hello-World", private: false });
    mockRepositoryScan(mock.api, "Codertocat/Space");
    mockRepositoryScan(mock.api, "Codertocat/Hello-World");

    await probot.receive(event("installation_repositories", payload));

    expectAllCallsMade(mock);
    const repos = mock.requests.filter((r) => r.path !== "/app").map((r) => (r.path === "/graphql" ? `/repos/${bodyOf(r).variables.owner}/${bodyOf(r).variables.repo}` : r.path).split("/")[3]);
    expect(repos).toEqual([...Array(7).fill("Space"), ...Array(7).fill("Hello-World")]);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("installation.created (real example): its repositories are scanned from the installation on (created_at in epoch seconds)", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("installation", "created");
    expect(payload.repositories.map((r: Json) => r.full_name)).toEqual(["Codertocat/Hello-World"]);
    expect(typeof payload.installation.created_at).toBe("number");
    const installedAt = Math.floor(Date.now() / 1000) - 3600;
    payload.installation.created_at = installedAt;
    mockRepositoryScan(mock.api, "Codertocat/Hello-World", { ruleSuites: true });

    await probot.receive(event("installation", payload));

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    // Commits pushed before the app was installed are no missed webhooks: the history starts at the installation.
    const graphql = mock.requests.find((r) => r.path === "/graphql");
    expect(bodyOf(graphql).variables.since).toBe(new Date(installedAt * 1000).toISOString());
  });
});

describe("branch_protection_rule", () => {
  test("edited (real example): the repository is scanned at once and the comment names who changed it", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("branch_protection_rule", "edited");
    payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
    expect(payload.repository.default_branch).toBe("main");
    const report = quietReport(driftState({ baseline: { main: BASELINE_SNAPSHOT } }), 4);
    const path = "/repos/octo-org/octo-repo";
    mock.api
      .get(CONFIG_PATH("octo-org/octo-repo"))
      .reply(404, { message: "Not Found" })
      .get(CONFIG_PATH("octo-org/.github"))
      .reply(404, { message: "Not Found" })
      .post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/main")
      .reply(200, activityReply())
      .get(`${path}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${path}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [report]);
    mock.api.get(`${path}/branches/main/protection`).reply(200, classicProtection({ enforceAdmins: false }));
    mock.api.get(`${path}/rules/branches/main`).query(true).reply(200, []);
    mock.api.patch(`${path}/issues/4`).reply(200, {}).post(`${path}/issues/4/comments`).reply(201, {});

    await probot.receive(event("branch_protection_rule", payload));

    expectAllCallsMade(mock);
    // No rule suites: the event's installation does not say what the app may read.
    expect(calls(mock.requests).some((c) => c.includes("rule-suites"))).toBe(false);
    const [update, comment] = writes(mock.requests);
    expect(bodyOf(update).state).toBe("open");
    expect(bodyOf(comment).body).toBe(
      [
        "Reopened: production has drifted from Git again (1 item):",
        "",
        "- `main`: enforce_admins is false, expected true (`protection:main:enforce_admins`)",
        "",
        "The report above says how to fix each through the pipeline.",
        "",
        "Seen at once through the `branch_protection_rule.edited` event; the change was made by `Codertocat`.",
      ].join("\n"),
    );
    expect(bodyOf(comment).body).not.toContain("@Codertocat");
  });

  test("the first report, opened by the event, names who made the change in its first comment", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("branch_protection_rule", "edited");
    payload.installation = { id: 2 };
    const path = "/repos/octo-org/octo-repo";
    mock.api
      .get(CONFIG_PATH("octo-org/octo-repo"))
      .reply(200, "drift:\n  protection:\n    enforce_admins: true\n", RAW)
      .post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/main")
      .reply(200, activityReply())
      .get(`${path}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${path}/issues`)
      .query(REPORT_QUERY)
      .reply(200, []);
    mock.api.get(`${path}/branches/main/protection`).reply(200, classicProtection({ enforceAdmins: false }));
    mock.api.get(`${path}/rules/branches/main`).query(true).reply(200, []);
    mock.api
      .get(`${path}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [])
      .post(`${path}/labels`)
      .reply(201, {})
      .post(`${path}/issues`)
      .reply(201, (_uri: string, body: Json) => ({ number: 7, title: body.title, body: body.body, labels: [], state: "open", user: { login: "pipeline-guard[bot]", type: "Bot" } }))
      .patch(`${path}/issues/7`)
      .reply(200, {})
      .post(`${path}/issues/7/comments`)
      .reply(201, {});

    await probot.receive(event("branch_protection_rule", payload));

    expectAllCallsMade(mock);
    const comment = writes(mock.requests).at(-1);
    expect(comment?.path).toBe(`${path}/issues/7/comments`);
    expect(bodyOf(comment).body).toBe("Seen at once through the `branch_protection_rule.edited` event; the change was made by `Codertocat`.");
  });

  test("a change that leaves production as expected writes nothing", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("branch_protection_rule", "edited");
    payload.installation = { id: 2 };
    mockRepositoryScan(mock.api, "octo-org/octo-repo", { defaultBranch: "main", reportIssues: [] });

    await probot.receive(event("branch_protection_rule", payload));

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
  });

  test("without an installation in the payload: no call", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    await probot.receive(event("branch_protection_rule", example("branch_protection_rule", "deleted")));
    expect(mock.unmatched).toEqual([]);
    expect(mock.requests.filter((r) => r.path !== "/app")).toEqual([]);
  });

  test("an archived repository is skipped", async () => {
    const { probot } = app();
    const mock = mockGitHub();
    const payload = example("branch_protection_rule", "edited");
    payload.installation = { id: 2 };
    payload.repository.archived = true;
    await probot.receive(event("branch_protection_rule", payload));
    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual(["GET /app"]);
  });
});
