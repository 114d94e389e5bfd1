import { createRequire } from "node:module";
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { COMMAND_HELP } from "../../src/commands/parse-command.js";
import type { DriftState } from "../../src/drift/record.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, commitsResponse, fixture } from "../helpers/payloads.js";
import { bodies, callList, memoryRead, pullRequestData, requestsTo, type Json } from "../helpers/github-replies.js";
import { BASELINE_SNAPSHOT, activityReply, classicProtection } from "../helpers/scan-github.js";
import { driftReportIssue, driftState, driftStateOf, followUpBody, followUpState, issueSummary } from "../helpers/records.js";
import { readFollowUp } from "../../src/follow-ups/record.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const REPO = "Codertocat/Hello-World";
const R = `/repos/${REPO}`;
const COMMENT_ID = 492700400;
const REACTIONS = `${R}/issues/comments/${COMMENT_ID}/reactions`;
const ALLOW_CODERTOCAT = "commands:\n  allowed:\n    users: [codertocat]\n";

/** An `issue_comment.created` event of the real example (Codertocat/Hello-World, issue #1; PR #2 with `pr`). */
function commentEvent(body: string, options: { pr?: boolean; sender?: string; senderType?: string } = {}) {
  const payload = fixture<Json>(options.pr ? "issue_comment.created.pull_request.json" : "issue_comment.created.json");
  payload.comment.body = body;
  payload.comment.user.login = payload.sender.login = options.sender ?? "Codertocat";
  payload.comment.user.type = payload.sender.type = options.senderType ?? "User";
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "issue_comment" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const reply = (mock: ReturnType<typeof mockGitHub>, number = 1): string => {
  const posted = requestsTo(mock.requests, "POST", `${R}/issues/${number}/comments`);
  expect(posted).toHaveLength(1);
  return (posted[0]?.body as Json).body as string;
};
const reactions = (mock: ReturnType<typeof mockGitHub>) => requestsTo(mock.requests, "POST", REACTIONS).map((r) => (r.body as Json).content);

/** Config, then (without `users`) the sender's permission. */
function allowed(mock: ReturnType<typeof mockGitHub>, config = "", role = "maintain") {
  mock.api.get(CONFIG_PATH(REPO)).reply(200, config, RAW);
  if (!/users:/.test(config)) mock.api.get(`${R}/collaborators/Codertocat/permission`).reply(200, { permission: role === "maintain" ? "write" : role, role_name: role });
}

describe("issue_comment: comments that cost nothing", () => {
  test("a comment without a command: 0 API calls", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(commentEvent("You are totally right! I'll get this fixed right away."));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test.each([
    ["in a code block", "```\n/pipeline-guard rescan\n```"],
    ["quoted", "> /pipeline-guard rescan\n\nWhat does this do?"],
    ["on the second line", "Let's see:\n/pipeline-guard rescan"],
    ["another app's", "/pipeline-guardian rescan"],
  ])("a command %s: 0 API calls", async (_name, body) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(commentEvent(body));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("a bot's comment, even a command: 0 API calls", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(commentEvent("/pipeline-guard rescan", { sender: "other-app[bot]", senderType: "Bot" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("an old comment edited into a command (issue_comment.edited, the real example): 0 API calls", async () => {
    const require = createRequire(import.meta.url);
    const index = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{ name: string; examples: Json[] }>;
    const edited = structuredClone(index.find((e) => e.name === "issue_comment")!.examples.find((e) => e.action === "edited")!);
    edited.comment.body = "/pipeline-guard rescan";
    edited.installation = { id: 1 };
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive({ id: "delivery-edited", name: "issue_comment", payload: edited as never });
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("issue_comment: who may run commands", () => {
  test("write permission where maintain is needed: confused reaction and a reply that says so, with no @-mention", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "", RAW)
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(REACTIONS)
      .reply(201, { id: 1, content: "confused" })
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard replace aws_instance.prod_db"));

    expectAllCallsMade(mock);
    expect(reactions(mock)).toEqual(["confused"]);
    const text = reply(mock);
    expect(text).toBe("`Codertocat` may not run Pipeline Guard commands here: Codertocat has write permission (maintain needed). See `commands.allowed`.");
    expect(text).not.toContain("@");
    expect(requestsTo(mock.requests, "POST", `${R}/actions/workflows/apply.yml/dispatches`)).toEqual([]);
  });

  // SPEC section 10, rule 11: fails without the strictest fallback (the broken team list would
  // take its default, [], and `permission: maintain` would stand: the maintainer would be allowed).
  test("an invalid commands.allowed (a team that is not a string): only admins may run commands", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "commands:\n  allowed:\n    permission: maintain\n    teams: [{ slug: sre }]\n", RAW)
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "maintain" })
      .post(REACTIONS)
      .reply(201, {})
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard help"));

    expectAllCallsMade(mock);
    expect(reactions(mock)).toEqual(["confused"]);
    expect(reply(mock)).toBe("`Codertocat` may not run Pipeline Guard commands here: Codertocat has maintain permission (admin needed). See `commands.allowed` (commands.allowed is invalid: only admins may run commands until it is fixed).");
  });

  test("not allowed, and in none of the listed teams: the reply names the teams, still no @", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "commands:\n  allowed:\n    teams: [sre]\n", RAW)
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(404, { message: "Not Found" })
      .get("/orgs/Codertocat/teams/sre/memberships/Codertocat")
      .reply(404, { message: "Not Found" })
      .post(REACTIONS)
      .reply(201, {})
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard rescan"));

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe("`Codertocat` may not run Pipeline Guard commands here: Codertocat has no access to the repository (maintain needed) and is in none of the teams sre. See `commands.allowed`.");
  });

  test("allowed through commands.allowed.users: no permission call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ALLOW_CODERTOCAT, RAW).post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard help"));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([`GET ${R}/contents/.github/pipeline-guard.yml`, `POST ${REACTIONS}`, `POST ${R}/issues/1/comments`]);
    expect(reactions(mock)).toEqual(["+1"]);
  });
});

