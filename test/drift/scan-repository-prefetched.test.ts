/**
 * A scan with the facts the scheduled scan read in a batch (src/drift/full-read-prefetch.ts):
 * what they hold is not asked for again, what they lack is read as always, and the findings are
 * the same as without them.
 */
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { scanRepository } from "../../src/drift/scan-repository.js";
import type { FullReadFacts } from "../../src/github/full-read-facts.js";
import { expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import {
  BASELINE_SNAPSHOT,
  DEFAULT_OPTIONS,
  NOW,
  OPEN_QUERY,
  REPORT_QUERY,
  REPO_PATH,
  activityReply,
  bodyOf,
  calls,
  classicProtection,
  commitNode,
  deploymentNode,
  driftState,
  gateway,
  loadedConfig,
  mockProtection,
  quietReport,
  graphqlClassicRule,
  type Json,
} from "../helpers/scan-github.js";
import { historyCommits } from "../../src/github/repository-activity.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const GRAPHQL_CLASSIC = graphqlClassicRule();

const HEAD = "a".repeat(40);

function prefetched(params: { history?: Json[]; after?: string | null; classic?: unknown; deployments?: FullReadFacts["deployments"]; branch?: string } = {}): FullReadFacts {
  return {
    branches: new Map([
      [
        params.branch ?? "master",
        {
          activity: { activity: { history: historyCommits({ pageInfo: { hasNextPage: false, endCursor: null }, nodes: (params.history ?? []) as never }), head: HEAD, deployments: [] }, after: params.after ?? null },
          protection: { classic: params.classic === undefined ? GRAPHQL_CLASSIC : params.classic, rules: [] },
        },
      ],
    ]),
    deployments: params.deployments === undefined ? [] : params.deployments,
  };
}

describe("scanRepository with prefetched facts", () => {
  test("history, deployments and protection come from the batch: only the records are listed, and nothing drifted is written", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []).get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [quietReport()]);
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched() });

    expectAllCallsMade(mock);
    expect(calls(mock.requests)).toEqual([`GET ${REPO_PATH}/issues`, `GET ${REPO_PATH}/issues`]);
    expect(summary).toMatchObject({ newItems: [], report: "unchanged", watch: { branches: ["master"] } });
  });

  test("the batch's protection counts as REST's would: a weaker classic rule is drift against the baseline", async () => {
    const mock = mockGitHub();
    mock.api
      .get(`${REPO_PATH}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [quietReport()])
      .patch(`${REPO_PATH}/issues/7`)
      .reply(200, {})
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, {});
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched({ classic: { ...GRAPHQL_CLASSIC, requiresApprovingReviews: false } }) });

    expectAllCallsMade(mock);
    expect(summary.newItems).toEqual(["protection:master:dismiss_stale_reviews", "protection:master:required_approving_review_count"]);
    expect(bodyOf(mock.requests.find((r) => r.method === "PATCH")).state).toBe("open");
  });

  test("a branch the batch does not hold, and one whose history has more pages, are read the usual way", async () => {
    const mock = mockGitHub();
    // `release` is not in the batch: its history (GraphQL) and protection (REST).
    mock.api
      .post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/release")
      .reply(200, activityReply({ withDeployments: false }))
      // master's history has more after the batch's page: read from its cursor, without the deployments again.
      .post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/master" && b.variables?.after === "c20" && b.variables?.withDeployments === false)
      .reply(200, activityReply({ withDeployments: false, history: [commitNode({ sha: "b".repeat(40), pr: { number: 5, title: "Older fix" } })] }))
      .get(`${REPO_PATH}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [quietReport(driftState({ baseline: { master: BASELINE_SNAPSHOT, release: BASELINE_SNAPSHOT } }))]);
    mockProtection(mock.api, { branch: "release", protection: classicProtection() });
    const { gw } = gateway();

    await scanRepository(gw, loadedConfig({ production: { branches: ["master", "release"] } }), {
      ...DEFAULT_OPTIONS,
      prefetched: prefetched({ after: "c20" }),
    });

    expectAllCallsMade(mock);
    expect(calls(mock.requests).filter((c) => c.includes("/master"))).toEqual([]);
  });

  test("commits before the scan's own look-back are left out (the batch's may start a little earlier)", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []).get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [quietReport()]);
    const { gw } = gateway();
    // A direct push 31 days ago would need a bypass record (and list the period's records) if it were kept.
    const old = commitNode({ sha: "c".repeat(40), message: "Direct push", committedDate: new Date(NOW.getTime() - 31 * 24 * 3_600_000).toISOString() });

    const summary = await scanRepository(gw, loadedConfig({ bypass: { direct_push: "issue" } }), { ...DEFAULT_OPTIONS, prefetched: prefetched({ history: [old] }) });

    expectAllCallsMade(mock);
    expect(summary.bypassesMade).toBe(0);
    expect(calls(mock.requests)).toHaveLength(2);
  });

  test("deployments the read needs but the batch lacks: the first branch's activity is read as usual", async () => {
    const mock = mockGitHub();
    mock.api
      .post("/graphql", (b: Json) => b.variables?.ref === "refs/heads/master" && b.variables?.withDeployments === true)
      .reply(200, activityReply({ history: [commitNode({ sha: HEAD, pr: { number: 5, title: "Fix" } })], deployments: [deploymentNode({ sha: HEAD })] }))
      .get(`${REPO_PATH}/issues`)
      .query(OPEN_QUERY)
      .reply(200, [])
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [quietReport()]);
    const { gw } = gateway();

    await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched({ deployments: null }) });

    expectAllCallsMade(mock);
  });
});

describe("scanRepository with one record listing", () => {
  const link = (page: number) => ({ link: `<https://api.github.com${REPO_PATH}/issues?page=${page}>; rel="next"` });

  test("the report's look-up reached the last page: it gives the open issues too (one call)", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [quietReport()]);
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched(), oneRecordListing: true });

    expectAllCallsMade(mock);
    expect(calls(mock.requests).filter((c) => c.endsWith("/issues"))).toHaveLength(1);
    expect(summary.report).toBe("unchanged");
  });

  test("pages left: the report found on the first page stops the look-up, and the open issues are listed as usual", async () => {
    const mock = mockGitHub();
    mock.api.get(`${REPO_PATH}/issues`).query(REPORT_QUERY).reply(200, [quietReport()], link(2)).get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []);
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched(), oneRecordListing: true });

    expectAllCallsMade(mock);
    expect(summary.report).toBe("unchanged");
  });

  test("pages left and no report on the first: the look-up goes on until it is found (and that last page gives the open issues)", async () => {
    const mock = mockGitHub();
    mock.api
      .get(`${REPO_PATH}/issues`)
      .query(REPORT_QUERY)
      .reply(200, [], link(2))
      .get(`${REPO_PATH}/issues`)
      .query({ page: "2" })
      .reply(200, [quietReport()]);
    const { gw } = gateway();

    const summary = await scanRepository(gw, loadedConfig(), { ...DEFAULT_OPTIONS, prefetched: prefetched(), oneRecordListing: true });

    expectAllCallsMade(mock);
    expect(summary.report).toBe("unchanged");
  });

  test("drift reporting off: no report look-up, the open issues listed as usual", async () => {
    const mock = mockGitHub();
    mock.api.post("/graphql").reply(200, activityReply({ withDeployments: false })).get(`${REPO_PATH}/issues`).query(OPEN_QUERY).reply(200, []);
    const { gw } = gateway();

    await scanRepository(gw, loadedConfig({ drift: { enabled: false } }), { ...DEFAULT_OPTIONS, oneRecordListing: true });

    expectAllCallsMade(mock);
  });
});
