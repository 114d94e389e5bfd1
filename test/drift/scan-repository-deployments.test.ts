import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import {
  DEFAULT_OPTIONS,
  REPO_PATH,
  activityReply,
  bodyOf,
  REPORT_QUERY,
  calls,
  commitNode,
  deploymentNode,
  gateway,
  issue,
  loadedConfig,
  mockProtection,
  mockScanReads,
  quietReport,
  writes,
  type Json, stateOf } from "../helpers/scan-github.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const ON_MASTER = "1111111111111111111111111111111111111111";
const HOTFIX = "deadbeefcafe0000000000000000000000000000";
const OLD_RELEASE = "2222222222222222222222222222222222222222";

const quiet = () => [quietReport()];
const history = [commitNode({ sha: ON_MASTER, pr: { number: 12, title: "Add the cache" } })];

function compareReply(status: "diverged" | "ahead" | "behind" | "identical") {
  return { url: "https://api.github.com/...", status, ahead_by: status === "behind" || status === "identical" ? 0 : 1, behind_by: 3, total_commits: 1, commits: [], files: [] };
}

function mockCreateReport(api: ReturnType<typeof mockGitHub>["api"]) {
  api
    .get(`${REPO_PATH}/issues`)
    .query(REPORT_QUERY)
    .reply(200, [])
    .post(`${REPO_PATH}/labels`)
    .reply(201, {})
    .post(`${REPO_PATH}/issues`)
    .reply(201, (_uri: string, body: Json) => issue({ number: 9, title: body.title, body: body.body, labels: body.labels }))
    // Signed with its number in a second write.
    .patch(`${REPO_PATH}/issues/9`)
    .reply(200, {});
}

