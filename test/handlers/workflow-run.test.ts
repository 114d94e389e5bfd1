import { forgetAllConfigs } from "../../src/config/config-cache.js";
import type { FollowUpItem } from "../../src/config/schema.js";
import { readFollowUp } from "../../src/follow-ups/record.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { MERGE_SHA, PUSH_SHA, REPO, pushEvent, workflowRunEvent } from "../helpers/payloads.js";
import { bodies, callList } from "../helpers/github-replies.js";
import { APP_LOGIN } from "../helpers/nock-harness.js";
import { followUpIssue, followUpState, issueSummary } from "../helpers/records.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const CONFIG = "production:\n  branches: [master]\nfollow_up:\n  retest_workflow: ci.yml\n";
const CONFIG_CALL = `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`;
const ISSUES = `/repos/${REPO}/issues`;
/** The app's open issues: its follow-ups are found by author, never by label. */
const OPEN_FOLLOW_UPS = { creator: APP_LOGIN, state: "open", sort: "created", direction: "desc", per_page: 100 };
const [OWNER = "", NAME = ""] = REPO.split("/");
const GW = { owner: OWNER, repo: NAME };
const RUN_URL = `https://github.com/${REPO}/actions/runs/289782451`;
const RETEST_BOX = "- [ ] **Retest**: the full test suite (`ci.yml`) passed on the merge commit";
const TICKED_BOX = "- [x] **Retest**: the full test suite (`ci.yml`) passed on the merge commit";
/** The run's update time in the fixture: when the retest box counts as ticked. */
const RUN_UPDATED = "2020-10-05T16:33:49.000Z";

/** A follow-up as the app made it: signed for its issue number, opened by the app's bot. */
function followUp(params: { number?: number; sha?: string; items?: FollowUpItem[]; markers?: string[]; labels?: string[]; pr?: number; user?: { login: string; id: number; type: string }; ticked?: FollowUpItem[] } = {}) {
  const state = followUpState(
    {
      pr: params.pr ? { number: params.pr, title: "Raise the timeout" } : undefined,
      sha: params.sha ?? PUSH_SHA,
      branch: "master",
      markers: params.markers ?? ["skip-tests"],
      labels: params.markers ?? ["skip-tests"],
      items: params.items ?? ["retest"],
      merger: "alice",
      justification: "outage",
    },
    { retestWorkflow: "ci.yml", ticks: Object.fromEntries((params.ticked ?? []).map((item) => [item, { by: "carol", at: "2026-11-20T12:00:00.000Z" }])) },
  );
  const issue = followUpIssue({ repository: REPO, number: params.number ?? 41, labels: params.labels, user: params.user }, state);
  return issue as typeof issue & { body: string };
}

/** The retest tick as the app records it, read back from the body it wrote to issue `number`. */
function writtenState(body: unknown, number = 41) {
  const reading = readFollowUp(GW, issueSummary(number, String(body)));
  if (reading?.status !== "verified") throw new Error("the app wrote a follow-up that does not verify");
  return reading.state;
}