describe("issue_comment: help and errors", () => {
  test("help: +1 reaction and the help text; 4 calls (config, permission, reaction, reply)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock);
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/Pipeline-Guard Help"));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      `GET ${R}/collaborators/Codertocat/permission`,
      `POST ${REACTIONS}`,
      `POST ${R}/issues/1/comments`,
    ]);
    expect(reactions(mock)).toEqual(["+1"]);
    expect(reply(mock)).toBe(COMMAND_HELP);
  });

  test.each([
    ["an unknown command", "/pipeline-guard deploy now", 'unknown command "deploy"'],
    ["a bad address", "/pipeline-guard replace aws_instance.x; rm -rf /", "replace needs one Terraform resource address"],
    ["a command substitution", "/pipeline-guard replace $(id)", "replace needs one Terraform resource address"],
    ["an accept with a bad date", "/pipeline-guard accept x until 2026-02-30 because", '"2026-02-30" is not a date of the form YYYY-MM-DD'],
    ["an accept without a reason", "/pipeline-guard accept x", "accept needs a reason"],
  ])("%s: confused reaction, the error and the help, nothing dispatched", async (_name, body, error) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "commands:\n  apply_workflow: apply.yml\n");
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent(body));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(reactions(mock)).toEqual(["confused"]);
    const text = reply(mock);
    expect(text.startsWith(error)).toBe(true);
    expect(text).toContain(COMMAND_HELP);
  });
});

