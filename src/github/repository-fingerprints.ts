import type { Gateway } from "./gateway.js";
import { statusOf } from "./gateway.js";

/**
 * Repositories per fingerprint query. Each costs 4 connections (protection rules, rulesets,
 * deployments, the first branch's check suites): 50 of them are 200 requests by GitHub's formula,
 * 2 points, far under its 500,000-node limit (every page here is at most 20 nodes:
 * 50 × (20 + 20 + 5 + 10) = 2,750 nodes).
 */
export const FINGERPRINT_BATCH = 50;
/** Production branches whose heads one repository's fingerprint reads (the scan reads at most 20). */
export const FINGERPRINT_BRANCHES = 20;

export interface FingerprintTarget {
  owner: string;
  repo: string;
  /** The production branches the last full scan read (their heads are part of the fingerprint). */
  branches: readonly string[];
}

/** The cheap facts of one repository that decide whether its scan must read it in full. */
export interface RepositoryFacts {
  defaultBranch: string | null;
  defaultHead: string | null;
  /** The head of the owner's `.github` repository: its configuration is the fallback and `_extends` base. */
  orgConfigHead: string | null;
  heads: Record<string, string | null>;
  classicProtection: unknown[];
  rulesets: unknown[];
  deployments: unknown[];
  /** The check suites of the first production branch's head, with the workflow run each belongs to. */
  suites: Array<{ id: number | null; status: string; conclusion: string | null; updatedAt: string; run: { id: number | null; event: string; path: string | null } | null }>;
}

const CLASSIC_FIELDS =
  "pattern allowsDeletions allowsForcePushes blocksCreations dismissesStaleReviews isAdminEnforced lockBranch requiredApprovingReviewCount requiredStatusCheckContexts requireLastPushApproval requiresApprovingReviews requiresCodeOwnerReviews requiresCommitSignatures requiresConversationResolution requiresLinearHistory requiresStatusChecks requiresStrictStatusChecks restrictsPushes";

/**
 * One query for the fingerprints of many repositories, each under its own alias (`r0`, `r1`…),
 * the production branches of repository N as `b0`, `b1`… under it, and each owner's `.github`
 * repository as `g0`, `g1`…. Values travel as variables, never in the query's text.
 */
export function fingerprintQuery(targets: ReadonlyArray<Pick<FingerprintTarget, "owner" | "branches">>): { query: string; owners: string[] } {
  const owners = [...new Set(targets.map((t) => t.owner.toLowerCase()))];
  const declarations: string[] = [];
  const parts: string[] = [];
  targets.forEach((target, n) => {
    declarations.push(`$o${n}: String!`, `$n${n}: String!`);
    const branches = target.branches.slice(0, FINGERPRINT_BRANCHES).map((_, b) => {
      declarations.push(`$r${n}b${b}: String!`);
      const suites = b === 0 ? ` ... on Commit { checkSuites(last: 10) { nodes { databaseId status conclusion updatedAt workflowRun { databaseId event file { path } } } } }` : "";
      return `b${b}: ref(qualifiedName: $r${n}b${b}) { target { oid${suites} } }`;
    });
    parts.push(
      `r${n}: repository(owner: $o${n}, name: $n${n}) { defaultBranchRef { name target { oid } } ` +
        `branchProtectionRules(first: 20) { nodes { ${CLASSIC_FIELDS} } } ` +
        `rulesets(first: 20, includeParents: true) { nodes { databaseId enforcement updatedAt } } ` +
        `deployments(last: 5, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { databaseId environment commitOid latestStatus { state createdAt } } } ` +
        `${branches.join(" ")} }`,
    );
  });
  owners.forEach((_, g) => {
    declarations.push(`$g${g}: String!`);
    parts.push(`g${g}: repository(owner: $g${g}, name: ".github") { defaultBranchRef { target { oid } } }`);
  });
  return { query: `query PipelineGuardFingerprints(${declarations.join(", ")}) {\n  ${parts.join("\n  ")}\n}`, owners };
}

