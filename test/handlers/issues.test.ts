import type { Probot } from "probot";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { parseChecklist, setChecklistItem } from "../../src/follow-ups/checklist.js";
import { hiddenKey, readStateBlock } from "../../src/markdown/hidden-block.js";
import { renderFollowUpIssue } from "../../src/follow-ups/render-follow-up-issue.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { MERGE_SHA, REPO, fixture } from "../helpers/payloads.js";

setUpNock();

type Event = Parameters<Probot["receive"]>[0];
type Item = "retest" | "postmortem" | "review";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ISSUE = 1;
const ISSUE_PATH = `/repos/${REPO}/issues/${ISSUE}`;
const ENFORCE = "mode: enforce\n";
const REPORT = "mode: report\n";

/** The body the app gave the follow-up of PR #12 by alice (all three items), with the key line. */
const RENDERED = renderFollowUpIssue(
  {
    pr: { number: 12, title: "Fix it" },
    sha: MERGE_SHA,
    branch: "master",
    markers: ["emergency-deploy", "skip-tests"],
    labels: ["emergency-deploy", "skip-tests"],
    items: ["retest", "postmortem", "review"],
    author: "alice",
    merger: "bob",
    at: new Date("2026-11-20T10:00:00Z"),
    justification: "The database is down.",
    unmet: [],
  },
  DEFAULT_CONFIG,
);
const BODY = `${hiddenKey("follow-up", RENDERED.key)}\n${RENDERED.body}`;
const tick = (body: string, ...items: Item[]) => items.reduce((b, item) => setChecklistItem(b, item, true), body);

interface IssueOptions {
  action: "closed" | "edited";
  body?: string;
  previousBody?: string;
  titleEdit?: boolean;
  stateReason?: "completed" | "not_planned" | null;
  sender?: string;
  labels?: string[];
  userType?: string;
  state?: "open" | "closed";
}

/** An `issues` event of the real example's shape (Codertocat/Hello-World), on a follow-up issue. */
function issueEvent(options: IssueOptions): Event {
  const payload = fixture<Json>("issues.edited.json");
  payload.action = options.action;
  const issue = payload.issue;
  issue.number = ISSUE;
  issue.user = { ...issue.user, login: "pipeline-guard[bot]", type: options.userType ?? "Bot" };
  issue.labels = (options.labels ?? ["pipeline-guard:follow-up", "skip-tests"]).map((name, i) => ({ id: i + 1, name, color: "fbca04", default: false }));
  issue.body = options.body ?? BODY;
  issue.state = options.state ?? (options.action === "closed" ? "closed" : "open");
  issue.state_reason = options.action === "closed" ? (options.stateReason === undefined ? "completed" : options.stateReason) : null;
  payload.changes =
    options.action === "edited" ? (options.titleEdit ? { title: { from: "Old title" } } : { body: { from: options.previousBody ?? BODY } }) : undefined;
  if (payload.changes === undefined) delete payload.changes;
  payload.sender = { ...payload.sender, login: options.sender ?? "carol", type: "User" };
  payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "issues", payload } as unknown as Event;
}

const bodyOf = (request: { body: unknown } | undefined) => request?.body as Json;