describe("issue_comment: replace", () => {
  const DISPATCH = `${R}/actions/workflows/apply.yml/dispatches`;

  test("dispatches commands.apply_workflow on the production branch with input replace, and links its runs", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "commands:\n  apply_workflow: apply.yml\n");
    mock.api.post(REACTIONS).reply(201, {}).post(DISPATCH).reply(204).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard replace aws_instance.prod_db"));

    expectAllCallsMade(mock);
    expect(reactions(mock)).toEqual(["+1"]);
    expect(requestsTo(mock.requests, "POST", DISPATCH).map((r) => r.body)).toEqual([{ ref: "master", inputs: { replace: "aws_instance.prod_db" } }]);
    expect(reply(mock)).toBe(
      "Dispatched `apply.yml` on `master` to replace `aws_instance.prod_db`: follow the run at https://github.com/Codertocat/Hello-World/actions/workflows/apply.yml.",
    );
  });

  test("a for_each key reaches the workflow as written; the first production branch that is not a glob is used", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "production:\n  branches: ['release/*', '@(live|prod)', main]\ncommands:\n  apply_workflow: apply.yml\n");
    mock.api.post(REACTIONS).reply(201, {}).post(DISPATCH).reply(204).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent('/pipeline-guard replace module.s3.aws_s3_bucket.b["logs"]'));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)[0]?.body).toEqual({ ref: "main", inputs: { replace: 'module.s3.aws_s3_bucket.b["logs"]' } });
    expect(reply(mock)).toContain("on `main` to replace `module.s3.aws_s3_bucket.b[\"logs\"]`");
  });

  test("a workflow without a `replace` input (422) is not dispatched again without it: that would be a full apply", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "commands:\n  apply_workflow: apply.yml\n");
    mock.api
      .post(REACTIONS)
      .reply(201, {})
      .post(DISPATCH)
      .reply(422, { message: 'Unexpected inputs provided: ["replace"]' })
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard replace aws_instance.prod_db"));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "POST", DISPATCH)).toHaveLength(1);
    expect(reply(mock)).toBe(
      '`apply.yml` could not be dispatched on `master` (422: Unexpected inputs provided: ["replace"]). `commands.apply_workflow` must name a workflow of this repository with a `workflow_dispatch` trigger that declares a `replace` input. Nothing was run.',
    );
  });

  test("without commands.apply_workflow: a reply that says to configure it, no dispatch", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock);
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard replace aws_instance.prod_db"));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(reply(mock)).toMatch(/^No `commands.apply_workflow` is configured: set it to the workflow that runs `terraform apply -replace`/);
  });

  test("an unexpected failure (403) is told in a reply, and the delivery fails", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "commands:\n  apply_workflow: apply.yml\n");
    mock.api
      .post(REACTIONS)
      .reply(201, {})
      .post(DISPATCH)
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await expect(probot.receive(commentEvent("/pipeline-guard replace aws_instance.prod_db"))).rejects.toThrow(/Resource not accessible/);

    expectAllCallsMade(mock);
    expect(reply(mock)).toMatch(/^`\/pipeline-guard replace` failed \(403: Resource not accessible by integration/);
  });
});

