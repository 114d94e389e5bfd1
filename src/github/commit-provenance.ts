import { CHECK_NAME } from "./check-runs.js";
import type { Gateway } from "./gateway.js";
import type { PullRequestFacts } from "./pull-requests.js";

/**
 * How many production branches one provenance query asks about. `branchesToCheck` names the
 * default branch, the literal `production.branches` and the deployment's own ref; a list longer
 * than this is cut, and a SHA only on the branches left out counts as on no production branch
 * (fail closed). Each branch is one aliased `Ref.compare` in the query.
 */
export const PROVENANCE_BRANCH_LIMIT = 20;
/**
 * The PRs GitHub associates with a commit: for a commit of the default branch, the merged PR that
 * brought it; elsewhere the merged and open PRs that hold it. More than this is not a real case;
 * a PR left out can only make the commit look like a direct push, which the gate judges strictly.
 */
const ASSOCIATED_PULL_REQUEST_LIMIT = 25;
/**
 * Check suites holding a run named `Pipeline Guard`: the app's, and any workflow or other app
 * that names a run the same. Suites past this page are not read; when the app's own is among
 * them the gate finds no verdict on record, which never approves by itself (a PR's verdict is
 * then computed from its facts, a direct push is rejected).
 */
const CHECK_SUITE_LIMIT = 50;
/** The latest run per name in one suite is one run; a few more cost nothing. */
const CHECK_RUN_LIMIT = 10;

/** One `Pipeline Guard` check run as the provenance query reads it, with who wrote it. */
export interface GuardCheckRun {
  /** Increases with each run GitHub creates: the highest is the latest. */
  id: number;
  /** The slug of the app whose check suite holds the run (`github-actions` for a workflow). */
  appSlug: string | null;
  /** `owner/name` of the repository whose check suite holds the run. */
  repository: string | null;
  status: string;
  /** Lower case, as the REST API and the app write them (`success`, `failure`, `neutral`, …). */
  conclusion: string | null;
  title: string | null;
  /** Only when asked for (`withSummary`): Re-run writes a kept verdict again with its summary. */
  summary: string | null;
  /** The run's text: where the app's own check keeps its memory of a PR's head (src/overrides/check-memory.ts). */
  text: string | null;
}

/** A PR GitHub associates with the commit. */
export interface AssociatedPullRequest {
  facts: PullRequestFacts;
  state: string;
  /** The PR's head commit and its `Pipeline Guard` runs, when the query could read them. */
  headChecks: GuardCheckRun[] | null;
}

/** Everything the gate and Re-run need to know of how a commit reached where it is: one GraphQL call. */
export interface CommitProvenanceFacts {
  sha: string;
  /** The production branches asked, in order, and those that contain the SHA. */
  branchesChecked: string[];
  containing: string[];
  /** null: GitHub does not know this SHA as a commit of the repository. */
  commit: {
    message: string;
    /** GitHub logins of the commit's author and committer; null when the email is tied to no account. */
    author: string | null;
    committer: string | null;
    checks: GuardCheckRun[];
    pullRequests: AssociatedPullRequest[];
  } | null;
}

/** A problem reading the answer: the gate rejects and Re-run fails closed, saying what was missing. */
export class ProvenanceUnreadableError extends Error {
  override name = "ProvenanceUnreadableError";
}

const SUITES_FRAGMENT = `fragment PipelineGuardSuites on CheckSuiteConnection {
  nodes {
    app { slug }
    repository { nameWithOwner }
    checkRuns(first: ${CHECK_RUN_LIMIT}, filterBy: { checkName: $checkName, checkType: LATEST }) {
      nodes { databaseId status conclusion title summary @include(if: $withSummary) text }
    }
  }
}`;

/**
 * The provenance query for `branchCount` production branches (one aliased compare each): whether
 * each contains the SHA (`BEHIND` or `IDENTICAL`: the SHA is the branch's head or an ancestor),
 * the commit's message and people, the `Pipeline Guard` runs on it, and the PRs GitHub associates
 * with it, each with its head commit's `Pipeline Guard` runs.
 */
