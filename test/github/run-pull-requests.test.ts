import { runPullRequests } from "../../src/github/run-pull-requests.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const SHA = "a".repeat(40);
const PULL = { number: 3, headRefOid: SHA, baseRefName: "main", isCrossRepository: false, headRepository: { nameWithOwner: "octo/app" }, changedFiles: 1, files: { nodes: [{ path: "main.tf" }] } };

function suite(appId: number | null, runs: Array<{ databaseId: number | null; conclusion: string | null }>) {
  return { app: appId === null ? null : { databaseId: appId }, checkRuns: { nodes: runs.map((r) => ({ ...r, title: "t", text: `text ${r.databaseId}` })) } };
}

function reply(api: ReturnType<typeof nockGateway>["api"], suites: unknown[] | undefined) {
  api.post("/graphql").reply(200, { data: { repository: { defaultBranchRef: { name: "main" }, pullRequests: { nodes: [PULL, null] }, ...(suites ? { verdictCommit: { checkSuites: { nodes: suites } } } : {}) } } });
}

describe("runPullRequests: the PRs of a run's head branch, and the app's own verdict on the head in the same call", () => {
  test("without a verdict asked: the PRs only, and the verdict part skipped", async () => {
    const { gw, api, requests } = nockGateway();
    reply(api, undefined);
    const found = await runPullRequests(gw, "feature");
    expect(found).toEqual({ defaultBranch: "main", pullRequests: [{ number: 3, headSha: SHA, baseRef: "main", headRepo: "octo/app", isCrossRepository: false, changedFiles: 1, files: ["main.tf"] }] });
    expect((requests[0]?.body as { variables: Record<string, unknown> }).variables).toMatchObject({ branch: "feature", withVerdict: false });
  });

  test("the verdict: the newest run of the app's own suites, its conclusion in REST's small letters", async () => {
    const { gw, api, requests } = nockGateway();
    reply(api, [suite(9000, [{ databaseId: 4, conclusion: "FAILURE" }]), suite(9000, [{ databaseId: 6, conclusion: "SUCCESS" }]), null]);
    const found = await runPullRequests(gw, "feature", { sha: SHA, appId: 9000 });
    expect(found.verdict).toEqual({ id: 6, conclusion: "success", title: "t", text: "text 6" });
    const body = requests[0]?.body as { query: string; variables: Record<string, unknown> };
    expect(body.variables).toEqual({ owner: "octo", repo: "app", branch: "feature", sha: SHA, appId: 9000, checkName: "Pipeline Guard", withVerdict: true });
    expect(body.query).toMatch(/checkSuites\(first: \d+, filterBy: \{ appId: \$appId \}\)/);
  });

  test("a run without an id is left out; a run without a conclusion (still in progress) has none", async () => {
    const { gw, api } = nockGateway();
    reply(api, [suite(9000, [{ databaseId: null, conclusion: "SUCCESS" }, { databaseId: 2, conclusion: null }]), { app: { databaseId: 9000 }, checkRuns: null }, { app: { databaseId: 9000 }, checkRuns: { nodes: [null] } }]);
    expect((await runPullRequests(gw, "feature", { sha: SHA, appId: 9000 })).verdict).toEqual({ id: 2, conclusion: null, title: "t", text: "text 2" });
  });

  test("a suite of another app, or of no app, is never the verdict, even if GitHub did not filter it out: null", async () => {
    const { gw, api } = nockGateway();
    reply(api, [suite(15368, [{ databaseId: 9, conclusion: "SUCCESS" }]), suite(null, [{ databaseId: 8, conclusion: "SUCCESS" }])]);
    expect((await runPullRequests(gw, "feature", { sha: SHA, appId: 9000 })).verdict).toBeNull();
  });

  test("no commit of that SHA, or no run on it: null", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, { data: { repository: { defaultBranchRef: null, pullRequests: { nodes: null }, verdictCommit: null } } });
    expect(await runPullRequests(gw, "feature", { sha: SHA, appId: 9000 })).toEqual({ defaultBranch: null, pullRequests: [], verdict: null });
  });
});