describe("issue_comment: recheck", () => {
  test("on a PR: the PR is read and evaluated again (the config read once), and a new Pipeline Guard check run is made", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "production:\n  branches: [master]\n");
    mock.api
      .post(REACTIONS)
      .reply(201, {})
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestData({ repo: REPO }));
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`${R}/pulls/2/commits`)
      .query({ per_page: 100 })
      .reply(200, commitsResponse(["Update README"]))
      .post(`${R}/check-runs`)
      .reply(201, { id: 5 });

    await probot.receive(commentEvent("/pipeline-guard recheck", { pr: true }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      `GET ${R}/collaborators/Codertocat/permission`,
      `POST ${REACTIONS}`,
      `GET ${R}/pulls/2`,
      "GET /app",
      `GET ${R}/commits/${HEAD_SHA}/check-runs`,
      `GET ${R}/pulls/2/commits`,
      `POST ${R}/check-runs`,
    ]);
    expect(bodies(mock.requests)[7]).toMatchObject({ name: "Pipeline Guard", head_sha: HEAD_SHA, status: "completed", conclusion: "success" });
  });

  test("on a PR into a branch that is not production: a reply that says so, no check", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "production:\n  branches: [master]\n");
    mock.api
      .post(REACTIONS)
      .reply(201, {})
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestData({ repo: REPO, base: "feature/x" }))
      .post(`${R}/issues/2/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard recheck", { pr: true }));

    expectAllCallsMade(mock);
    expect(reply(mock, 2)).toBe("This pull request goes into `feature/x`, which is not a production branch: Pipeline Guard does not check it.");
  });

  test("on an issue: a reply that it works on pull requests", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock);
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard recheck"));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(reply(mock)).toBe("`recheck` works on pull requests: comment it on the pull request to evaluate.");
  });
});

/* ---- rescan and accept: a whole drift scan, with the installation's token ---- */

const ENFORCE_ADMINS = "protection:master:enforce_admins";
const FORCE_PUSHES = "protection:master:allow_force_pushes";

/** The drift report the app made earlier: both protection items open, the baseline of a well protected master. */
/** The repository's drift report, #7, signed for this repository: two items open. */
function driftReport() {
  const state = driftState({
    items: { [ENFORCE_ADMINS]: { firstSeen: "2026-11-01T00:00:00.000Z" }, [FORCE_PUSHES]: { firstSeen: "2026-11-02T00:00:00.000Z" } },
    baseline: { master: BASELINE_SNAPSHOT as DriftState["baseline"][string] },
  });
  return driftReportIssue({ repository: REPO, number: 7 }, state);
}

/**
 * Answers the scan's reads, whatever their count: the config, history (GraphQL), the issue
 * listings (the drift report under its label), and a protection that still has both drifts.
 * nock persists by scope: every answer of `mock.api` is kept from here on, so the test counts the
 * requests it cares about itself.
 */
function scanReads(mock: ReturnType<typeof mockGitHub>, params: { report: Json | null; config?: string }) {
  mock.api
    .persist()
    .get(CONFIG_PATH(REPO))
    .reply(200, params.config ?? ALLOW_CODERTOCAT, RAW)
    .post("/graphql")
    .reply(200, activityReply())
    .get(`${R}/issues`)
    .query(true)
    .reply(() => [200, params.report ? [params.report] : []])
    .get(`${R}/branches/master/protection`)
    .reply(200, classicProtection({ enforceAdmins: false, forcePushes: true }))
    .get(`${R}/rules/branches/master`)
    .query(true)
    .reply(200, []);
}

describe("issue_comment: rescan", () => {
  test("the scan runs with the installation's client and the reply sums it up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    scanReads(mock, { report: driftReport() });
    mock.api.post(REACTIONS).reply(201, {}).patch(`${R}/issues/7`).reply(200, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard rescan"));

    expect(mock.unmatched).toEqual([]);
    expect(reactions(mock)).toEqual(["+1"]);
    expect(callList(mock.requests)).toEqual([
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      `POST ${REACTIONS}`,
      "GET /app",
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      "POST /graphql",
      `GET ${R}/issues`,
      `GET ${R}/issues`,
      `GET ${R}/branches/master/protection`,
      `GET ${R}/rules/branches/master`,
      `PATCH ${R}/issues/7`,
      `POST ${R}/issues/1/comments`,
    ]);
    expect(reply(mock)).toBe("Scan done: 2 open drift item(s), 0 accepted, 0 new; the report was updated.");
  });

  test("an archived repository: the reply says the scan was skipped", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ALLOW_CODERTOCAT, RAW)
      .post(REACTIONS)
      .reply(201, {})
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });
    const event = commentEvent("/pipeline-guard rescan");
    event.payload.repository.archived = true;

    await probot.receive(event);

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe("The scan was skipped: archived.");
  });
});

describe("issue_comment: accept", () => {
  test("an id the report does not hold: the reply lists the report's item ids; no scan", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ALLOW_CODERTOCAT, RAW)
      .post(REACTIONS)
      .reply(201, {})
      .get(`${R}/issues`)
      .query({ creator: "pipeline-guard[bot]", state: "all", sort: "created", direction: "asc", per_page: 100 })
      .reply(200, [driftReport()])
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard accept protection:master:lock_branch it is fine"));

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe(
      `There is no drift item \`protection:master:lock_branch\`. The items of the report are:\n- \`${FORCE_PUSHES}\`\n- \`${ENFORCE_ADMINS}\``,
    );
  });

  test("no report at all: the reply says there are no drift items", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ALLOW_CODERTOCAT, RAW)
      .post(REACTIONS)
      .reply(201, {})
      .get(`${R}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent("/pipeline-guard accept x because"));

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe("There is no drift item `x`. The items of the report are:\n_There are no drift items._");
  });

  test("a known id: the report lists it apart as accepted, with who, why and until; the reply says Accepted", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    scanReads(mock, { report: driftReport() });
    mock.api.post(REACTIONS).reply(201, {}).patch(`${R}/issues/7`).reply(200, {}).post(`${R}/issues/1/comments`).reply(201, { id: 2 });
    const before = Date.now();

    await probot.receive(commentEvent(`/pipeline-guard accept ${ENFORCE_ADMINS} until 2099-12-31 admins need it during the migration`));

    expect(mock.unmatched).toEqual([]);
    expect(reactions(mock)).toEqual(["+1"]);
    expect(callList(mock.requests)).toEqual([
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      `POST ${REACTIONS}`,
      "GET /app", // the app's own login: its records are the issues it opened
      `GET ${R}/issues`, // the report's item ids
      `GET ${R}/contents/.github/pipeline-guard.yml`, // the scan's own read, through app.auth(installation)
      "POST /graphql",
      `GET ${R}/issues`, // the app's open issues
      `GET ${R}/issues`, // the report
      `GET ${R}/branches/master/protection`,
      `GET ${R}/rules/branches/master`,
      `PATCH ${R}/issues/7`,
      `POST ${R}/issues/1/comments`,
    ]);
    const patches = requestsTo(mock.requests, "PATCH", `${R}/issues/7`);
    expect(patches).toHaveLength(1);
    const body = (patches[0]?.body as Json).body as string;
    const [open, accepted] = body.split("## Accepted");
    expect(open).toContain(FORCE_PUSHES);
    expect(open).not.toContain(ENFORCE_ADMINS);
    expect(accepted).toContain(ENFORCE_ADMINS);
    expect(accepted).toMatch(/Accepted by `Codertocat` on \d{4}-\d\d-\d\d \d\d:\d\d UTC, until 2099-12-31 \(inclusive\): admins need it during the migration/);
    const state = driftStateOf({ owner: "Codertocat", repo: "Hello-World", number: 7 }, body) as Json;
    expect(state.accepted[ENFORCE_ADMINS]).toMatchObject({ by: "Codertocat", reason: "admins need it during the migration", until: "2099-12-31" });
    expect(Date.parse(state.accepted[ENFORCE_ADMINS].at)).toBeGreaterThanOrEqual(before - 1000);
    expect(state.items[ENFORCE_ADMINS]).toEqual({ firstSeen: "2026-11-01T00:00:00.000Z" });
    expect(reply(mock)).toBe(`Accepted \`${ENFORCE_ADMINS}\` until 2099-12-31: it is listed apart in the report. Scan done: 1 open drift item(s), 1 accepted, 0 new; the report was updated.`);
  });

  test("a date already past: refused before any read, nothing recorded", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ALLOW_CODERTOCAT, RAW)
      .post(REACTIONS)
      .reply(201, {})
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent(`/pipeline-guard accept ${ENFORCE_ADMINS} until 2020-01-31 too late`));

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe("2020-01-31 is already past: an acceptance must end today or later.");
  });

  test("drift reporting off: refused rather than claimed, before any read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, `${ALLOW_CODERTOCAT}drift:\n  enabled: false\n`, RAW)
      .post(REACTIONS)
      .reply(201, {})
      .post(`${R}/issues/1/comments`)
      .reply(201, { id: 2 });

    await probot.receive(commentEvent(`/pipeline-guard accept ${ENFORCE_ADMINS} reason`));

    expectAllCallsMade(mock);
    expect(reply(mock)).toBe("Drift reporting is off (`drift.enabled: false`): there is no report to record the acceptance in.");
  });
});