export function provenanceQuery(branchCount: number): string {
  // `$sha` (compare's head) only with a branch to compare: GitHub rejects a variable no field uses.
  const branchVariables = branchCount > 0 ? `, $sha: String!${Array.from({ length: branchCount }, (_, i) => `, $branch${i}: String!`).join("")}` : "";
  const branchFields = Array.from({ length: branchCount }, (_, i) => `    branch${i}: ref(qualifiedName: $branch${i}) { compare(headRef: $sha) { status } }\n`).join("");
  return `query PipelineGuardProvenance($owner: String!, $repo: String!, $oid: GitObjectID!, $checkName: String!, $withSummary: Boolean!${branchVariables}) {
  repository(owner: $owner, name: $repo) {
${branchFields}    object(oid: $oid) {
      __typename
      ... on Commit {
        message
        author { email user { login } }
        committer { email user { login } }
        checkSuites(first: ${CHECK_SUITE_LIMIT}, filterBy: { checkName: $checkName }) { ...PipelineGuardSuites }
        associatedPullRequests(first: ${ASSOCIATED_PULL_REQUEST_LIMIT}) {
          nodes {
            number state merged mergedAt title body
            author { __typename login }
            mergedBy { __typename login }
            baseRefName baseRefOid headRefOid
            headRepository { nameWithOwner }
            baseRepository { nameWithOwner }
            mergeCommit { oid }
            commits(last: 1) { totalCount nodes { commit { oid checkSuites(first: ${CHECK_SUITE_LIMIT}, filterBy: { checkName: $checkName }) { ...PipelineGuardSuites } } } }
          }
        }
      }
    }
  }
}
${SUITES_FRAGMENT}`;
}

interface RawSuites {
  nodes: Array<{
    app: { slug: string } | null;
    repository: { nameWithOwner: string } | null;
    checkRuns: { nodes: Array<{ databaseId: number | null; status: string; conclusion: string | null; title: string | null; summary?: string | null; text?: string | null } | null> | null } | null;
  } | null> | null;
}

interface RawActor {
  __typename?: string;
  login: string;
}

interface RawGitActor {
  email: string | null;
  user: { login: string } | null;
}

interface RawPullRequest {
  number: number;
  state: string;
  merged: boolean;
  mergedAt: string | null;
  title: string;
  body: string;
  author: RawActor | null;
  mergedBy: RawActor | null;
  baseRefName: string;
  baseRefOid: string;
  headRefOid: string;
  headRepository: { nameWithOwner: string } | null;
  baseRepository: { nameWithOwner: string } | null;
  mergeCommit: { oid: string } | null;
  commits: { totalCount: number; nodes: Array<{ commit: { oid: string; checkSuites: RawSuites | null } } | null> | null };
}

type ProvenanceResponse = {
  repository:
    | ({
        object: ({ __typename: string; message?: string; author?: RawGitActor | null; committer?: RawGitActor | null; checkSuites?: RawSuites | null; associatedPullRequests?: { nodes: Array<RawPullRequest | null> | null } | null }) | null;
      } & Record<string, { compare: { status: string } | null } | null | unknown>)
    | null;
};

/** GitHub's no-reply address (`<id>+<login>@users.noreply.<host>`) names the account, a bot's included. */
const NOREPLY_EMAIL = /^\d+\+([^@\s]+)@users\.noreply\./i;

/**
 * The GitHub login of a commit's author or committer: GraphQL maps the email to a user, but a
 * bot is not a `User` there, so a bot's no-reply email is read for its `name[bot]` login.
 */
function loginOfGitActor(actor: RawGitActor | null | undefined): string | null {
  if (actor?.user?.login) return actor.user.login;
  return NOREPLY_EMAIL.exec(actor?.email ?? "")?.[1] ?? null;
}

