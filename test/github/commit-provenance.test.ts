import { CallBudgetExceededError, withCallBudget } from "../../src/github/call-budget.js";
import { PROVENANCE_BRANCH_LIMIT, ProvenanceUnreadableError, readCommitProvenance } from "../../src/github/commit-provenance.js";
import { provenanceResponse, type Json } from "../helpers/github-replies.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const SHA = "0123456789abcdef0123456789abcdef01234567";
const HEAD = "fedcba9876543210fedcba9876543210fedcba98";

describe("readCommitProvenance", () => {
  test("one query: the branches containing the SHA, the commit's people, the runs and the PRs, read into plain facts", async () => {
    const { gw, api, requests } = nockGateway({ owner: "Codertocat", repo: "Hello-World" });
    api.post("/graphql").reply(
      200,
      provenanceResponse({
        statuses: ["AHEAD", "BEHIND", "IDENTICAL", null],
        commit: {
          message: "Merge pull request #2",
          author: { login: null, email: "49699333+dependabot[bot]@users.noreply.github.com" },
          committer: { login: "web-flow" },
          checks: [{ id: 5, conclusion: "success", title: "ok", app: "github-actions" }],
          pullRequests: [{ number: 2, mergeCommit: SHA, headRefOid: HEAD, author: "dependabot", authorType: "Bot", headRepository: null, commits: 3, headChecks: [{ id: 9, conclusion: "failure", title: "no" }] }],
        },
      }),
    );

    const facts = await readCommitProvenance(gw, { sha: SHA, branches: ["main", "stable", "release", "gone"] });

    expect(requests).toHaveLength(1);
    expect(facts.containing).toEqual(["stable", "release"]);
    expect(facts.commit).toMatchObject({ message: "Merge pull request #2", author: "dependabot[bot]", committer: "web-flow" });
    expect(facts.commit?.checks).toEqual([{ id: 5, appSlug: "github-actions", repository: "Codertocat/Hello-World", status: "completed", conclusion: "success", title: "ok", summary: null, text: null }]);
    const [pr] = facts.commit?.pullRequests ?? [];
    expect(pr?.facts).toEqual({
      number: 2,
      title: "Update the README with new information",
      body: "This is a pretty simple change.",
      author: "dependabot[bot]",
      headSha: HEAD,
      baseSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      baseRef: "master",
      headRepo: null,
      baseRepo: "Codertocat/Hello-World",
      commits: 3,
      labels: [],
      merged: true,
      mergedBy: "bob",
      mergeCommitSha: SHA,
      mergedAt: "2026-11-20T10:00:00Z",
      updatedAt: null,
    });
    expect(pr?.headChecks?.map((c) => c.id)).toEqual([9]);
  });

  test("the query's last commit of a PR is not its head: the head's runs are unknown, not empty", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, provenanceResponse({ commit: { pullRequests: [{ number: 2, headRefOid: HEAD, headOid: SHA, headChecks: [{ conclusion: "success" }] }] } }));

    const facts = await readCommitProvenance(gw, { sha: SHA, branches: ["main"] });

    expect(facts.commit?.pullRequests[0]?.headChecks).toBeNull();
  });

  test(`more than ${PROVENANCE_BRANCH_LIMIT} production branches: the first ${PROVENANCE_BRANCH_LIMIT} are asked`, async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, provenanceResponse({ statuses: [] }));
    const branches = Array.from({ length: PROVENANCE_BRANCH_LIMIT + 5 }, (_, i) => `b${i}`);

    const facts = await readCommitProvenance(gw, { sha: SHA, branches });

    expect(facts.branchesChecked).toHaveLength(PROVENANCE_BRANCH_LIMIT);
    expect(Object.keys((requests[0]?.body as Json).variables).filter((k) => k.startsWith("branch"))).toHaveLength(PROVENANCE_BRANCH_LIMIT);
  });

  test("no production branch to ask: no compare and no `$sha` variable in the query", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, provenanceResponse({ statuses: [] }));

    const facts = await readCommitProvenance(gw, { sha: SHA, branches: [], withSummary: true });

    const body = requests[0]?.body as Json;
    expect(body.query).not.toContain("$sha");
    expect(body.variables).toEqual({ owner: "octo", repo: "app", oid: SHA, checkName: "Pipeline Guard", withSummary: true });
    expect(facts.containing).toEqual([]);
  });

  test.each<[string, Json]>([
    ["no repository", { data: { repository: null } }],
    ["a tag object", { data: { repository: { object: { __typename: "Tag" } } } }],
    ["no pull requests", { data: { repository: { object: { __typename: "Commit", message: "x" } } } }],
  ])("an answer with %s is unreadable", async (_name, answer) => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, answer);

    await expect(readCommitProvenance(gw, { sha: SHA, branches: ["main"] })).rejects.toBeInstanceOf(ProvenanceUnreadableError);
  });

  test("runs without an id or check runs are skipped; null nodes are tolerated", async () => {
    const { gw, api } = nockGateway();
    const answer = provenanceResponse();
    answer.data.repository.object.checkSuites = {
      nodes: [null, { app: null, repository: null, checkRuns: null }, { app: { slug: "pipeline-guard" }, repository: null, checkRuns: { nodes: [null, { databaseId: null, status: "COMPLETED", conclusion: "SUCCESS", title: "x" }] } }],
    };
    answer.data.repository.object.associatedPullRequests.nodes = [null];
    api.post("/graphql").reply(200, answer);

    const facts = await readCommitProvenance(gw, { sha: SHA, branches: ["main"] });

    expect(facts.commit?.checks).toEqual([]);
    expect(facts.commit?.pullRequests).toEqual([]);
  });
});

describe("withCallBudget", () => {
  test("counts every call, GraphQL and pagination included; the call past the budget is not made", async () => {
    const { gw, api, requests } = nockGateway();
    api.get("/repos/octo/app").reply(200, { default_branch: "main" }).post("/graphql").reply(200, { data: { viewer: { login: "x" } } });

    const error = await withCallBudget(gw.octokit, 2, async (spent) => {
      await gw.octokit.rest.repos.get({ owner: "octo", repo: "app" });
      await gw.octokit.graphql("query { viewer { login } }");
      expect(spent()).toBe(2);
      return gw.octokit.rest.repos.get({ owner: "octo", repo: "app" }).catch((e: unknown) => e);
    });

    expect(error).toBeInstanceOf(CallBudgetExceededError);
    expect((error as Error).message).toBe("more than 2 API calls would be needed");
    expect(requests).toHaveLength(2);
  });

  test("the installation token's request, which Octokit makes through the same hooks, is not counted", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/app/installations/7/access_tokens").reply(201, { token: "t" }).get("/repos/octo/app").reply(200, { default_branch: "main" });

    await withCallBudget(gw.octokit, 1, async () => {
      await gw.octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: 7 });
      await gw.octokit.rest.repos.get({ owner: "octo", repo: "app" });
    });

    expect(requests).toHaveLength(2);
  });

  test("the budget ends with `run`: later calls are not counted", async () => {
    const { gw, api } = nockGateway();
    api.get("/repos/octo/app").times(2).reply(200, { default_branch: "main" });

    await withCallBudget(gw.octokit, 1, async () => gw.octokit.rest.repos.get({ owner: "octo", repo: "app" }));
    await expect(gw.octokit.rest.repos.get({ owner: "octo", repo: "app" })).resolves.toMatchObject({ status: 200 });
  });
});