describe("issues.closed on a follow-up", () => {
  test("closed with boxes unticked: reopened, and a comment names them (config, PATCH, comment)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed", body: tick(BODY, "retest") }));

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([
      `GET ${CONFIG_PATH(REPO)}`,
      `PATCH ${ISSUE_PATH}`,
      `POST ${ISSUE_PATH}/comments`,
    ]);
    expect(bodyOf(mock.requests[1])).toEqual({ state: "open" });
    const comment = bodyOf(mock.requests[2]).body as string;
    expect(comment).toContain("Reopened: **postmortem**, **review** are not ticked yet.");
    expect(comment).not.toContain("**retest**");
  });

  test("closed as not planned by someone allowed (maintain): left closed, no write (config, permission)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ENFORCE, RAW)
      .get(`/repos/${REPO}/collaborators/carol/permission`)
      .reply(200, { permission: "write", role_name: "maintain" });

    await probot.receive(issueEvent({ action: "closed", stateReason: "not_planned", sender: "carol" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests.every((r) => r.method === "GET")).toBe(true);
  });

  test("closed as not planned by someone with write only: reopened", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, ENFORCE, RAW)
      .get(`/repos/${REPO}/collaborators/dave/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .patch(ISSUE_PATH)
      .reply(200, {})
      .post(`${ISSUE_PATH}/comments`)
      .reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed", stateReason: "not_planned", sender: "dave" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(bodyOf(mock.requests[2])).toEqual({ state: "open" });
    expect(bodyOf(mock.requests[3]).body).toContain("Reopened: **retest**, **postmortem**, **review** are not ticked yet.");
  });

  test("closed as not planned by a user listed in commands.allowed.users: no permission look-up, no write", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "commands:\n  allowed:\n    users: [Dave]\n", RAW);

    await probot.receive(issueEvent({ action: "closed", stateReason: "not_planned", sender: "dave" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("closed as not planned by a bot: reopened without a permission look-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    const event = issueEvent({ action: "closed", stateReason: "not_planned", sender: "stale[bot]" }) as unknown as { payload: Json };
    event.payload.sender.type = "Bot";
    await probot.receive(event as unknown as Event);

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "PATCH", "POST"]);
    expect(bodyOf(mock.requests[1])).toEqual({ state: "open" });
  });

  test("the app's own edit (its retest tick) coming back as issues.edited: no call, so the issue is not closed twice", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    const before = tick(BODY, "postmortem", "review");
    const event = issueEvent({ action: "edited", previousBody: before, body: tick(before, "retest"), sender: "pipeline-guard[bot]" }) as unknown as { payload: Json };
    event.payload.sender.type = "Bot";
    await probot.receive(event as unknown as Event);

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("closed with every box ticked: no call at all, not even the config", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "closed", body: tick(BODY, "retest", "postmortem", "review") }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("report mode: a comment only, no PATCH", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, REPORT, RAW).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed" }));

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect(bodyOf(mock.requests[1]).body).toBe(
      "This follow-up was closed with **retest**, **postmortem**, **review** unticked. In enforce mode Pipeline Guard would reopen it.",
    );
  });

  test.each([
    ["without our label", { labels: ["bug"] }],
    ["not opened by a bot", { userType: "User" }],
    ["with a damaged state block", { body: BODY.replace('"author":"alice"', '"author":') }],
    ["without a state block", { body: BODY.replace(/<!-- pipeline-guard:state .* -->/, "") }],
    ["with a state block of another kind", { body: BODY.replace('"kind":"follow-up"', '"kind":"drift"') }],
  ])("an issue %s: no call", async (_name, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "closed", ...options }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });
});

describe("issues.edited on a follow-up", () => {
  test("the change's author ticks review: the body goes back with review unticked, and a comment says why", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    const before = tick(BODY, "retest");
    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: tick(before, "review"), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "PATCH", "POST"]);
    const patch = bodyOf(mock.requests[1]);
    expect(Object.keys(patch)).toEqual(["body"]);
    expect(patch.body).toBe(before);
    expect(parseChecklist(patch.body as string)).toEqual({ retest: true, postmortem: false, review: false });
    expect(bodyOf(mock.requests[2]).body).toContain("Unticked **review**: the **review** box counts only when someone other than the change's author ticks it");
  });

  test("report mode: the author's tick of review gets a comment only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, REPORT, RAW).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: tick(BODY, "review"), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect(bodyOf(mock.requests[1]).body).toContain("In enforce mode it would be unticked.");
  });

  test("someone else ticks review and it was the last box: closed as completed, with a comment", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    const before = tick(BODY, "retest", "postmortem");
    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: tick(before, "review"), sender: "bob" }));

    expectAllCallsMade(mock);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "PATCH", "POST"]);
    expect(bodyOf(mock.requests[1])).toEqual({ state: "closed", state_reason: "completed" });
    expect(bodyOf(mock.requests[2])).toEqual({ body: "Every follow-up item is done: closing. Thank you." });
  });

  test("someone else ticks review with boxes left: no call at all (not even the config)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: tick(BODY, "review"), sender: "bob" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("the author rewrites the hidden state to name someone else, then ticks review: the state is restored and the tick undone", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const author = String((readStateBlock(BODY) as { author: string }).author);
    const forged = tick(BODY, "review").replace(`"author":"${author}"`, '"author":"someone-else"');
    expect(forged).not.toEqual(tick(BODY, "review"));

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: forged, sender: author }));

    expectAllCallsMade(mock);
    const patched = String(bodyOf(mock.requests[1]).body);
    expect(readStateBlock(patched)).toEqual(readStateBlock(BODY));
    expect(parseChecklist(patched).review).toBe(false);
    expect(String(bodyOf(mock.requests[2]).body)).toContain("Unticked **review**");
  });

  test("a person's edit of the hidden state alone is undone", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const forged = BODY.replace('"kind":"follow-up"', '"kind":"follow-up","extra":1');

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: forged, sender: "bob" }));

    expectAllCallsMade(mock);
    expect(readStateBlock(String(bodyOf(mock.requests[1]).body))).toEqual(readStateBlock(BODY));
    expect(String(bodyOf(mock.requests[2]).body)).toContain("the change to it was undone");
  });

  test.each([
    ["without our label", { labels: ["bug"] }],
    ["not opened by a bot", { userType: "User" }],
    ["with a damaged state block", { body: tick(BODY, "review").replace('"author":"alice"', '"author":') }],
  ])("an issue %s: no call", async (_name, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: tick(BODY, "review"), sender: "alice", ...options }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });

  test("a title edit (no changes.body): no call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "edited", titleEdit: true, body: tick(BODY, "retest", "postmortem", "review"), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });
});
