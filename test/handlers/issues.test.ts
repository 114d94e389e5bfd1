import type { Probot } from "probot";
import { parseChecklist } from "../../src/follow-ups/checklist.js";
import { readFollowUp, type FollowUpState } from "../../src/follow-ups/record.js";
import { readBypass } from "../../src/bypasses/record.js";
import { readDriftReport } from "../../src/drift/record.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO, fixture } from "../helpers/payloads.js";
import { bypassBody, bypassState, driftReportBody, driftState, followUpBody, followUpState, issueSummary } from "../helpers/records.js";

setUpNock();

type Event = Parameters<Probot["receive"]>[0];
type Item = "retest" | "postmortem" | "review";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ISSUE = 1;
const ISSUE_PATH = `/repos/${REPO}/issues/${ISSUE}`;
const ENFORCE = "mode: enforce\n";
const REPORT = "mode: report\n";
const PLACE = { repository: REPO, number: ISSUE };
const [OWNER = "", NAME = ""] = REPO.split("/");
const GW = { owner: OWNER, repo: NAME };
const EARLIER = "2026-11-20T12:00:00.000Z";

/** The follow-up of PR #12 by alice (all three items), its `ticked` boxes ticked by carol. */
function state(...ticked: Item[]): FollowUpState {
  return followUpState({ branch: "master" }, { ticks: Object.fromEntries(ticked.map((item) => [item, { by: "carol", at: EARLIER }])) });
}
const body = (...ticked: Item[]) => followUpBody(PLACE, state(...ticked));
/** The body as a person leaves it after ticking boxes in GitHub's editor: only the marks change. */
function ticks(text: string, ...items: Item[]): string {
  return text
    .split("\n")
    .map((line) => (items.some((item) => line.includes(`<!-- pipeline-guard:item ${item} -->`)) ? line.replace("- [ ]", "- [x]") : line))
    .join("\n");
}
const BODY = body();

interface IssueOptions {
  action: "closed" | "edited" | "unlabeled";
  body?: string;
  previousBody?: string | null;
  titleEdit?: boolean;
  stateReason?: "completed" | "not_planned" | null;
  sender?: string;
  senderType?: string;
  labels?: string[];
  removedLabel?: string;
  user?: string;
  userType?: string;
  state?: "open" | "closed";
}

/** An `issues` event of the real example's shape (Codertocat/Hello-World), on the app's issue #1. */
function issueEvent(options: IssueOptions): Event {
  const payload = fixture<Json>("issues.edited.json");
  payload.action = options.action;
  const issue = payload.issue;
  issue.number = ISSUE;
  issue.user = { ...issue.user, login: options.user ?? "pipeline-guard[bot]", type: options.userType ?? "Bot" };
  issue.labels = (options.labels ?? ["pipeline-guard:follow-up", "skip-tests"]).map((name, i) => ({ id: i + 1, name, color: "fbca04", default: false }));
  issue.body = options.body ?? BODY;
  issue.state = options.state ?? (options.action === "closed" ? "closed" : "open");
  issue.state_reason = options.action === "closed" ? (options.stateReason === undefined ? "completed" : options.stateReason) : null;
  if (options.action === "edited") payload.changes = options.titleEdit ? { title: { from: "Old title" } } : { body: { from: options.previousBody === undefined ? BODY : options.previousBody } };
  else delete payload.changes;
  if (options.action === "unlabeled") payload.label = { id: 9, name: options.removedLabel ?? "pipeline-guard:follow-up", color: "fbca04" };
  payload.sender = { ...payload.sender, login: options.sender ?? "carol", type: options.senderType ?? "User" };
  payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "issues", payload } as unknown as Event;
}

const bodyOf = (request: { body: unknown } | undefined) => request?.body as Json;
const calls = (mock: ReturnType<typeof mockGitHub>) => mock.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);


/** The follow-up's state as the app wrote it in a PATCH: it must verify in issue #1 of this repository. */
function writtenState(request: { body: unknown } | undefined): FollowUpState {
  const reading = readFollowUp(GW, issueSummary(ISSUE, String(bodyOf(request).body)));
  if (reading?.status !== "verified") throw new Error("the app wrote a follow-up that does not verify");
  return reading.state;
}

