import { createComment, findIssueByKey, findOrCreateIssue, updateIssue, type NewIssue } from "../../src/github/issues.js";
import { APP_LABELS, markerLabelSpec } from "../../src/github/labels.js";
import { hiddenKey } from "../../src/markdown/hidden-block.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

const KEY = hiddenKey("follow-up", "pr=12");
const issue = (number: number, body: string, options: { type?: string; pr?: boolean } = {}) => ({
  number,
  title: `#${number}`,
  body,
  state: "open",
  html_url: `https://github.com/octo/app/issues/${number}`,
  labels: [{ name: "pipeline-guard:follow-up" }, "skip-tests"],
  user: { login: options.type === "User" ? "mallory" : "pipeline-guard[bot]", type: options.type ?? "Bot" },
  ...(options.pr ? { pull_request: { url: "x" } } : {}),
});

const NEW: NewIssue = {
  kind: "follow-up",
  key: "pr=12",
  title: "Follow-up: skip-tests in #12 Fix",
  body: "The body",
  labels: [APP_LABELS.followUp, markerLabelSpec("skip-tests")],
  assignees: ["alice", "bob"],
};

describe("findIssueByKey", () => {
  test("the bot's issue with the key, found by the kind's label; planted keys and PRs do not count", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query({ labels: "pipeline-guard:follow-up", state: "all", sort: "created", direction: "desc", per_page: "100" })
      .reply(200, [issue(5, `${KEY}\nplanted`, { type: "User" }), issue(4, `${KEY}\na PR`, { pr: true }), issue(3, "other <!-- pipeline-guard:follow-up pr=1 -->"), issue(2, `${KEY}\nours`)]);

    const found = await findIssueByKey(gw, { label: "pipeline-guard:follow-up", kind: "follow-up", key: "pr=12" });

    expect(found).toMatchObject({
      number: 2,
      title: "#2",
      body: `${KEY}\nours`,
      state: "open",
      html_url: "https://github.com/octo/app/issues/2",
      labels: ["pipeline-guard:follow-up", "skip-tests"],
    });
    expect(requests).toHaveLength(1);
  });

  test("stops at the page that holds it", async () => {
    const { gw, api, requests } = nockGateway();
    const next = { link: '<https://api.github.com/repositories/1/issues?page=2>; rel="next"' };
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, [issue(9, `${KEY}\nfound`)], next);
    expect((await findIssueByKey(gw, { label: "l", kind: "follow-up", key: "pr=12" }))?.number).toBe(9);
    expect(requests).toHaveLength(1);
  });

  test("follows pages until the end, then null", async () => {
    const { gw, api, requests } = nockGateway();
    const next = { link: '<https://api.github.com/repositories/1/issues?page=2>; rel="next"' };
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, [issue(9, "x")], next).get("/repositories/1/issues").query({ page: "2" }).reply(200, [issue(1, "y")]);
    expect(await findIssueByKey(gw, { label: "l", kind: "follow-up", key: "pr=12" })).toBeNull();
    expect(requests).toHaveLength(2);
  });
});

describe("findOrCreateIssue", () => {
  test("an existing issue is returned, nothing created", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, [issue(7, `${KEY}\nbody`)]);
    const result = await findOrCreateIssue(gw, NEW);
    expect(result.created).toBe(false);
    expect(result.issue.number).toBe(7);
    expect(requests.map((r) => r.method)).toEqual(["GET"]);
  });

  test("created with the key on its first line, the labels made first, the assignees", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/labels`)
      .reply(422, { message: "Validation Failed", errors: [{ code: "already_exists" }] })
      .post(`${REPO_PATH}/issues`)
      .reply(201, issue(8, `${KEY}\nThe body`));

    const result = await findOrCreateIssue(gw, NEW);

    expect(result).toMatchObject({ created: true, issue: { number: 8 } });
    expect(requests[1]?.body).toEqual(APP_LABELS.followUp);
    expect(requests[2]?.body).toMatchObject({ name: "skip-tests", color: "d93f0b" });
    expect(requests[3]?.body).toEqual({
      title: NEW.title,
      body: `${KEY}\nThe body`,
      labels: ["pipeline-guard:follow-up", "skip-tests"],
      assignees: ["alice", "bob"],
    });
  });

  test("assignees GitHub refuses (422) are dropped rather than losing the issue", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .times(2)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(422, { message: "Validation Failed" })
      .post(`${REPO_PATH}/issues`)
      .reply(201, issue(8, "x"));

    await expect(findOrCreateIssue(gw, NEW)).resolves.toMatchObject({ created: true, issue: { number: 8 } });
    expect((requests[3]?.body as { assignees: string[] }).assignees).toEqual(["alice", "bob"]);
    expect((requests[4]?.body as { assignees: string[] }).assignees).toEqual([]);
  });

  test("another error reaches the caller", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, []).post(`${REPO_PATH}/labels`).times(2).reply(201, {}).post(`${REPO_PATH}/issues`).reply(500, { message: "boom" });
    await expect(findOrCreateIssue(gw, NEW)).rejects.toMatchObject({ status: 500 });
  });

  test("a 422 with no assignees to drop reaches the caller, without a second try", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, []).post(`${REPO_PATH}/labels`).times(2).reply(201, {}).post(`${REPO_PATH}/issues`).reply(422, { message: "Validation Failed" });
    await expect(findOrCreateIssue(gw, { ...NEW, assignees: [] })).rejects.toMatchObject({ status: 422 });
    expect(requests.filter((r) => r.path.endsWith("/issues") && r.method === "POST")).toHaveLength(1);
  });

  test("two concurrent calls for one key make one issue: the second finds the first's", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .times(2)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(201, issue(8, `${KEY}\nThe body`))
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [issue(8, `${KEY}\nThe body`)]);

    const [a, b] = await Promise.all([findOrCreateIssue(gw, NEW), findOrCreateIssue(gw, NEW)]);

    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.issue.number).toBe(8);
    expect(requests.filter((r) => r.method === "POST" && r.path.endsWith("/issues"))).toHaveLength(1);
  });

  test("dry run: looked up, not created; a placeholder with number 0 comes back", async () => {
    const { gw, api, requests } = nockGateway({ dryRun: true });
    api.get(`${REPO_PATH}/issues`).query(true).reply(200, []);
    const result = await findOrCreateIssue(gw, NEW);
    expect(result).toMatchObject({ created: true, issue: { number: 0, body: `${KEY}\nThe body` } });
    expect(requests.map((r) => r.method)).toEqual(["GET"]);
  });
});

describe("updateIssue and createComment", () => {
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