describe("workflow_run.completed of the retest the app dispatched", () => {
  test("success on the follow-up's commit, the last box: the body is ticked, then the issue is closed with a comment", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const issue = followUp();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [issue])
      .patch(`${ISSUES}/41`)
      .reply(200, {})
      .post(`${ISSUES}/41/comments`)
      .reply(201, { id: 1 });

    await probot.receive(workflowRunEvent());

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, "GET /app", `GET ${ISSUES}`, `PATCH ${ISSUES}/41`, `POST ${ISSUES}/41/comments`]);
    const [, , , edit, comment] = bodies(mock.requests);
    expect(issue.body).toContain(RETEST_BOX);
    expect(edit).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(edit?.body).toContain(TICKED_BOX);
    expect(edit?.body).toContain("<!-- pipeline-guard:item retest -->");
    expect(writtenState(edit?.body).ticks).toEqual({ retest: { by: APP_LOGIN, at: RUN_UPDATED } });
    expect(comment?.body).toContain(RUN_URL);
    expect(comment?.body).toContain("closing");
  });

  test("success with boxes left (postmortem, review): ticked, left open", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const issue = followUp({ markers: ["skip-tests", "emergency-deploy"], items: ["retest", "postmortem", "review"] });
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api.get(ISSUES).query(OPEN_FOLLOW_UPS).reply(200, [issue]).patch(`${ISSUES}/41`).reply(200, {});

    await probot.receive(workflowRunEvent());

    expectAllCallsMade(mock);
    const edit = bodies(mock.requests).at(-1)!;
    expect(edit.body).toContain(TICKED_BOX);
    expect(edit.body).toContain("- [ ] **Postmortem**");
    expect(edit.body).toContain("- [ ] **Review**");
    expect(edit.state).toBeUndefined();
  });

  test("failure: a comment with the run's link and the label `pipeline-guard:retest-failed` (created if missing)", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [followUp()])
      .post(`${ISSUES}/41/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/${REPO}/labels`)
      .reply(201, {})
      .post(`${ISSUES}/41/labels`)
      .reply(200, []);

    await probot.receive(workflowRunEvent({ conclusion: "failure" }));

    expectAllCallsMade(mock);
    const [comment, label, labels] = bodies(mock.requests).slice(3);
    expect(comment?.body).toContain(RUN_URL);
    expect(comment?.body).toContain("**failure**");
    expect(label).toEqual({ name: "pipeline-guard:retest-failed", color: "e11d21", description: expect.stringContaining("retest") });
    expect(labels).toEqual({ labels: ["pipeline-guard:retest-failed"] });
    expect(mock.requests.some((r) => r.method === "PATCH")).toBe(false);
  });

  test.each(["timed_out", "startup_failure", "action_required"])("%s counts as a failed retest", async (conclusion) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [followUp()])
      .post(`${ISSUES}/41/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/${REPO}/labels`)
      .reply(422, { message: "already_exists" })
      .post(`${ISSUES}/41/labels`)
      .reply(200, []);
    await probot.receive(workflowRunEvent({ conclusion }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests)[3]?.body).toContain(`**${conclusion}**`);
  });

  test("a later success after a failure: ticked, and the `retest-failed` label goes", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [followUp({ markers: ["skip-tests", "emergency-deploy"], items: ["retest", "review"], labels: ["pipeline-guard:follow-up", "pipeline-guard:retest-failed"] })])
      .patch(`${ISSUES}/41`)
      .reply(200, {})
      .delete(`${ISSUES}/41/labels/pipeline-guard%3Aretest-failed`)
      .reply(200, []);
    await probot.receive(workflowRunEvent());
    expectAllCallsMade(mock);
    expect(callList(mock.requests).at(-1)).toBe(`DELETE ${ISSUES}/41/labels/pipeline-guard:retest-failed`);
  });

  test("the run is matched by its run name carrying the SHA when the branch moved on before it started", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [followUp({ number: 41 }), followUp({ number: 50, sha: MERGE_SHA, pr: 2 })])
      .patch(`${ISSUES}/50`)
      .reply(200, {})
      .post(`${ISSUES}/50/comments`)
      .reply(201, {});
    await probot.receive(workflowRunEvent({ headSha: "f".repeat(40), displayTitle: `Retest ${MERGE_SHA}` }));
    expectAllCallsMade(mock);
    expect(bodies(mock.requests)[3]?.body).toContain(TICKED_BOX);
  });

  test("follow-ups of other commits, ticked ones and a person's look-alike are left alone", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const ticked = followUp({ number: 42, ticked: ["retest"] });
    // A box ticked by hand in the body, not in the state: not a retest result to record either way.
    const forgedTick = followUp({ number: 46 });
    forgedTick.body = forgedTick.body.replace('"ticks":{}', '"ticks":{"retest":{"by":"mallory","at":"2026-11-20T00:00:00.000Z"}}');
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    mock.api
      .get(ISSUES)
      .query(OPEN_FOLLOW_UPS)
      .reply(200, [
        followUp({ number: 40, sha: MERGE_SHA }),
        ticked,
        followUp({ number: 43, user: { login: "mallory", id: 666, type: "User" } }),
        followUp({ number: 44, items: ["review"], markers: ["emergency-deploy"] }),
        { ...followUp({ number: 45 }), pull_request: { url: "x" } },
        forgedTick,
      ]);
    await probot.receive(workflowRunEvent());
    expectAllCallsMade(mock);
    expect(mock.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("the workflow given as a path in the config matches too; a cached config costs no read", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, "follow_up:\n  retest_workflow: .github/workflows/ci.yml\n", RAW)
      .get(`/repos/${REPO}/commits/${PUSH_SHA}/pulls`)
      .query(true)
      .reply(200, [{ number: 2, merged_at: "2026-11-20T10:00:00Z", merge_commit_sha: PUSH_SHA, base: { ref: "master" }, title: "x", user: { login: "alice" } }]);
    mock.api.get(ISSUES).query(OPEN_FOLLOW_UPS).reply(200, []);
    await probot.receive(pushEvent()); // reads and caches the config
    await probot.receive(workflowRunEvent());
    expectAllCallsMade(mock);
    expect(callList(mock.requests).slice(2)).toEqual(["GET /app", `GET ${ISSUES}`]);
  });
});

