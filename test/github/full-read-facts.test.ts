import { FULL_READ_BATCH, FULL_READ_BRANCHES, FULL_READ_HISTORY, getConfigBlobs, getFullReadFacts } from "../../src/github/full-read-facts.js";
import { graphqlPoints } from "../e2e/graphql-points.js";
import { nockGateway, setUpGatewayNock, type RecordedRequest } from "../helpers/nock-harness.js";
import { commitNode, deploymentNode } from "../helpers/scan-github.js";

setUpGatewayNock();

function body(request: RecordedRequest | undefined): { query: string; variables: Record<string, unknown> } {
  return request?.body as { query: string; variables: Record<string, unknown> };
}

const SINCE = new Date("2026-02-08T12:00:00.000Z");

const branchAnswer = (head: string, params: { hasNextPage?: boolean; protection?: boolean } = {}) => ({
  ...(params.protection === false ? {} : { branchProtectionRule: { requiresApprovingReviews: true, requiredApprovingReviewCount: 2 }, rules: { nodes: [{ type: "DELETION", parameters: null }] } }),
  target: {
    oid: head,
    history: { pageInfo: { hasNextPage: params.hasNextPage ?? false, endCursor: params.hasNextPage ? "c20" : "c1" }, nodes: [commitNode({ sha: head, message: "Fix" })] },
  },
});

describe("getConfigBlobs", () => {
  test("one query: each repository's file and each owner's .github once, names as variables; text, none, or not certain", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, {
      data: {
        r0: { object: { text: "drift:\n  enabled: true\n", isTruncated: false } },
        r1: { object: null },
        r2: { object: { text: null, isTruncated: false } },
        r3: { object: {} },
        r4: { object: { text: "x", isTruncated: true } },
        g0: { object: { text: "production:\n  branches: [main]\n", isTruncated: false } },
        g1: null,
      },
      errors: [{ type: "NOT_FOUND", path: ["g1"], message: "Could not resolve to a Repository with the name 'other/.github'." }],
    });

    const blobs = await getConfigBlobs(gw, {
      targets: [
        { owner: "Octo-Org", repo: "one" },
        { owner: "octo-org", repo: "two" },
        { owner: "octo-org", repo: "binary" },
        { owner: "octo-org", repo: "directory" },
        { owner: "other", repo: "big" },
      ],
    });

    expect(requests).toHaveLength(1);
    const sent = body(requests[0]);
    expect(sent.variables).toEqual({ o0: "Octo-Org", n0: "one", o1: "octo-org", n1: "two", o2: "octo-org", n2: "binary", o3: "octo-org", n3: "directory", o4: "other", n4: "big", g0: "octo-org", g1: "other" });
    expect(sent.query).not.toContain("binary");
    expect(sent.query).toContain('object(expression: "HEAD:.github/pipeline-guard.yml")');
    // No connection: one point for the whole batch.
    expect(graphqlPoints(sent.query, sent.variables)).toBe(1);
    expect(blobs.map((b) => b.repository)).toEqual([
      { state: "text", text: "drift:\n  enabled: true\n" },
      { state: "absent" },
      { state: "unknown" },
      { state: "unknown" },
      { state: "unknown" },
    ]);
    expect(blobs[1]?.org).toEqual({ state: "text", text: "production:\n  branches: [main]\n" });
    // A `.github` repository GitHub could not resolve has no file, as REST's 404 says.
    expect(blobs[4]?.org).toEqual({ state: "absent" });
  });

  test("an error that names a repository, or names none, makes its answer not certain (never absent)", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, { data: { r0: { object: null }, r1: { object: null }, g0: null }, errors: [{ type: "FORBIDDEN", path: ["r0", "object"], message: "Resource not accessible by integration" }, { type: "FORBIDDEN", path: ["g0"], message: "no" }] });
    const blobs = await getConfigBlobs(gw, { targets: [{ owner: "o", repo: "a" }, { owner: "o", repo: "b" }] });
    expect(blobs).toEqual([
      { repository: { state: "unknown" }, org: { state: "unknown" } },
      { repository: { state: "absent" }, org: { state: "unknown" } },
    ]);

    const second = nockGateway();
    second.api.post("/graphql").reply(200, { data: { r0: { object: null }, g0: null }, errors: [{ type: "NOT_FOUND", path: ["g0"], message: "gone" }, { message: "Something went wrong while executing your query." }] });
    expect(await getConfigBlobs(second.gw, { targets: [{ owner: "o", repo: "a" }] })).toEqual([{ repository: { state: "unknown" }, org: { state: "unknown" } }]);
  });

  test("no repositories: no call; more than a batch: refused; a failed query throws", async () => {
    const { gw, api } = nockGateway();
    expect(await getConfigBlobs(gw, { targets: [] })).toEqual([]);
    await expect(getConfigBlobs(gw, { targets: Array.from({ length: FULL_READ_BATCH + 1 }, (_, i) => ({ owner: "o", repo: `r${i}` })) })).rejects.toThrow(`at most ${FULL_READ_BATCH}`);
    api.post("/graphql").reply(502, { message: "Server Error" });
    await expect(getConfigBlobs(gw, { targets: [{ owner: "o", repo: "a" }] })).rejects.toMatchObject({ status: 502 });
  });
});

