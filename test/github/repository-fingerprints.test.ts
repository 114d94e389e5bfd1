import { FINGERPRINT_BATCH, FINGERPRINT_BRANCHES, getRepositoryFacts } from "../../src/github/repository-fingerprints.js";
import { nockGateway, setUpGatewayNock, type RecordedRequest } from "../helpers/nock-harness.js";

setUpGatewayNock();

const repository = (head: string) => ({
  defaultBranchRef: { name: "main", target: { oid: head } },
  branchProtectionRules: { nodes: [{ pattern: "main", requiredApprovingReviewCount: 1 }] },
  rulesets: { nodes: [{ databaseId: 7, enforcement: "ACTIVE", updatedAt: "2026-03-01T00:00:00Z" }] },
  deployments: { nodes: [{ databaseId: 99, environment: "production", commitOid: head, latestStatus: { state: "SUCCESS", createdAt: "2026-03-02T00:00:00Z" } }] },
  b0: {
    target: {
      oid: head,
      checkSuites: { nodes: [{ databaseId: 5, status: "COMPLETED", conclusion: "SUCCESS", updatedAt: "2026-03-03T00:00:00Z", workflowRun: { databaseId: 6, event: "schedule", file: { path: ".github/workflows/drift.yml" } } }] },
    },
  },
});

function body(request: RecordedRequest | undefined): { query: string; variables: Record<string, unknown> } {
  return request?.body as { query: string; variables: Record<string, unknown> };
}

describe("getRepositoryFacts", () => {
  test("one query for many repositories: aliases, values as variables, each owner's .github once", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, { data: { r0: repository("a1"), r1: { ...repository("b1"), b0: null, b1: { target: { oid: "b2" } } }, g0: { defaultBranchRef: { target: { oid: "g1" } } } } });

    const facts = await getRepositoryFacts(gw, {
      targets: [
        { owner: "octo-org", repo: "one", branches: ["main"] },
        { owner: "Octo-Org", repo: "two", branches: ["gone", "release/1"] },
      ],
    });

    expect(requests).toHaveLength(1);
    const sent = body(requests[0]);
    expect(sent.variables).toEqual({ o0: "octo-org", n0: "one", r0b0: "refs/heads/main", o1: "Octo-Org", n1: "two", r1b0: "refs/heads/gone", r1b1: "refs/heads/release/1", g0: "octo-org" });
    // Names travel as variables only: nothing a repository or branch is called can change the query.
    expect(sent.query).not.toContain("release/1");
    expect(facts[0]).toEqual({
      defaultBranch: "main",
      defaultHead: "a1",
      orgConfigHead: "g1",
      heads: { main: "a1" },
      classicProtection: [{ pattern: "main", requiredApprovingReviewCount: 1 }],
      rulesets: [{ databaseId: 7, enforcement: "ACTIVE", updatedAt: "2026-03-01T00:00:00Z" }],
      deployments: [{ databaseId: 99, environment: "production", commitOid: "a1", latestStatus: { state: "SUCCESS", createdAt: "2026-03-02T00:00:00Z" } }],
      suites: [{ id: 5, status: "COMPLETED", conclusion: "SUCCESS", updatedAt: "2026-03-03T00:00:00Z", run: { id: 6, event: "schedule", path: ".github/workflows/drift.yml" } }],
    });
    expect(facts[1]).toMatchObject({ heads: { gone: null, "release/1": "b2" }, suites: [], orgConfigHead: "g1" });
  });

  test("partial answers: a repository GitHub could not resolve is null (read in full), the others are used", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, {
      data: { r0: null, r1: repository("b1"), g0: null },
      errors: [
        { type: "NOT_FOUND", path: ["r0"], message: "Could not resolve to a Repository with the name 'octo-org/gone'." },
        { type: "NOT_FOUND", path: ["g0"], message: "Could not resolve to a Repository with the name 'octo-org/.github'." },
      ],
    });
    const facts = await getRepositoryFacts(gw, { targets: [{ owner: "octo-org", repo: "gone", branches: ["main"] }, { owner: "octo-org", repo: "two", branches: ["main"] }] });
    expect(facts[0]).toBeNull();
    expect(facts[1]).toMatchObject({ defaultHead: "b1", orgConfigHead: null });
  });

  test("a query that fails as a whole throws (the caller reads every repository in full)", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(502, { message: "Server Error" });
    await expect(getRepositoryFacts(gw, { targets: [{ owner: "octo-org", repo: "one", branches: ["main"] }] })).rejects.toMatchObject({ status: 502 });
  });

  test("an answer with errors and no data throws", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, { errors: [{ message: "Something went wrong" }] });
    await expect(getRepositoryFacts(gw, { targets: [{ owner: "octo-org", repo: "one", branches: ["main"] }] })).rejects.toThrow("Something went wrong");
  });

  test("no repositories: no call; more than a batch: refused; branches past the limit are not asked for", async () => {
    const { gw, api, requests } = nockGateway();
    expect(await getRepositoryFacts(gw, { targets: [] })).toEqual([]);
    const many = Array.from({ length: FINGERPRINT_BATCH + 1 }, (_, i) => ({ owner: "o", repo: `r${i}`, branches: ["main"] }));
    await expect(getRepositoryFacts(gw, { targets: many })).rejects.toThrow(`at most ${FINGERPRINT_BATCH}`);
    api.post("/graphql").reply(200, { data: { r0: repository("a1"), g0: null } });
    const branches = Array.from({ length: FINGERPRINT_BRANCHES + 5 }, (_, b) => `b${b}`);
    await getRepositoryFacts(gw, { targets: [{ owner: "o", repo: "r", branches }] });
    expect(Object.keys(body(requests[0]).variables).filter((k) => /^r0b\d+$/.test(k))).toHaveLength(FINGERPRINT_BRANCHES);
  });
});
