import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { HEAD_SHA, REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { callList, memoryRead, RECORD_LOOKUP, requiredChecksResponse } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = "production:\n  branches: [master]\n";
const JUSTIFIED = "Fixes the outage.\n\n## Justification\nThe database is down and customers cannot log in.";

describe("DRY_RUN: every write is logged and none is made", () => {
  const saved = process.env.DRY_RUN;
  beforeEach(() => (process.env.DRY_RUN = "1"));
  afterEach(() => (saved === undefined ? delete process.env.DRY_RUN : (process.env.DRY_RUN = saved)));

  test("an override PR: reads only; the label, comment and check writes are logged", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, []);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] x", body: JUSTIFIED }));

    expectAllCallsMade(mock);
    expect(mock.requests.every((r) => r.method === "GET")).toBe(true);
    const dry = logs.filter((l) => l.dryRun === true).map((l) => l.msg);
    expect(dry).toEqual(["dry run: would create label", "dry run: would add labels", "dry run: would comment", "dry run: would create check run"]);
  });

  test("a merged override: the issue look-up and the required checks are read; nothing is written", async () => {
    const { probot, logs } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    memoryRead(mock.api, { repo: REPO, sha: HEAD_SHA })
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, commitsResponse(["x"]))
      .get(`/repos/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`/repos/${REPO}/issues`)
      .query(RECORD_LOOKUP)
      .reply(200, [])
      .get(`/repos/${REPO}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post("/graphql")
      .reply(200, requiredChecksResponse({ required: ["ci"], results: { ci: "FAILURE" } }))
      .get(`/repos/${REPO}/issues`)
      .query(RECORD_LOOKUP)
      .reply(200, []);

    await probot.receive(pullRequestEvent({ action: "closed", merged: true, title: "[skip-tests] x", body: JUSTIFIED, labels: ["skip-tests"] }));

    expectAllCallsMade(mock);
    expect(callList(mock.requests).filter((c) => !c.startsWith("GET "))).toEqual(["POST /graphql"]);
    const dry = logs.filter((l) => l.dryRun === true).map((l) => `${l.msg} ${String(l.kind ?? "")}`.trim());
    expect(dry).toEqual([
      "dry run: would create check run",
      "dry run: would create label",
      "dry run: would create label",
      "dry run: would create issue follow-up",
      "dry run: would notify override",
      "dry run: would comment",
      "dry run: would create label",
      "dry run: would create issue bypass",
      "dry run: would notify bypass",
    ]);
  });
});
