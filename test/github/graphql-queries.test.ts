/**
 * Every GraphQL query the app sends, validated against GitHub's published schema
 * (@octokit/graphql-schema): a field GitHub renamed or never had fails here, not in production.
 * The inventory below is checked against the sources, so a new query cannot be left out.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { validate } from "@octokit/graphql-schema";
import { PROVENANCE_BRANCH_LIMIT, provenanceQuery } from "../../src/github/commit-provenance.js";
import { ACTIVITY_QUERY } from "../../src/github/repository-activity.js";
import { APPROVALS_QUERY } from "../../src/github/pull-request-reviews.js";
import { MERGED_PULL_REQUESTS_QUERY } from "../../src/github/merged-pull-requests.js";
import { REQUIRED_CHECKS_QUERY } from "../../src/github/required-checks.js";
import { RUN_PULL_REQUESTS_QUERY } from "../../src/github/run-pull-requests.js";
import { FINGERPRINT_BATCH, FINGERPRINT_BRANCHES, fingerprintQuery } from "../../src/github/repository-fingerprints.js";
import { FULL_READ_BATCH, FULL_READ_BRANCHES, configBlobsQuery, fullReadQuery } from "../../src/github/full-read-facts.js";

const QUERIES: Record<string, string> = {
  PipelineGuardActivity: ACTIVITY_QUERY,
  PipelineGuardRequiredChecks: REQUIRED_CHECKS_QUERY,
  PipelineGuardProvenance: provenanceQuery(1),
  PipelineGuardApprovals: APPROVALS_QUERY,
  PipelineGuardMergedPullRequests: MERGED_PULL_REQUESTS_QUERY,
  PipelineGuardRunPullRequests: RUN_PULL_REQUESTS_QUERY,
  PipelineGuardFingerprints: fingerprintQuery([{ owner: "octo-org", branches: ["main"] }]).query,
  PipelineGuardConfigBlobs: configBlobsQuery([{ owner: "octo-org", repo: "one" }]).query,
  PipelineGuardFullReads: fullReadQuery([{ owner: "octo-org", repo: "one", branches: ["main"], protection: true, deployments: { environments: ["production"] } }]),
};

const SRC = new URL("../../src/", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("GraphQL queries against GitHub's schema", () => {
  test.each(Object.entries(QUERIES))("%s is valid", (_name, query) => {
    expect(validate(query).map((e) => e.message)).toEqual([]);
  });

  test.each([0, 1, 3, PROVENANCE_BRANCH_LIMIT])("the provenance query with %i production branches is valid", (count) => {
    expect(validate(provenanceQuery(count)).map((e) => e.message)).toEqual([]);
  });

  test("the fingerprint query, for a full batch of repositories of two owners with up to the most branches, is valid", () => {
    const targets = Array.from({ length: FINGERPRINT_BATCH }, (_, i) => ({ owner: i % 2 === 0 ? "octo-org" : "other-org", branches: Array.from({ length: i % 3 === 0 ? FINGERPRINT_BRANCHES : i % 3 }, (_, b) => `b${b}`) }));
    expect(validate(fingerprintQuery(targets).query).map((e) => e.message)).toEqual([]);
  });

  test("the batched full reads, for a full batch of two owners with the most branches, with and without protection and deployments, are valid", () => {
    const targets = Array.from({ length: FULL_READ_BATCH }, (_, i) => ({
      owner: i % 2 === 0 ? "octo-org" : "other-org",
      repo: `r${i}`,
      branches: Array.from({ length: i === 0 ? FULL_READ_BRANCHES - (FULL_READ_BATCH - 1) : 1 }, (_, b) => `b${b}`),
      protection: i % 3 !== 0,
      ...(i % 2 === 0 ? { deployments: { environments: i % 4 === 0 ? null : ["production"] } } : {}),
    }));
    expect(validate(fullReadQuery(targets)).map((e) => e.message)).toEqual([]);
    expect(validate(configBlobsQuery(targets).query).map((e) => e.message)).toEqual([]);
  });

  test("a query with a field GitHub does not have fails (the validation can fail)", () => {
    expect(validate(REQUIRED_CHECKS_QUERY.replace("requiredStatusCheckContexts", "requiredChecksThatDoNotExist"))).not.toEqual([]);
  });

  test("every query operation in src/ is in the inventory above, and every graphql call sends one of them", () => {
    const operations = new Set<string>();
    let calls = 0;
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bquery\s+([A-Z]\w*)\s*\(/g)) operations.add(match[1] ?? "");
      calls += [...text.matchAll(/octokit\.graphql\b/g)].length;
    }
    expect([...operations].sort()).toEqual(Object.keys(QUERIES).sort());
    // One call site per query: a new call site is a new query to add above.
    expect(calls).toBe(Object.keys(QUERIES).length);
  });
});