describe("deployment drift", () => {
  test("a production deployment of a SHA not on master (compare: diverged) is an item; staging is ignored", async () => {
    const mock = mockGitHub();
    const deployments = [
      deploymentNode({ sha: ON_MASTER, createdAt: "2026-03-08T10:00:00Z", creator: "deploy-bot" }),
      deploymentNode({ sha: HOTFIX, createdAt: "2026-03-09T11:00:00Z", creator: "mallory" }),
      deploymentNode({ environment: "staging", sha: "3333333333333333333333333333333333333333", createdAt: "2026-03-09T12:00:00Z" }),
    ];
    mockScanReads(mock.api, { reportIssues: [], activity: activityReply({ history, deployments }) });
    mock.api.get(`${REPO_PATH}/compare/master...${HOTFIX}`).query({ per_page: "1" }).reply(200, compareReply("diverged"));
    mockCreateReport(mock.api);

    const summary = await scanRepository(gateway().gw, loadedConfig({ drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary).toMatchObject({ open: 1, newItems: ["deployment:production"], report: "created" });
    expect(calls(mock.requests).filter((c) => c.includes("/compare/"))).toEqual([`GET ${REPO_PATH}/compare/master...${HOTFIX}`]);
    const body: string = bodyOf(writes(mock.requests)[1]).body;
    expect(body).toContain("## Deployments");
    expect(body).toContain("- **`production` runs deadbee, which is not on a production branch**");
    expect(body).toContain("  - deployed at 2026-03-09 11:00 UTC by `mallory`");
    expect(body).toContain("  - How to fix: Merge the change through a pull request, or roll back: Deploy `production` again from `master` through the pipeline.");
    expect(body).not.toContain("staging");
  });

  test("a production deployment of a SHA in the history costs no compare call and is no item", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: quiet(), activity: activityReply({ history, deployments: [deploymentNode({ sha: ON_MASTER })] }) });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.open).toBe(0);
  });

  test("a deployment of master's head on a quiet branch (no commit in the look-back) costs no compare call: the head is read with the history", async () => {
    const mock = mockGitHub();
    const quietBranch = activityReply({ history: [], deployments: [deploymentNode({ sha: OLD_RELEASE })] });
    quietBranch.data.repository.ref.target.oid = OLD_RELEASE;
    mockScanReads(mock.api, { reportIssues: quiet(), activity: quietBranch });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(calls(mock.requests).filter((c) => c.includes("/compare/"))).toEqual([]);
    expect(summary.open).toBe(0);
  });

  test.each(["behind", "identical"] as const)("a SHA older than the look-back that master contains (compare: %s) is no item: one call more", async (status) => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: quiet(), activity: activityReply({ history, deployments: [deploymentNode({ sha: OLD_RELEASE })] }) });
    mock.api.get(`${REPO_PATH}/compare/master...${OLD_RELEASE}`).query({ per_page: "1" }).reply(200, compareReply(status));

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(6);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.open).toBe(0);
  });

  test("a SHA GitHub does not know (compare: 404, e.g. force-pushed away) is an item", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [], activity: activityReply({ history, deployments: [deploymentNode({ sha: HOTFIX })] }) });
    mock.api.get(`${REPO_PATH}/compare/master...${HOTFIX}`).query({ per_page: "1" }).reply(404, { message: "Not Found" });
    mockCreateReport(mock.api);

    const summary = await scanRepository(gateway().gw, loadedConfig({ drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["deployment:production"]);
  });

  test("with two production branches, the SHA is looked for on each until one contains it", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [], activity: activityReply({ history, deployments: [deploymentNode({ sha: HOTFIX })] }) });
    mock.api.post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/release").reply(200, activityReply({ withDeployments: false }));
    mockProtection(mock.api, { branch: "release" });
    mock.api
      .get(`${REPO_PATH}/compare/master...${HOTFIX}`)
      .query(true)
      .reply(200, compareReply("diverged"))
      .get(`${REPO_PATH}/compare/release...${HOTFIX}`)
      .query(true)
      .reply(200, compareReply("behind"));

    const summary = await scanRepository(gateway().gw, loadedConfig({ production: { branches: ["master", "release"] }, drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(writes(mock.requests)).toEqual([]);
    expect(summary.open).toBe(0);
  });

  test("a creator not in drift.deployments.allowed_creators is an item of its own", async () => {
    const mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: [], activity: activityReply({ history, deployments: [deploymentNode({ sha: ON_MASTER, creator: "mallory" })] }) });
    mockCreateReport(mock.api);

    const summary = await scanRepository(
      gateway().gw,
      loadedConfig({ drift: { protection: { enforce_admins: true }, deployments: { allowed_creators: ["Deploy-Bot"] } } }),
      DEFAULT_OPTIONS,
    );

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["deployment:production:creator"]);
    const body: string = bodyOf(writes(mock.requests)[1]).body;
    expect(body).toContain("- **`production` was deployed by `mallory`, who is not in drift.deployments.allowed_creators**");
    expect(body).toContain("  - commit 1111111, at 2026-03-09 11:00 UTC");
  });

  test("an allowed creator matches whatever its case; a deployment without a creator is not allowed", async () => {
    const allowed = loadedConfig({ drift: { deployments: { allowed_creators: ["Deploy-Bot"] } } });
    let mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: quiet(), activity: activityReply({ history, deployments: [deploymentNode({ sha: ON_MASTER, creator: "deploy-bot" })] }) });
    expect((await scanRepository(gateway().gw, allowed, DEFAULT_OPTIONS)).open).toBe(0);
    expectAllCallsMade(mock);

    mock = mockGitHub();
    mockScanReads(mock.api, { reportIssues: quiet(), activity: activityReply({ history, deployments: [deploymentNode({ sha: ON_MASTER, creator: null })] }) });
    mock.api.patch(`${REPO_PATH}/issues/7`).reply(200, {}).post(`${REPO_PATH}/issues/7/comments`).reply(201, {});
    const summary = await scanRepository(gateway().gw, allowed, DEFAULT_OPTIONS);
    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["deployment:production:creator"]);
    expect(bodyOf(writes(mock.requests)[0]).body).toContain("was deployed by an unknown author, who is not in");
  });

  test("only the newest successful deployment of each environment counts; failed and inactive ones do not", async () => {
    const mock = mockGitHub();
    const deployments = [
      deploymentNode({ sha: HOTFIX, createdAt: "2026-03-01T10:00:00Z", state: "INACTIVE" }),
      deploymentNode({ sha: ON_MASTER, createdAt: "2026-03-02T10:00:00Z", state: "SUCCESS" }),
      deploymentNode({ sha: HOTFIX, createdAt: "2026-03-03T10:00:00Z", state: "FAILURE" }),
      deploymentNode({ sha: HOTFIX, createdAt: "2026-03-04T10:00:00Z", state: null }),
    ];
    mockScanReads(mock.api, { reportIssues: quiet(), activity: activityReply({ history, deployments }) });

    const summary = await scanRepository(gateway().gw, loadedConfig(), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(5);
    expect(summary.open).toBe(0);
  });

  test("each production environment (globs) whose SHA is not in the history costs one compare call", async () => {
    const mock = mockGitHub();
    const deployments = [
      deploymentNode({ environment: "prod-eu", sha: HOTFIX }),
      deploymentNode({ environment: "prod-us", sha: OLD_RELEASE }),
      deploymentNode({ environment: "prod-ap", sha: ON_MASTER }),
      deploymentNode({ environment: "preview", sha: "4444444444444444444444444444444444444444" }),
    ];
    mockScanReads(mock.api, { reportIssues: [], activity: activityReply({ history, deployments }) });
    mock.api
      .get(`${REPO_PATH}/compare/master...${HOTFIX}`)
      .query(true)
      .reply(200, compareReply("ahead"))
      .get(`${REPO_PATH}/compare/master...${OLD_RELEASE}`)
      .query(true)
      .reply(200, compareReply("behind"));
    mockCreateReport(mock.api);

    const summary = await scanRepository(gateway().gw, loadedConfig({ production: { environments: ["prod-*"] }, drift: { protection: { enforce_admins: true } } }), DEFAULT_OPTIONS);

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["deployment:prod-eu"]);
    expect(stateOf(bodyOf(writes(mock.requests)[2]).body, 9)).toMatchObject({ items: { "deployment:prod-eu": {} } });
  });
});
