import { ProbotOctokit } from "probot";
import { createComment, createIssue, getIssue, listIssuesByCreator, updateIssue } from "../../src/github/issues.js";
import type { Gateway } from "../../src/github/gateway.js";
import { nockGateway, recordingLog, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

const issue = (number: number, body: string, options: { pr?: boolean } = {}) => ({
  number,
  title: `#${number}`,
  body,
  state: "open",
  state_reason: null,
  html_url: `https://github.com/octo/app/issues/${number}`,
  labels: [{ name: "pipeline-guard:follow-up" }, "skip-tests"],
  user: { login: "pipeline-guard[bot]", type: "Bot" },
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
  closed_at: null,
  ...(options.pr ? { pull_request: { url: "x" } } : {}),
});

describe("listIssuesByCreator", () => {
  test("asks for the creator's issues only, newest first, and leaves pull requests out", async () => {
    const { gw, api } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query({ creator: "pipeline-guard[bot]", state: "all", sort: "created", direction: "desc", per_page: "100" })
      .reply(200, [issue(5, "a"), issue(4, "a PR", { pr: true }), issue(3, "b")]);

    const found = await listIssuesByCreator(gw, { creator: "pipeline-guard[bot]", state: "all" });

    expect(found.map((i) => i.number)).toEqual([5, 3]);
    expect(found[0]).toEqual({
      number: 5,
      title: "#5",
      body: "a",
      state: "open",
      stateReason: null,
      html_url: "https://github.com/octo/app/issues/5",
      labels: ["pipeline-guard:follow-up", "skip-tests"],
      author: "pipeline-guard[bot]",
      createdAt: "2026-11-20T10:00:00Z",
      updatedAt: "2026-11-20T10:00:00Z",
      closedAt: null,
    });
  });

  test("oldest first, updated since a time; stops at the page where `visit` says so", async () => {
    const { gw, api, requests } = nockGateway();
    const next = { link: '<https://api.github.com/repositories/1/issues?page=2>; rel="next"' };
    api
      .get(`${REPO_PATH}/issues`)
      .query({ creator: "pipeline-guard[bot]", state: "open", sort: "created", direction: "asc", since: "2026-11-01T00:00:00.000Z", per_page: "100" })
      .reply(200, [issue(1, "a"), issue(2, "found")], next);
    const seen = await listIssuesByCreator(gw, { creator: "pipeline-guard[bot]", state: "open", direction: "asc", since: new Date("2026-11-01T00:00:00Z") }, (i) => i.body === "found");
    expect(seen.map((i) => i.number)).toEqual([1, 2]);
    expect(requests).toHaveLength(1);
  });

  test("follows every page when nothing stops it", async () => {
    const { gw, api, requests } = nockGateway();
    const next = { link: '<https://api.github.com/repositories/1/issues?page=2>; rel="next"' };
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, [issue(9, "x")], next).get("/repositories/1/issues").query({ page: "2" }).reply(200, [issue(1, "y")]);
    expect((await listIssuesByCreator(gw, { creator: "pipeline-guard[bot]", state: "all" })).map((i) => i.number)).toEqual([9, 1]);
    expect(requests).toHaveLength(2);
  });

  test("an issue another account opened is left out even if GitHub's filter let it through", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, [{ ...issue(6, "planted"), user: { login: "mallory", type: "User" } }, issue(5, "ours")]);
    expect((await listIssuesByCreator(gw, { creator: "Pipeline-Guard[bot]", state: "all" })).map((i) => i.number)).toEqual([5]);
  });
});

describe("createIssue", () => {
  const NEW = { title: "Follow-up: skip-tests in #12 Fix", body: "The body", labels: ["pipeline-guard:follow-up", "skip-tests"], assignees: ["alice", "bob"] };

  test("POSTs the title, body, labels and assignees", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/issues`).reply(201, issue(8, "The body"));
    await expect(createIssue(gw, NEW)).resolves.toMatchObject({ number: 8, body: "The body" });
    expect(requests[0]?.body).toEqual(NEW);
  });

  test("assignees GitHub refuses (422) are dropped rather than losing the issue", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/issues`).reply(422, { message: "Validation Failed" }).post(`${REPO_PATH}/issues`).reply(201, issue(8, "x"));
    await expect(createIssue(gw, NEW)).resolves.toMatchObject({ number: 8 });
    expect((requests[0]?.body as { assignees: string[] }).assignees).toEqual(["alice", "bob"]);
    expect((requests[1]?.body as { assignees: string[] }).assignees).toEqual([]);
  });

  test("a 422 with no assignees to drop reaches the caller, without a second try", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/issues`).reply(422, { message: "Validation Failed" });
    await expect(createIssue(gw, { ...NEW, assignees: [] })).rejects.toMatchObject({ status: 422 });
    expect(requests).toHaveLength(1);
  });

  test("a 502 is not retried, even with Octokit's retry plugin on: a create that landed would become two issues", async () => {
    // The harness's Octokit has retries off; this one has Probot's retry plugin as the server runs it.
    const RetryingOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { enabled: false } }));
    const { gw: base, api, requests } = nockGateway();
    const gw: Gateway = { ...base, octokit: new RetryingOctokit({ auth: { token: "t" }, log: recordingLog().log }) as unknown as Gateway["octokit"] };
    api.post(`${REPO_PATH}/issues`).reply(502, { message: "Bad Gateway" });
    await expect(createIssue(gw, NEW)).rejects.toMatchObject({ status: 502 });
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  test("dry run: nothing is created; a placeholder with number 0 comes back", async () => {
    const { gw, requests } = nockGateway({ dryRun: true });
    await expect(createIssue(gw, NEW)).resolves.toMatchObject({ number: 0, body: "The body", labels: NEW.labels });
    expect(requests).toEqual([]);
  });
});

describe("getIssue, updateIssue and createComment", () => {
  test("GET one issue, with who closed it", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/issues/3`).reply(200, { ...issue(3, "b"), state: "closed", closed_by: { login: "maria" } });
    await expect(getIssue(gw, 3)).resolves.toMatchObject({ number: 3, state: "closed", closedBy: "maria" });
  });

  test("PATCH the issue with the changes; POST a comment", async () => {
    const { gw, api, requests } = nockGateway();
    api.patch(`${REPO_PATH}/issues/3`).reply(200, {}).post(`${REPO_PATH}/issues/3/comments`).reply(201, {});
    await updateIssue(gw, 3, { state: "closed", state_reason: "completed" });
    await createComment(gw, 3, "hello");
    expect(requests).toEqual([
      { method: "PATCH", path: `${REPO_PATH}/issues/3`, body: { state: "closed", state_reason: "completed" } },
      { method: "POST", path: `${REPO_PATH}/issues/3/comments`, body: { body: "hello" } },
    ]);
  });
});
