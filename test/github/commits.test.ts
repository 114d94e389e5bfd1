import { compareCommits, listPullRequestCommits, PULL_REQUEST_COMMITS_REST_LIMIT } from "../../src/github/commits.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

const raw = (i: number) => ({ sha: `sha${i}`, commit: { message: `commit ${i}` }, author: i % 2 === 0 ? { login: `user${i}` } : null });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => raw(from + i));

describe("listPullRequestCommits", () => {
  test("up to the cap: the PR endpoint, every page", async () => {
    const { gw, api, requests } = nockGateway();
    const next = { link: '<https://api.github.com/repositories/1/pulls/3/commits?per_page=100&page=2>; rel="next"' };
    api
      .get(`${REPO_PATH}/pulls/3/commits`)
      .query({ per_page: "100" })
      .reply(200, range(0, 100), next)
      .get("/repositories/1/pulls/3/commits")
      .query({ per_page: "100", page: "2" })
      .reply(200, range(100, 130));
    const commits = await listPullRequestCommits(gw, { number: 3, commits: 130, baseSha: "base", headSha: "head" });
    expect(commits).toHaveLength(130);
    expect(commits[0]).toEqual({ sha: "sha0", message: "commit 0", author: "user0", committer: null, parents: [] });
    expect(commits[1]?.author).toBeNull();
    expect(requests).toHaveLength(2);
  });

  test(`past ${PULL_REQUEST_COMMITS_REST_LIMIT} commits: the compare API, page by page, until total_commits`, async () => {
    const { gw, api, requests } = nockGateway();
    for (let page = 1; page <= 3; page++) {
      api
        .get(`${REPO_PATH}/compare/base...head`)
        .query({ per_page: "100", page: String(page) })
        .reply(200, { total_commits: 300, commits: range((page - 1) * 100, page * 100) });
    }
    const commits = await listPullRequestCommits(gw, { number: 3, commits: 300, baseSha: "base", headSha: "head" });
    expect(commits.map((c) => c.sha)).toEqual(range(0, 300).map((c) => c.sha));
    expect(requests).toHaveLength(3);
  });
});

describe("compareCommits", () => {
  test("a short last page ends the listing", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/compare/a...b`)
      .query({ per_page: "100", page: "1" })
      .reply(200, { total_commits: 999, commits: range(0, 100) })
      .get(`${REPO_PATH}/compare/a...b`)
      .query({ per_page: "100", page: "2" })
      .reply(200, { total_commits: 999, commits: range(100, 120) });
    expect(await compareCommits(gw, "a", "b")).toHaveLength(120);
    expect(requests).toHaveLength(2);
  });

  test("no commits: one call", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/compare/a...b`).query(true).reply(200, { total_commits: 0, commits: [] });
    expect(await compareCommits(gw, "a", "b")).toEqual([]);
  });
});