describe("/pipeline-guard waive REASON: an accepted risk, on the record", () => {
  const STATE = followUpState({ items: ["retest", "postmortem"] }, { ticks: { retest: { by: "carol", at: "2026-11-21T00:00:00.000Z" } } });

  /** The comment on issue #1, which is the app's follow-up. */
  function onFollowUp(body: string, options: { sender?: string; issueUser?: string } = {}) {
    const event = commentEvent(body, { sender: options.sender });
    event.payload.issue.user = { ...event.payload.issue.user, login: options.issueUser ?? "pipeline-guard[bot]", type: "Bot" };
    event.payload.issue.body = followUpBody({ repository: REPO, number: 1 }, STATE);
    return event;
  }

  test("by someone allowed by commands.allowed: who and why go into the signed state, the issue is closed as not planned in the same write, and the reply says what was waived", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock);
    mock.api.post(REACTIONS).reply(201, {}).patch(`${R}/issues/1`).reply(200, {}).post(`${R}/issues/1/comments`).reply(201, {});

    await probot.receive(onFollowUp("/pipeline-guard waive The service is retired next week; a postmortem adds nothing."));

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET ${R}/contents/.github/pipeline-guard.yml`,
      `GET ${R}/collaborators/Codertocat/permission`,
      `POST ${REACTIONS}`,
      "GET /app",
      `PATCH ${R}/issues/1`,
      `POST ${R}/issues/1/comments`,
    ]);
    const patch = requestsTo(mock.requests, "PATCH", `${R}/issues/1`)[0]!.body as Json;
    expect(patch).toMatchObject({ state: "closed", state_reason: "not_planned" });
    const reading = readFollowUp({ owner: "Codertocat", repo: "Hello-World" }, issueSummary(1, String(patch.body)));
    expect(reading?.status === "verified" && reading.state.waiver).toEqual({ by: "Codertocat", reason: "The service is retired next week; a postmortem adds nothing.", at: expect.any(String) });
    expect(String(patch.body)).toContain("- **Waived:** by `Codertocat` on ");
    expect(reply(mock)).toBe("Waived: **postmortem** will not be done. The reason is on the record, and the follow-up is closed as not planned.");
  });

  test("by someone not allowed: refused, nothing recorded or closed", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock, "", "write");
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, {});

    await probot.receive(onFollowUp("/pipeline-guard waive not worth it"));

    expectAllCallsMade(mock);
    expect(requestsTo(mock.requests, "PATCH", `${R}/issues/1`)).toEqual([]);
    expect(reactions(mock)).toEqual(["confused"]);
    expect(reply(mock)).toContain("`Codertocat` may not run Pipeline Guard commands here: Codertocat has write permission (maintain needed)");
  });

  test("without a reason: refused with the usage; on an issue that is no follow-up of the app's: nothing recorded", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    allowed(mock);
    mock.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, {});
    await probot.receive(onFollowUp("/pipeline-guard waive"));
    expectAllCallsMade(mock);
    expect(reply(mock)).toContain("waive needs a reason");

    const other = mockGitHub();
    forgetAllConfigs();
    allowed(other);
    other.api.post(REACTIONS).reply(201, {}).post(`${R}/issues/1/comments`).reply(201, {});
    await probot.receive(onFollowUp("/pipeline-guard waive because", { issueUser: "mallory" }));
    expectAllCallsMade(other);
    expect(requestsTo(other.requests, "PATCH", `${R}/issues/1`)).toEqual([]);
    expect(reply(other)).toBe("`waive` works on a follow-up issue of Pipeline Guard's: comment it there.");
  });
});
