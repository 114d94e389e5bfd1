import type { Probot } from "probot";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, MERGE_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { memoryRead } from "../helpers/github-replies.js";

setUpNock();

type Event = Parameters<Probot["receive"]>[0];

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down.";

describe("DRY_RUN=true: every write is logged and none is made", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.DRY_RUN;
    process.env.DRY_RUN = "true";
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DRY_RUN;
    else process.env.DRY_RUN = saved;
  });

  test("a PR with a marker: only GET requests reach GitHub; labels, comment and check are logged", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the db timeout"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, []);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] raise db timeout", body: JUSTIFIED }) as unknown as Event);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(4);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET", "GET", "GET", "GET"]);
    const dry = logs.filter((l) => l.dryRun === true).map((l) => l.msg);
    expect(dry).toEqual(["dry run: would create label", "dry run: would add labels", "dry run: would comment", "dry run: would create check run"]);
    expect(logs.find((l) => l.msg === "dry run: would create check run")).toMatchObject({ level: 30, conclusion: "success", title: "Override allowed: skip-tests" });
  });

  test("a merged override: the follow-up issue is looked up, not created; only reads reach GitHub", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["Raise the db timeout"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues`)
      .query(true)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      // The required-checks look-up is a GraphQL query: a read, though GraphQL sends it as a POST.
      .post("/graphql")
      .reply(200, { data: { repository: { pullRequest: { baseRef: null, commits: { nodes: [] } } } } });

    await probot.receive(
      pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] raise db timeout", body: JUSTIFIED, labels: ["skip-tests"] }) as unknown as Event,
    );

    expectAllCallsMade(mock);
    const writes = mock.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql");
    expect(writes).toEqual([]);
    const graphql = mock.requests.find((r) => r.path === "/graphql")?.body as { query: string };
    expect(graphql.query).toMatch(/^query /);
    const dry = logs.filter((l) => l.dryRun === true).map((l) => l.msg);
    // The comment's write is logged too, without a link: no issue was made.
    // The notification of the override is logged, not sent (NOTIFY_WEBHOOK_URL).
    expect(dry).toEqual(["dry run: would create check run", "dry run: would create label", "dry run: would create label", "dry run: would create issue", "dry run: would notify", "dry run: would comment"]);
    expect(logs.find((l) => l.msg === "dry run: would create check run")).toMatchObject({ sha: MERGE_SHA, conclusion: "success", title: "Override allowed: skip-tests" });
    expect(logs.filter((l) => l.msg === "dry run: would create label").map((l) => l.label)).toEqual(["pipeline-guard:follow-up", "skip-tests"]);
    expect(logs.find((l) => l.msg === "dry run: would create issue")).toMatchObject({ kind: "follow-up", key: "pr=2", title: "Follow-up: skip-tests in #2 [skip-tests] raise db timeout" });
  });
});