describe("runs that are not the app's retest", () => {
  test("a run of an unrelated workflow (other.yml): the config read only, no other call", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(workflowRunEvent({ path: ".github/workflows/other.yml" }));
    await probot.receive(workflowRunEvent({ path: ".github/workflows/other.yml", conclusion: "failure" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL]);
  });

  test("no `retest_workflow` configured: the config read only", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, "production:\n  branches: [master]\n", RAW);
    await probot.receive(workflowRunEvent());
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test.each([
    ["a run triggered by a person", { triggeringActor: { login: "alice", type: "User" } }],
    ["a run without a triggering actor", { triggeringActor: null }],
    ["a run of the `push` event", { event: "push" }],
    ["a cancelled run", { conclusion: "cancelled" }],
    ["a skipped run", { conclusion: "skipped" }],
    ["a neutral run", { conclusion: "neutral" }],
    ["a stale run", { conclusion: "stale" }],
    ["a run with no conclusion", { conclusion: null }],
  ] as const)("%s: 0 calls", async (_name, options) => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    await probot.receive(workflowRunEvent(options as Parameters<typeof workflowRunEvent>[0]));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
  });

  test("a run of a `pull_request`: the configuration read only (for `immutable.plan_workflow`), none while it is cached", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(workflowRunEvent({ event: "pull_request" }));
    await probot.receive(workflowRunEvent({ event: "pull_request" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL]);
  });

  test("ci.yml dispatched by another bot: no follow-up is touched", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(workflowRunEvent({ triggeringActor: { login: "github-actions[bot]", type: "Bot" } }));
    await probot.receive(workflowRunEvent({ triggeringActor: { login: "renovate[bot]", type: "Bot" }, conclusion: "failure" }));
    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([CONFIG_CALL, "GET /app"]);
  });

  test("the run of another repository's workflow (the real example: repository_dispatch of test.yml) is ignored", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    const { default: examples } = (await import("@octokit/webhooks-examples/api.github.com/index.json", { with: { type: "json" } })) as {
      default: Array<{ name: string; examples: Array<Record<string, unknown>> }>;
    };
    for (const payload of examples.find((e) => e.name === "workflow_run")?.examples ?? []) {
      if (payload.action !== "completed") continue;
      await probot.receive({ id: "example", name: "workflow_run", payload } as unknown as Parameters<typeof probot.receive>[0]);
    }
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(0);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