interface RawRepository {
  defaultBranchRef: { name: string; target: { oid: string } | null } | null;
  branchProtectionRules?: { nodes: unknown[] };
  rulesets?: { nodes: unknown[] } | null;
  deployments?: { nodes: unknown[] };
  [alias: string]: unknown;
}

type RawSuite = { databaseId: number | null; status: string; conclusion: string | null; updatedAt: string; workflowRun: { databaseId: number | null; event: string; file: { path: string } | null } | null };
type RawRef = { target: { oid: string; checkSuites?: { nodes: RawSuite[] } } | null } | null;

function factsOf(raw: RawRepository | null | undefined, target: FingerprintTarget, orgConfigHead: string | null): RepositoryFacts | null {
  if (!raw) return null;
  const heads: Record<string, string | null> = {};
  let suites: RepositoryFacts["suites"] = [];
  target.branches.slice(0, FINGERPRINT_BRANCHES).forEach((branch, b) => {
    const ref = raw[`b${b}`] as RawRef | undefined;
    heads[branch] = ref?.target?.oid ?? null;
    if (b === 0) {
      suites = (ref?.target?.checkSuites?.nodes ?? []).map((s) => ({
        id: s.databaseId,
        status: s.status,
        conclusion: s.conclusion,
        updatedAt: s.updatedAt,
        run: s.workflowRun ? { id: s.workflowRun.databaseId, event: s.workflowRun.event, path: s.workflowRun.file?.path ?? null } : null,
      }));
    }
  });
  return {
    defaultBranch: raw.defaultBranchRef?.name ?? null,
    defaultHead: raw.defaultBranchRef?.target?.oid ?? null,
    orgConfigHead,
    heads,
    classicProtection: raw.branchProtectionRules?.nodes ?? [],
    rulesets: raw.rulesets?.nodes ?? [],
    deployments: raw.deployments?.nodes ?? [],
    suites,
  };
}

/**
 * The facts of up to `FINGERPRINT_BATCH` repositories of one installation in one GraphQL query.
 * A repository GitHub does not answer for (gone, not readable, an error on its part) maps to
 * null, which the caller reads as "changed": a fact it cannot see never lets a scan be skipped.
 * A query that fails as a whole throws.
 */
export async function getRepositoryFacts(
  client: Pick<Gateway, "octokit">,
  params: { targets: readonly FingerprintTarget[] },
): Promise<Array<RepositoryFacts | null>> {
  if (params.targets.length === 0) return [];
  if (params.targets.length > FINGERPRINT_BATCH) throw new Error(`at most ${FINGERPRINT_BATCH} repositories per fingerprint query`);
  const { query, owners } = fingerprintQuery(params.targets);
  const variables: Record<string, unknown> = {};
  params.targets.forEach((target, n) => {
    variables[`o${n}`] = target.owner;
    variables[`n${n}`] = target.repo;
    target.branches.slice(0, FINGERPRINT_BRANCHES).forEach((branch, b) => (variables[`r${n}b${b}`] = `refs/heads/${branch}`));
  });
  owners.forEach((owner, g) => (variables[`g${g}`] = owner));
  let data: Record<string, unknown>;
  try {
    data = await client.octokit.graphql<Record<string, unknown>>(query, variables);
  } catch (error) {
    // GitHub answers the repositories it can and lists errors for the others (a `.github`
    // repository that does not exist is one): the partial data is used, the rest is "changed".
    const partial = (error as { data?: unknown }).data;
    if (statusOf(error) !== undefined || typeof partial !== "object" || partial === null) throw error;
    data = partial as Record<string, unknown>;
  }
  const orgHeads = new Map(owners.map((owner, g) => [owner, (data[`g${g}`] as RawRepository | null | undefined)?.defaultBranchRef?.target?.oid ?? null]));
  return params.targets.map((target, n) => factsOf(data[`r${n}`] as RawRepository | null | undefined, target, orgHeads.get(target.owner.toLowerCase()) ?? null));
}
