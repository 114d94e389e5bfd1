import { CONFIG_FILE, type ConfigBlob } from "../config/load-config.js";
import type { Gateway } from "./gateway.js";
import { statusOf } from "./gateway.js";
import { DEPLOYMENT_NODE_FIELDS, HISTORY_NODE_FIELDS, deploymentFacts, historyCommits, type ActivityStart, type RawDeployment, type RawHistory } from "./repository-activity.js";

/**
 * The scheduled scan's full reads, batched: what a full read of one repository asks GitHub one
 * call at a time (its configuration file, each production branch's history, head, classic
 * protection and ruleset rules, the latest deployments) for many repositories of one
 * installation in two aliased GraphQL queries. Values travel as variables, never in the text.
 */

/** Repositories per batch. The configuration query has no connection (1 point); see `FULL_READ_BRANCHES` for the other. */
export const FULL_READ_BATCH = 25;
/**
 * Production branches per facts query (a repository with more is cut into the next query's
 * share by the caller). Each branch costs 2 + `FULL_READ_HISTORY` requests by GitHub's formula
 * (history, rules, one `associatedPullRequests` per commit) and each repository 1 (deployments):
 * 25 repositories of one branch are 25 × 23 = 575 requests, 6 points; the nodes stay far under
 * GitHub's 500,000 (50 branches × (20 commits × 6 + 100 rules) + 25 × 50 deployments = 12,250).
 */
export const FULL_READ_BRANCHES = 50;
/**
 * Commits of the first history page read in the batch: most production branches have fewer in
 * a month; a busier one reads the rest 100 at a time (1 point a page) from the page's cursor.
 * 20, not 100: each commit counts one request for its pull requests, whether it exists or not.
 */
export const FULL_READ_HISTORY = 20;
/** GraphQL's `Ref.branchProtectionRule` fields that `normalizeGraphqlProtection` (src/drift/diff-protection.ts) reads. */
const CLASSIC_FIELDS =
  "requiresStatusChecks requiredStatusCheckContexts requiredStatusChecks { context } requiresApprovingReviews requiredApprovingReviewCount requiresCodeOwnerReviews dismissesStaleReviews isAdminEnforced allowsForcePushes allowsDeletions requiresLinearHistory requiresCommitSignatures requiresConversationResolution";
/** The fields of one node of GraphQL's `Ref.rules` it reads. */
const RULE_FIELDS =
  "type parameters { ... on PullRequestParameters { requiredApprovingReviewCount requireCodeOwnerReview dismissStaleReviewsOnPush requiredReviewThreadResolution } ... on RequiredStatusChecksParameters { requiredStatusChecks { context } } }";
/** Where the configuration is (src/config/load-config.ts): `HEAD` is the default branch, as Probot reads it. */
const CONFIG_EXPRESSION = `HEAD:.github/${CONFIG_FILE}`;
const BLOB = `object(expression: "${CONFIG_EXPRESSION}") { ... on Blob { text isTruncated } }`;

export interface ConfigTarget {
  owner: string;
  repo: string;
}

export interface ConfigBlobs {
  repository: ConfigBlob;
  /** The owner's `.github` repository's file: the fallback when the repository has none. */
  org: ConfigBlob;
}

export interface FullReadTarget {
  owner: string;
  repo: string;
  branches: readonly string[];
  /** Read each branch's classic protection and ruleset rules (the installation can read them). */
  protection: boolean;
  /** Read the latest deployments: exact environment names, or null for all; absent: not read. */
  deployments?: { environments: readonly string[] | null };
}

/** One production branch as the batch saw it. */
export interface BranchFacts {
  /** The history's first page (and head); `after` says where the rest starts. */
  activity: ActivityStart;
  /** Present only when asked for: GraphQL's classic rule (null: none applies) and the active ruleset rules. */
  protection?: { classic: unknown; rules: unknown[] };
}

export interface FullReadFacts {
  /** Branch → its facts; a branch missing here (gone, not answered) is read the usual way. */
  branches: Map<string, BranchFacts>;
  /** The latest deployments (the repository's first production branch's read carries them). */
  deployments: ReturnType<typeof deploymentFacts> | null;
}

type GraphqlError = { type?: string; path?: ReadonlyArray<string | number> };