/** GraphQL names a bot `dependabot`; REST, webhooks and permissions know it as `dependabot[bot]`. */
function loginOfActor(actor: RawActor | null): string | null {
  if (!actor) return null;
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

function guardRuns(suites: RawSuites | null | undefined): GuardCheckRun[] {
  const runs: GuardCheckRun[] = [];
  for (const suite of suites?.nodes ?? []) {
    for (const run of suite?.checkRuns?.nodes ?? []) {
      if (!run || run.databaseId === null) continue;
      runs.push({
        id: run.databaseId,
        appSlug: suite?.app?.slug ?? null,
        repository: suite?.repository?.nameWithOwner ?? null,
        status: run.status.toLowerCase(),
        conclusion: run.conclusion?.toLowerCase() ?? null,
        title: run.title,
        summary: run.summary ?? null,
        text: run.text ?? null,
      });
    }
  }
  return runs;
}

function pullRequestOf(raw: RawPullRequest, repository: string): AssociatedPullRequest {
  const head = raw.commits.nodes?.[0]?.commit ?? null;
  return {
    state: raw.state.toLowerCase(),
    // `commits(last: 1)` is the head only when its oid says so; otherwise the head's runs are unknown.
    headChecks: head && head.oid === raw.headRefOid ? guardRuns(head.checkSuites) : null,
    facts: {
      number: raw.number,
      title: raw.title,
      body: raw.body,
      author: loginOfActor(raw.author) ?? "ghost",
      headSha: raw.headRefOid,
      baseSha: raw.baseRefOid,
      baseRef: raw.baseRefName,
      headRepo: raw.headRepository?.nameWithOwner ?? null,
      baseRepo: raw.baseRepository?.nameWithOwner ?? repository,
      commits: raw.commits.totalCount,
      labels: [],
      merged: raw.merged,
      mergedBy: loginOfActor(raw.mergedBy),
      mergeCommitSha: raw.mergeCommit?.oid ?? null,
      mergedAt: raw.mergedAt,
      // Not asked for: facts read this way are never taken for older than a delivery's.
      updatedAt: null,
    },
  };
}

/**
 * Reads the provenance of one commit in one GraphQL call. Throws on any error (a GraphQL error
 * included) and on an answer without the repository: the callers fail closed.
 */
export async function readCommitProvenance(gw: Gateway, params: { sha: string; branches: readonly string[]; withSummary?: boolean }): Promise<CommitProvenanceFacts> {
  const branches = params.branches.slice(0, PROVENANCE_BRANCH_LIMIT);
  const variables: Record<string, unknown> = {
    owner: gw.owner,
    repo: gw.repo,
    oid: params.sha,
    checkName: CHECK_NAME,
    withSummary: params.withSummary ?? false,
  };
  if (branches.length > 0) variables.sha = params.sha;
  branches.forEach((branch, i) => (variables[`branch${i}`] = `refs/heads/${branch}`));
  const data = await gw.octokit.graphql<ProvenanceResponse>(provenanceQuery(branches.length), variables);
  const repository = data?.repository;
  if (!repository) throw new ProvenanceUnreadableError("GitHub's answer holds no repository");
  const containing = branches.filter((_, i) => {
    const status = (repository[`branch${i}`] as { compare: { status: string } | null } | null | undefined)?.compare?.status;
    return status === "BEHIND" || status === "IDENTICAL";
  });
  const object = repository.object;
  if (object && object.__typename !== "Commit") throw new ProvenanceUnreadableError(`${params.sha} is a ${object.__typename}, not a commit`);
  if (object && (typeof object.message !== "string" || !object.associatedPullRequests)) throw new ProvenanceUnreadableError("GitHub's answer lacks the commit's message or pull requests");
  const fullName = `${gw.owner}/${gw.repo}`;
  return {
    sha: params.sha,
    branchesChecked: branches,
    containing,
    commit: object
      ? {
          message: object.message ?? "",
          author: loginOfGitActor(object.author),
          committer: loginOfGitActor(object.committer),
          checks: guardRuns(object.checkSuites),
          pullRequests: (object.associatedPullRequests?.nodes ?? []).flatMap((pr) => (pr ? [pullRequestOf(pr, fullName)] : [])),
        }
      : null,
  };
}
