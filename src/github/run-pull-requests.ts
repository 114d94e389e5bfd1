import { CHECK_NAME, type OwnCheckRun } from "./check-runs.js";
import type { Gateway } from "./gateway.js";

/**
 * Open PRs looked at per head branch: PRs from one branch into several bases, and forks' PRs from
 * a branch of the same name. More than this from one branch name is not a real case; a PR left
 * out gets no immutable check, which never passes a required check by itself.
 */
export const RUN_PULL_REQUEST_LIMIT = 10;
/**
 * A PR's changed files read in the same call. GitHub's GraphQL pages hold at most 100; a PR with
 * more files whose first 100 do not include the plan workflow cannot be cleared of changing it,
 * so its check fails closed (src/immutable/).
 */
export const RUN_PULL_REQUEST_FILES = 100;
/**
 * The app's check suites read on the head commit. GitHub makes one suite per app and commit for
 * an app's check runs; a few more leave room for suites the app was asked to create again.
 */
export const OWN_CHECK_SUITES = 5;

/**
 * The open PRs whose head is a branch of that name, with their head, base, head repository and
 * changed files, and the repository's default branch: one GraphQL call. GitHub's webhook lists
 * no PR for a fork's run, so the PR is found by its head branch, and checked by its head
 * repository and commit.
 *
 * With `withVerdict`, the same call reads the app's latest `Pipeline Guard` check run on the
 * commit `sha` (the PR verdict whose hidden block says whether an allowed `[emergency-deploy]`
 * defers the immutable rule, issue #13): only from the check suites of the app `appId`, since any
 * other app or a workflow can create a check run of that name with whatever text it likes.
 */
export const RUN_PULL_REQUESTS_QUERY = `query PipelineGuardRunPullRequests($owner: String!, $repo: String!, $branch: String!, $sha: GitObjectID!, $appId: Int!, $checkName: String!, $withVerdict: Boolean!) {
  repository(owner: $owner, name: $repo) {
    defaultBranchRef { name }
    pullRequests(headRefName: $branch, states: [OPEN], first: ${RUN_PULL_REQUEST_LIMIT}) {
      nodes {
        number
        headRefOid
        baseRefName
        isCrossRepository
        headRepository { nameWithOwner }
        changedFiles
        files(first: ${RUN_PULL_REQUEST_FILES}) { nodes { path } }
      }
    }
    verdictCommit: object(oid: $sha) @include(if: $withVerdict) {
      ... on Commit {
        checkSuites(first: ${OWN_CHECK_SUITES}, filterBy: { appId: $appId }) {
          nodes {
            app { databaseId }
            checkRuns(first: 1, filterBy: { checkName: $checkName, checkType: LATEST }) {
              nodes { databaseId conclusion title text }
            }
          }
        }
      }
    }
  }
}`;

/** An open PR from the run's head branch, as the immutable check needs it. */
export interface RunPullRequest {
  number: number;
  headSha: string;
  baseRef: string;
  /** `owner/name` of the head repository; null when the fork was deleted. */
  headRepo: string | null;
  isCrossRepository: boolean;
  changedFiles: number;
  /** The first RUN_PULL_REQUEST_FILES changed paths. */
  files: string[];
}

interface RunPullRequestsResponse {
  repository: {
    defaultBranchRef: { name: string } | null;
    pullRequests: {
      nodes: Array<{
        number: number;
        headRefOid: string;
        baseRefName: string;
        isCrossRepository: boolean;
        headRepository: { nameWithOwner: string } | null;
        changedFiles: number;
        files: { nodes: Array<{ path: string } | null> | null } | null;
      } | null> | null;
    };
    verdictCommit?: {
      checkSuites?: {
        nodes: Array<{
          app: { databaseId: number | null } | null;
          checkRuns: { nodes: Array<{ databaseId: number | null; conclusion: string | null; title: string | null; text: string | null } | null> | null } | null;
        } | null> | null;
      } | null;
    } | null;
  } | null;
}

export interface RunPullRequests {
  defaultBranch: string | null;
  pullRequests: RunPullRequest[];
  /**
   * The app's latest `Pipeline Guard` check run on `verdictOf.sha`, or null when it has none;
   * undefined when it was not asked (no `verdictOf`, or the app's id is unknown).
   */
  verdict?: OwnCheckRun | null;
}

/**
 * `verdictOf`: the commit whose `Pipeline Guard` verdict to read in the same call, and the app's
 * id. A check run is taken only from a suite whose app is `appId`, checked again here in case the
 * filter was not applied: fail closed, never another app's word.
 */
export async function runPullRequests(gw: Gateway, branch: string, verdictOf?: { sha: string; appId: number }): Promise<RunPullRequests> {
  const data = await gw.octokit.graphql<RunPullRequestsResponse>(RUN_PULL_REQUESTS_QUERY, {
    owner: gw.owner,
    repo: gw.repo,
    branch,
    // Variables of a skipped field must still be valid: a zero id and sha ask for nothing.
    sha: verdictOf?.sha ?? "0".repeat(40),
    appId: verdictOf?.appId ?? 0,
    checkName: CHECK_NAME,
    withVerdict: verdictOf !== undefined,
  });
  const pullRequests = (data.repository?.pullRequests.nodes ?? []).flatMap((pr) =>
    pr
      ? [
          {
            number: pr.number,
            headSha: pr.headRefOid,
            baseRef: pr.baseRefName,
            headRepo: pr.headRepository?.nameWithOwner ?? null,
            isCrossRepository: pr.isCrossRepository,
            changedFiles: pr.changedFiles,
            files: (pr.files?.nodes ?? []).flatMap((file) => (file ? [file.path] : [])),
          },
        ]
      : [],
  );
  const result: RunPullRequests = { defaultBranch: data.repository?.defaultBranchRef?.name ?? null, pullRequests };
  if (verdictOf) result.verdict = ownVerdictRun(data, verdictOf.appId);
  return result;
}

/** The newest check run of the app's own suites, or null. */
function ownVerdictRun(data: RunPullRequestsResponse, appId: number): OwnCheckRun | null {
  const runs = (data.repository?.verdictCommit?.checkSuites?.nodes ?? [])
    .filter((suite) => suite !== null && suite.app?.databaseId === appId)
    .flatMap((suite) => suite?.checkRuns?.nodes ?? [])
    .flatMap((run) => (run && typeof run.databaseId === "number" ? [{ ...run, databaseId: run.databaseId }] : []))
    .sort((a, b) => b.databaseId - a.databaseId);
  const [newest] = runs;
  // GraphQL names a conclusion in capitals (`SUCCESS`); REST, which the rest of the app reads, in small letters.
  return newest ? { id: newest.databaseId, conclusion: newest.conclusion?.toLowerCase() ?? null, title: newest.title, text: newest.text } : null;
}