describe("issues.closed on a follow-up: done only when its state says so", () => {
  test("closed with boxes open in the state: reopened, and a comment names them", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed", body: body("retest") }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app", `GET ${CONFIG_PATH(REPO)}`, `PATCH ${ISSUE_PATH}`, `POST ${ISSUE_PATH}/comments`]);
    expect(bodyOf(mock.requests[2])).toEqual({ state: "open" });
    const comment = bodyOf(mock.requests[3]).body as string;
    expect(comment).toContain("Reopened: **postmortem**, **review** are not ticked yet.");
    expect(comment).not.toContain("**retest**");
  });

  test("attack: the Review line deleted and the other boxes ticked by hand (webhook missed), then closed: still reopened", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const doctored = ticks(BODY, "retest", "postmortem")
      .split("\n")
      .filter((line) => !line.includes("pipeline-guard:item review"))
      .join("\n");
    expect(parseChecklist(doctored)).toEqual({ retest: true, postmortem: true });

    await probot.receive(issueEvent({ action: "closed", body: doctored }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ state: "open" });
    expect(bodyOf(mock.requests[3]).body).toContain("Reopened: **retest**, **postmortem**, **review** are not ticked yet.");
  });

  test("closed as not planned by someone allowed (maintain): left closed, no write", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).get(`/repos/${REPO}/collaborators/carol/permission`).reply(200, { permission: "write", role_name: "maintain" });

    await probot.receive(issueEvent({ action: "closed", stateReason: "not_planned", sender: "carol" }));

    expectAllCallsMade(mock);
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
    expect(bodyOf(mock.requests[3])).toEqual({ state: "open" });
    expect(bodyOf(mock.requests[4]).body).toContain("Reopened: **retest**, **postmortem**, **review** are not ticked yet.");
  });

  test("closed as not planned by another bot: reopened without a permission look-up (a bot is an ordinary actor, never the app)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed", stateReason: "not_planned", sender: "stale[bot]", senderType: "Bot" }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app", `GET ${CONFIG_PATH(REPO)}`, `PATCH ${ISSUE_PATH}`, `POST ${ISSUE_PATH}/comments`]);
  });

  test("closed with every box ticked in the state: nothing more than the app's login", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "closed", body: body("retest", "postmortem", "review") }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app"]);
  });

  test("report mode: a comment only, no PATCH", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, REPORT, RAW).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "closed" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2]).body).toBe("This follow-up was closed with **retest**, **postmortem**, **review** unticked. In enforce mode Pipeline Guard would reopen it.");
  });

  test.each([
    ["a block that does not verify (edited)", { body: BODY.replace('"author":"alice"', '"author":"mallory"') }],
    ["no record block at all", { body: "a follow-up written by hand" }],
    ["a block copied from another issue", { body: followUpBody({ repository: REPO, number: 2 }, state()) }],
    ["another bot's issue", { user: "renovate[bot]" }],
  ])("closing %s: it counts for nothing here, no write", async (_name, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "closed", ...options }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app"]);
  });

  test("an issue a person opened: no call at all", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(issueEvent({ action: "closed", user: "mallory", userType: "User" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });
});