/** The answer's data, also when GitHub answered some aliases and listed errors for others; the errors say which. */
async function ask(send: () => Promise<Record<string, unknown>>): Promise<{ data: Record<string, unknown>; errors: GraphqlError[] }> {
  try {
    return { data: await send(), errors: [] };
  } catch (error) {
    const partial = (error as { data?: unknown }).data;
    if (statusOf(error) !== undefined || typeof partial !== "object" || partial === null) throw error;
    const errors = (error as { errors?: unknown }).errors;
    return { data: partial as Record<string, unknown>, errors: Array.isArray(errors) ? (errors as GraphqlError[]) : [] };
  }
}

/** Aliases an error names: their answer is not used (fail toward reading). An error without a path taints every alias. */
function tainted(errors: readonly GraphqlError[]): (alias: string) => boolean {
  const named = new Set(errors.map((e) => String(e.path?.[0] ?? "*")));
  return (alias) => named.has("*") || named.has(alias);
}

/** The repositories' configuration files, `rN` each, and each owner's `.github` repository's once, `gN`. */
export function configBlobsQuery(targets: readonly ConfigTarget[]): { query: string; owners: string[] } {
  const owners = [...new Set(targets.map((t) => t.owner.toLowerCase()))];
  const declarations: string[] = [];
  const parts: string[] = [];
  targets.forEach((_, n) => {
    declarations.push(`$o${n}: String!`, `$n${n}: String!`);
    parts.push(`r${n}: repository(owner: $o${n}, name: $n${n}) { ${BLOB} }`);
  });
  owners.forEach((_, g) => {
    declarations.push(`$g${g}: String!`);
    parts.push(`g${g}: repository(owner: $g${g}, name: ".github") { ${BLOB} }`);
  });
  return { query: `query PipelineGuardConfigBlobs(${declarations.join(", ")}) {\n  ${parts.join("\n  ")}\n}`, owners };
}

type RawBlobHolder = { object: { text?: string | null; isTruncated?: boolean } | null } | null | undefined;

function blobOf(raw: RawBlobHolder, unusable: boolean): ConfigBlob {
  if (unusable || !raw) return { state: "unknown" };
  if (raw.object === null) return { state: "absent" };
  // A tree (the path is a directory), a binary or a truncated file: only the REST read says what it means.
  if (typeof raw.object.text !== "string" || raw.object.isTruncated !== false) return { state: "unknown" };
  return { state: "text", text: raw.object.text };
}

/**
 * The configuration files of up to `FULL_READ_BATCH` repositories. A repository GitHub did not
 * answer for is `unknown`; a `.github` repository GitHub could not resolve (none, or not
 * installed on) has no file, as REST's 404 says to Probot. A query that fails as a whole throws.
 */
export async function getConfigBlobs(client: Pick<Gateway, "octokit">, params: { targets: readonly ConfigTarget[] }): Promise<ConfigBlobs[]> {
  if (params.targets.length === 0) return [];
  if (params.targets.length > FULL_READ_BATCH) throw new Error(`at most ${FULL_READ_BATCH} repositories per configuration query`);
  const { query, owners } = configBlobsQuery(params.targets);
  const variables: Record<string, unknown> = {};
  params.targets.forEach((t, n) => Object.assign(variables, { [`o${n}`]: t.owner, [`n${n}`]: t.repo }));
  owners.forEach((owner, g) => (variables[`g${g}`] = owner));
  const { data, errors } = await ask(() => client.octokit.graphql<Record<string, unknown>>(query, variables));
  const isTainted = tainted(errors);
  const orgs = owners.map((_, g): ConfigBlob => {
    const alias = `g${g}`;
    const own = errors.filter((e) => String(e.path?.[0]) === alias);
    // "Could not resolve to a Repository": no `.github` repository, or one the installation does not cover (REST says 404 to both).
    if (data[alias] === null && own.length > 0 && own.every((e) => e.type === "NOT_FOUND") && errors.every((e) => e.path !== undefined)) return { state: "absent" };
    return blobOf(data[alias] as RawBlobHolder, isTainted(alias));
  });
  return params.targets.map((t, n) => ({
    repository: blobOf(data[`r${n}`] as RawBlobHolder, isTainted(`r${n}`)),
    org: orgs[owners.indexOf(t.owner.toLowerCase())] ?? { state: "unknown" },
  }));
}

/**
 * The facts query: repository `rN` (`$oN`, `$nN`), its branches `bB` (`$rNbB`), its deployments
 * when asked (`$eN`: environments), one `$since` for all (one installation, one look-back).
 */