describe("getFullReadFacts", () => {
  test("one query for many repositories: branches, protection and deployments only where asked, values as variables, points by GitHub's formula", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, {
      data: {
        r0: { b0: branchAnswer("a1", { hasNextPage: true }), b1: null, deployments: { nodes: [deploymentNode({ sha: "a1" })] } },
        r1: { b0: branchAnswer("b1", { protection: false }) },
      },
    });

    const facts = await getFullReadFacts(gw, {
      since: SINCE,
      targets: [
        { owner: "octo-org", repo: "one", branches: ["main", "release/1"], protection: true, deployments: { environments: ["production"] } },
        { owner: "octo-org", repo: "two", branches: ["main"], protection: false },
      ],
    });

    const sent = body(requests[0]);
    expect(sent.variables).toEqual({ since: "2026-02-08T12:00:00.000Z", o0: "octo-org", n0: "one", r0b0: "refs/heads/main", r0b1: "refs/heads/release/1", e0: ["production"], o1: "octo-org", n1: "two", r1b0: "refs/heads/main" });
    expect(sent.query).not.toContain("release/1");
    expect(sent.query).not.toContain("production");
    expect(sent.query).toContain(`history(first: ${FULL_READ_HISTORY}, since: $since)`);
    // Protection for r0's branches only; deployments for r0 only.
    expect(sent.query.match(/branchProtectionRule/g)).toHaveLength(2);
    expect(sent.query.match(/deployments\(/g)).toHaveLength(1);
    // 3 branches × (history 1 + 20 PR lists) + 2 rules lists + 1 deployments = 66 requests: 1 point.
    expect(graphqlPoints(sent.query, sent.variables)).toBe(1);

    const one = facts[0]!;
    expect([...one.branches.keys()]).toEqual(["main"]);
    expect(one.branches.get("main")).toEqual({
      activity: { activity: { head: "a1", deployments: [], history: [expect.objectContaining({ sha: "a1", message: "Fix" })] }, after: "c20" },
      protection: { classic: { requiresApprovingReviews: true, requiredApprovingReviewCount: 2 }, rules: [{ type: "DELETION", parameters: null }] },
    });
    expect(one.deployments).toEqual([expect.objectContaining({ sha: "a1", environment: "production" })]);
    const two = facts[1]!;
    expect(two.branches.get("main")).toEqual({ activity: { activity: expect.objectContaining({ head: "b1" }), after: null } });
    expect(two.deployments).toBeNull();
  });

  test("all environments: null travels as the variable", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, { data: { r0: { b0: branchAnswer("a1"), deployments: { nodes: [] } } } });
    const [facts] = await getFullReadFacts(gw, { since: SINCE, targets: [{ owner: "o", repo: "a", branches: ["main"], protection: true, deployments: { environments: null } }] });
    expect(body(requests[0]).variables.e0).toBeNull();
    expect(facts?.deployments).toEqual([]);
  });

  test("fail toward reading: a repository GitHub did not answer for, or that an error names, is null; a branch without rules is left out", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, {
      data: { r0: null, r1: { b0: { ...branchAnswer("b1"), rules: null } }, r2: { b0: branchAnswer("c1") }, r3: { b0: branchAnswer("d1") } },
      errors: [
        { type: "NOT_FOUND", path: ["r0"], message: "Could not resolve to a Repository with the name 'o/gone'." },
        { type: "FORBIDDEN", path: ["r2", "b0", "branchProtectionRule"], message: "Resource not accessible by integration" },
      ],
    });
    const targets = ["gone", "norules", "forbidden", "fine"].map((repo) => ({ owner: "o", repo, branches: ["main"], protection: true }));
    const facts = await getFullReadFacts(gw, { since: SINCE, targets });
    expect(facts[0]).toBeNull();
    expect(facts[1]?.branches.size).toBe(0);
    expect(facts[2]).toBeNull();
    expect(facts[3]?.branches.get("main")?.activity.activity.head).toBe("d1");
  });

  test("a query that fails as a whole throws; limits are refused before any call", async () => {
    const { gw, api } = nockGateway();
    expect(await getFullReadFacts(gw, { since: SINCE, targets: [] })).toEqual([]);
    const many = Array.from({ length: FULL_READ_BATCH + 1 }, (_, i) => ({ owner: "o", repo: `r${i}`, branches: ["main"], protection: false }));
    await expect(getFullReadFacts(gw, { since: SINCE, targets: many })).rejects.toThrow(`at most ${FULL_READ_BATCH} repositories`);
    const wide = [{ owner: "o", repo: "r", branches: Array.from({ length: FULL_READ_BRANCHES + 1 }, (_, b) => `b${b}`), protection: false }];
    await expect(getFullReadFacts(gw, { since: SINCE, targets: wide })).rejects.toThrow(`at most ${FULL_READ_BRANCHES} branches`);
    api.post("/graphql").reply(200, { errors: [{ message: "Something went wrong" }] });
    await expect(getFullReadFacts(gw, { since: SINCE, targets: [{ owner: "o", repo: "r", branches: ["main"], protection: false }] })).rejects.toThrow("Something went wrong");
  });
});