describe("issues.edited on a follow-up: ticks are input, every other change is undone", () => {
  test("someone ticks postmortem: recorded in the signed state with who and when; no configuration read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {});

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: ticks(BODY, "postmortem"), sender: "bob" }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app", `PATCH ${ISSUE_PATH}`]);
    expect(writtenState(mock.requests[1]).ticks).toEqual({ postmortem: { by: "bob", at: expect.any(String) } });
    expect(String(bodyOf(mock.requests[1]).body)).toMatch(/- \[x\] \*\*Postmortem\*\*.*\(ticked by `bob` on /);
  });

  test("someone else ticks the last box: recorded, closed as completed in the same write, with a comment", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const before = body("retest", "postmortem");

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: ticks(before, "review"), sender: "bob" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(writtenState(mock.requests[1]).ticks.review?.by).toBe("bob");
    expect(bodyOf(mock.requests[2])).toEqual({ body: "Every follow-up item is done: closing. Thank you." });
  });

  test("the change's author ticks review: not recorded, the box goes back, and a comment says why", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const before = body("retest");

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: ticks(before, "review"), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app", `GET ${CONFIG_PATH(REPO)}`, `PATCH ${ISSUE_PATH}`, `POST ${ISSUE_PATH}/comments`]);
    expect(bodyOf(mock.requests[2])).toEqual({ body: before });
    expect(bodyOf(mock.requests[3]).body).toContain("`alice` ticked **review**, which was not recorded");
  });

  test("report mode: the author's tick of review is recorded, with a comment saying what enforce mode would do", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, REPORT, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: ticks(BODY, "review"), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(writtenState(mock.requests[2]).ticks.review?.by).toBe("alice");
    expect(bodyOf(mock.requests[3]).body).toContain("In enforce mode it would be unticked.");
  });

  test("another bot's edit is handled like a person's: its review tick never counts", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: ticks(BODY, "review"), sender: "github-actions[bot]", senderType: "Bot" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ body: BODY });
    expect(bodyOf(mock.requests[3]).body).toContain("a bot is never the second reviewer");
  });

  test("attack: the Review line deleted: it ticks nothing, the line comes back, and the comment names who changed the text", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const before = body("retest", "postmortem");
    const withoutReview = before
      .split("\n")
      .filter((line) => !line.includes("pipeline-guard:item review"))
      .join("\n");

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: withoutReview, sender: "alice" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toEqual({ body: before });
    expect(writtenState(mock.requests[1]).ticks.review).toBeUndefined();
    expect(bodyOf(mock.requests[2]).body).toBe(
      "`alice` changed its text of this follow-up: the change was undone. Pipeline Guard keeps this record; only the checklist's boxes are yours to tick or untick, and it records who did.",
    );
  });

  test("attack: the author rewrites the hidden block to name someone else, then ticks review: the block is restored and the tick refused", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, ENFORCE, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const forged = ticks(BODY, "review").replace('"author":"alice"', '"author":"someone-else"');

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: forged, sender: "alice" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ body: BODY });
    const comment = String(bodyOf(mock.requests[3]).body);
    expect(comment).toContain("`alice` ticked **review**, which was not recorded");
    expect(comment).toContain("`alice` changed its hidden record block of this follow-up: the change was undone.");
  });

  test("attack: another issue's body pasted in (its block verifies only there): restored from the previous body", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    // Another follow-up of the repository, which asks for nothing: its signed block says so, for issue #2 only.
    const pasted = followUpBody({ repository: REPO, number: 2 }, followUpState({ branch: "master", items: [], justification: "Nothing to do here." }));

    await probot.receive(issueEvent({ action: "edited", previousBody: BODY, body: pasted, sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toEqual({ body: BODY });
    expect(bodyOf(mock.requests[2]).body).toContain("`mallory` changed");
  });

  test("the previous body is not the app's (a second edit in a row): the body's own block holds the state, and the text is rendered again from it", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const edited = BODY.replace("The database is down.", "All good, nothing to see.");

    await probot.receive(issueEvent({ action: "edited", previousBody: "someone's earlier edit, no block", body: edited, sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toEqual({ body: BODY });
    expect(bodyOf(mock.requests[2]).body).toContain("`mallory` changed its text");
  });

  test("no version whose block verifies: nothing to restore here (the scan reports it); no write", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const forged = BODY.replace('"author":"alice"', '"author":"x"');

    await probot.receive(issueEvent({ action: "edited", previousBody: forged, body: forged.replace("x", "y"), sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app"]);
  });

  test("the app's own edit coming back as issues.edited: only its login is asked, nothing is written", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();

    await probot.receive(issueEvent({ action: "edited", previousBody: body("postmortem"), body: body("postmortem", "retest"), sender: "pipeline-guard[bot]", senderType: "Bot" }));

    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app"]);
  });

  test("a title edit (no changes.body) and an issue a person opened: no call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(issueEvent({ action: "edited", titleEdit: true, sender: "alice" }));
    await probot.receive(issueEvent({ action: "edited", user: "mallory", userType: "User", body: ticks(BODY, "review") }));
    expectAllCallsMade(mock);
    expect(mock.requests).toEqual([]);
  });
});

describe("issues.edited on the other records", () => {
  test("a bypass record's text changed: rendered again from its state, with a comment naming who", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const original = bypassBody(PLACE, bypassState({ actor: "mallory", branch: "master" }));
    const edited = original.replace("- **Who:** @mallory", "- **Who:** @release-bot");

    await probot.receive(issueEvent({ action: "edited", labels: ["pipeline-guard:bypass"], previousBody: original, body: edited, sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toEqual({ body: original });
    expect(readBypass(GW, issueSummary(ISSUE, original))?.status).toBe("verified");
    expect(bodyOf(mock.requests[2]).body).toBe("`mallory` changed its text of this bypass record: the change was undone. Pipeline Guard keeps this record as it was written; discuss it in a comment.");
  });

  test("attack: another repository's drift report pasted in (an acceptance in it): the app's last body is put back", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const ours = driftReportBody(PLACE, driftState());
    const accepted = driftState({ accepted: { "protection:master:enforce_admins": { by: "mallory", reason: "fine", until: null, at: EARLIER } } });
    const theirs = driftReportBody({ repository: "other-org/other", number: ISSUE }, accepted);

    await probot.receive(issueEvent({ action: "edited", labels: ["pipeline-guard:drift"], previousBody: ours, body: theirs, sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1])).toEqual({ body: ours });
    expect(readDriftReport(GW, issueSummary(ISSUE, theirs))?.status).toBe("invalid");
    expect(bodyOf(mock.requests[2]).body).toContain("`mallory` changed its text and its hidden record block: the change was undone.");
  });

  test("the drift report's text changed after an edit that was not the app's: the block still holds the state; the next scan writes the text", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const ours = driftReportBody(PLACE, driftState());

    await probot.receive(issueEvent({ action: "edited", labels: [], previousBody: null, body: ours.replace("No open drift", "Nothing wrong"), sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[1]).body).toContain("the next scan (or `/pipeline-guard rescan`) writes the report again");
  });
});

describe("issues.unlabeled on a record: the label is put back", () => {
  test("a follow-up's kind label removed: put back (found by author and key, never by label), with a comment", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .post(`/repos/${REPO}/labels`)
      .reply(422, { message: "Validation Failed" })
      .post(`${ISSUE_PATH}/labels`)
      .reply(200, [])
      .post(`${ISSUE_PATH}/comments`)
      .reply(201, { id: 9 });

    await probot.receive(issueEvent({ action: "unlabeled", removedLabel: "pipeline-guard:follow-up", labels: ["skip-tests"], sender: "mallory" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ labels: ["pipeline-guard:follow-up"] });
    expect(bodyOf(mock.requests[3]).body).toBe("`mallory` removed the label `pipeline-guard:follow-up`: Pipeline Guard keeps its records' labels, and put it back.");
  });

  test("a marker label of a follow-up removed: put back too", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.post(`/repos/${REPO}/labels`).reply(201, {}).post(`${ISSUE_PATH}/labels`).reply(200, []).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    await probot.receive(issueEvent({ action: "unlabeled", removedLabel: "skip-tests", sender: "mallory" }));
    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ labels: ["skip-tests"] });
  });

  test("the drift report's label removed: put back", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.post(`/repos/${REPO}/labels`).reply(201, {}).post(`${ISSUE_PATH}/labels`).reply(200, []).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    await probot.receive(issueEvent({ action: "unlabeled", removedLabel: "pipeline-guard:drift", labels: [], body: driftReportBody(PLACE, driftState()), sender: "mallory" }));
    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests[2])).toEqual({ labels: ["pipeline-guard:drift"] });
  });

  test.each([
    ["a label the record does not carry (overdue, set by the scan)", { removedLabel: "pipeline-guard:overdue" }],
    ["a record whose block does not verify", { body: BODY.replace('"author":"alice"', '"author":"x"') }],
    ["the app's own removal", { sender: "pipeline-guard[bot]", senderType: "Bot" }],
  ])("%s: nothing put back", async (_name, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(issueEvent({ action: "unlabeled", ...options }));
    expectAllCallsMade(mock);
    expect(calls(mock)).toEqual(["GET /app"]);
  });
});

