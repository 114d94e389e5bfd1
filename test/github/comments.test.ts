import { findComment, upsertComment } from "../../src/github/comments.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

const MARKER = "<!-- pipeline-guard:comment pull-request -->";
const comment = (id: number, body: string, type = "Bot") => ({ id, body, user: { login: type === "Bot" ? "pipeline-guard[bot]" : "mallory", type } });

describe("findComment", () => {
  test("the bot's comment with the marker; a person's copy does not count", async () => {
    const { gw, api } = nockGateway();
    api
      .get(`${REPO_PATH}/issues/5/comments`)
      .query({ per_page: "100" })
      .reply(200, [comment(1, `${MARKER} planted`, "User"), comment(2, "bot, other"), comment(3, `${MARKER}\nours`)]);
    expect(await findComment(gw, 5, MARKER)).toEqual({ id: 3, body: `${MARKER}\nours` });
  });

  test("none: null", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/issues/5/comments`).query(true).reply(200, []);
    expect(await findComment(gw, 5, MARKER)).toBeNull();
  });
});

describe("upsertComment", () => {
  test("no comment yet: created; render is given null", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues/5/comments`).query(true).reply(200, []).post(`${REPO_PATH}/issues/5/comments`).reply(201, { id: 9 });
    const seen: Array<string | null> = [];
    await upsertComment(gw, { issueNumber: 5, marker: MARKER, render: (current) => (seen.push(current), `${MARKER}\nnew`) });
    expect(seen).toEqual([null]);
    expect(requests[1]).toEqual({ method: "POST", path: `${REPO_PATH}/issues/5/comments`, body: { body: `${MARKER}\nnew` } });
  });

  test("an existing comment: updated in place; render is given its body", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues/5/comments`).query(true).reply(200, [comment(3, `${MARKER}\nold`)]).patch(`${REPO_PATH}/issues/comments/3`).reply(200, {});
    await upsertComment(gw, { issueNumber: 5, marker: MARKER, render: (current) => `${current}+` });
    expect(requests[1]).toEqual({ method: "PATCH", path: `${REPO_PATH}/issues/comments/3`, body: { body: `${MARKER}\nold+` } });
  });

  test("an unchanged body, or render saying null, costs no write", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues/5/comments`).query(true).times(2).reply(200, [comment(3, `${MARKER}\nsame`)]);
    await upsertComment(gw, { issueNumber: 5, marker: MARKER, render: (current) => current });
    await upsertComment(gw, { issueNumber: 5, marker: MARKER, render: () => null });
    expect(requests.map((r) => r.method)).toEqual(["GET", "GET"]);
  });

  test("two concurrent upserts on one PR: one comment, then an update (the lock)", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues/5/comments`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/5/comments`)
      .reply(201, { id: 9 })
      .get(`${REPO_PATH}/issues/5/comments`)
      .query(true)
      .reply(200, [comment(9, `${MARKER}\nfirst`)])
      .patch(`${REPO_PATH}/issues/comments/9`)
      .reply(200, {});
    await Promise.all([
      upsertComment(gw, { issueNumber: 5, marker: MARKER, render: () => `${MARKER}\nfirst` }),
      upsertComment(gw, { issueNumber: 5, marker: MARKER, render: () => `${MARKER}\nsecond` }),
    ]);
    expect(requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "PATCH"]);
  });
});