export function fullReadQuery(targets: readonly FullReadTarget[]): string {
  const declarations = ["$since: GitTimestamp!"];
  const parts: string[] = [];
  targets.forEach((target, n) => {
    declarations.push(`$o${n}: String!`, `$n${n}: String!`);
    const fields = target.branches.map((_, b) => {
      declarations.push(`$r${n}b${b}: String!`);
      const protection = target.protection ? ` branchProtectionRule { ${CLASSIC_FIELDS} } rules(first: 100) { nodes { ${RULE_FIELDS} } }` : "";
      return (
        `b${b}: ref(qualifiedName: $r${n}b${b}) {${protection} target { ... on Commit { oid ` +
        `history(first: ${FULL_READ_HISTORY}, since: $since) { pageInfo { hasNextPage endCursor } nodes { ${HISTORY_NODE_FIELDS} } } } } }`
      );
    });
    if (target.deployments) {
      declarations.push(`$e${n}: [String!]`);
      fields.push(`deployments(last: 50, environments: $e${n}, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { ${DEPLOYMENT_NODE_FIELDS} } }`);
    }
    parts.push(`r${n}: repository(owner: $o${n}, name: $n${n}) { ${fields.join(" ")} }`);
  });
  return `query PipelineGuardFullReads(${declarations.join(", ")}) {\n  ${parts.join("\n  ")}\n}`;
}

type RawRef = {
  branchProtectionRule?: unknown;
  rules?: { nodes: unknown[] } | null;
  target: { oid?: string; history?: RawHistory } | null;
} | null;

function factsOf(raw: Record<string, unknown> | null | undefined, target: FullReadTarget): FullReadFacts | null {
  if (!raw) return null;
  const branches = new Map<string, BranchFacts>();
  target.branches.forEach((branch, b) => {
    const ref = raw[`b${b}`] as RawRef | undefined;
    const history = ref?.target?.history;
    // A branch that does not exist (or a ref without a commit) is read the usual way: REST's rules answer even for a name without a branch.
    if (!ref?.target?.oid || !history) return;
    if (target.protection && (ref.rules === null || ref.rules === undefined)) return;
    branches.set(branch, {
      activity: { activity: { history: historyCommits(history), head: ref.target.oid, deployments: [] }, after: history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null },
      ...(target.protection ? { protection: { classic: ref.branchProtectionRule ?? null, rules: ref.rules?.nodes ?? [] } } : {}),
    });
  });
  const deployments = raw.deployments as { nodes: RawDeployment[] } | undefined;
  return { branches, deployments: target.deployments && deployments ? deploymentFacts(deployments.nodes) : null };
}

/**
 * The facts of the targets' full reads in one query (at most `FULL_READ_BATCH` repositories and
 * `FULL_READ_BRANCHES` branches). A repository GitHub did not answer for, or that an error of the
 * answer names, maps to null: its full read asks for everything the usual way. A query that
 * fails as a whole throws.
 */
export async function getFullReadFacts(
  client: Pick<Gateway, "octokit">,
  params: { targets: readonly FullReadTarget[]; since: Date },
): Promise<Array<FullReadFacts | null>> {
  if (params.targets.length === 0) return [];
  if (params.targets.length > FULL_READ_BATCH) throw new Error(`at most ${FULL_READ_BATCH} repositories per full-read query`);
  if (params.targets.reduce((sum, t) => sum + t.branches.length, 0) > FULL_READ_BRANCHES) throw new Error(`at most ${FULL_READ_BRANCHES} branches per full-read query`);
  const variables: Record<string, unknown> = { since: params.since.toISOString() };
  params.targets.forEach((target, n) => {
    Object.assign(variables, { [`o${n}`]: target.owner, [`n${n}`]: target.repo });
    target.branches.forEach((branch, b) => (variables[`r${n}b${b}`] = `refs/heads/${branch}`));
    if (target.deployments) variables[`e${n}`] = target.deployments.environments ? [...target.deployments.environments] : null;
  });
  const { data, errors } = await ask(() => client.octokit.graphql<Record<string, unknown>>(fullReadQuery(params.targets), variables));
  const isTainted = tainted(errors);
  return params.targets.map((target, n) => (isTainted(`r${n}`) ? null : factsOf(data[`r${n}`] as Record<string, unknown> | null | undefined, target)));
}