describe("issues.edited: the Second approval of a direct push (overrides.approval)", () => {
  const APPROVAL_CONFIG = "overrides:\n  approval: {required: 1}\n";
  /** A direct push by alice, the retest and the Second approval boxes; `ticked` ticked by carol. */
  const pushState = (...ticked: Array<"retest" | "approval">): FollowUpState =>
    followUpState(
      { pr: undefined, branch: "master", markers: ["skip-tests"], labels: ["skip-tests"], items: ["retest", "approval"], merger: "alice" },
      { ticks: Object.fromEntries(ticked.map((item) => [item, { by: "carol", at: EARLIER }])) },
    );
  const pushBody = (...ticked: Array<"retest" | "approval">) => followUpBody(PLACE, pushState(...ticked));
  const tickApproval = (text: string) => text.replace(/- \[ \](.*<!-- pipeline-guard:item approval -->)/, "- [x]$1");
  const CHECK_RUNS = `/repos/${REPO}/check-runs`;

  test("the box is rendered with who may tick it", () => {
    expect(pushBody()).toContain("- [ ] **Second approval**: someone allowed by `overrides.approval.by`, other than @alice, approves this direct push");
  });

  test("ticked by a writer below approval.by: not recorded, the box goes back, a comment says why; the check is not touched", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, APPROVAL_CONFIG, RAW)
      .get(`/repos/${REPO}/collaborators/walt/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .patch(ISSUE_PATH)
      .reply(200, {})
      .post(`${ISSUE_PATH}/comments`)
      .reply(201, { id: 9 });
    const before = pushBody();

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: tickApproval(before), sender: "walt" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests.find((r) => r.method === "PATCH"))).toEqual({ body: before });
    expect(bodyOf(mock.requests.at(-1)).body).toContain(
      "`walt` ticked **approval**, which was not recorded: the **Second approval** needs someone allowed by `overrides.approval.by`: walt has write permission (maintain needed).",
    );
    expect(mock.requests.filter((r) => r.path === CHECK_RUNS)).toEqual([]);
  });

  test("ticked by the pusher: refused without a permission look-up", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, APPROVAL_CONFIG, RAW).patch(ISSUE_PATH).reply(200, {}).post(`${ISSUE_PATH}/comments`).reply(201, { id: 9 });
    const before = pushBody();

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: tickApproval(before), sender: "alice" }));

    expectAllCallsMade(mock);
    expect(bodyOf(mock.requests.at(-1)).body).toContain("must come from someone other than the person who pushed the change");
  });

  test("ticked by a maintainer: recorded, and the commit's check is written again, passing", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, APPROVAL_CONFIG, RAW)
      .get(`/repos/${REPO}/collaborators/mona/permission`)
      .reply(200, { permission: "maintain", role_name: "maintain" })
      .patch(ISSUE_PATH)
      .reply(200, {})
      .post(CHECK_RUNS)
      .reply(201, { id: 3 });
    const before = pushBody();

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: tickApproval(before), sender: "mona" }));

    expectAllCallsMade(mock);
    expect(writtenState(mock.requests.find((r) => r.method === "PATCH")).ticks.approval?.by).toBe("mona");
    const check = bodyOf(mock.requests.at(-1));
    expect(check).toMatchObject({ name: "Pipeline Guard", head_sha: pushState().sha, conclusion: "success", output: { title: "Override allowed: skip-tests (second approval after the push)" } });
    expect(check.output.summary).toContain("✅ **Second approval**: given after the push by `mona`");
  });

  test("unticked again: the commit's check fails again", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.patch(ISSUE_PATH).reply(200, {}).get(CONFIG_PATH(REPO)).reply(200, APPROVAL_CONFIG, RAW).post(CHECK_RUNS).reply(201, { id: 4 });
    const before = pushBody("approval");

    await probot.receive(issueEvent({ action: "edited", previousBody: before, body: before.replace("- [x] **Second approval**", "- [ ] **Second approval**"), sender: "walt" }));

    expectAllCallsMade(mock);
    expect(writtenState(mock.requests.find((r) => r.method === "PATCH")).ticks.approval).toBeUndefined();
    expect(bodyOf(mock.requests.at(-1))).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
  });
});
