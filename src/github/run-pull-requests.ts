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
 * The open PRs whose head is a branch of that name, with their head, base, head repository and
 * changed files, and the repository's default branch: one GraphQL call. GitHub's webhook lists
 * no PR for a fork's run, so the PR is found by its head branch, and checked by its head
 * repository and commit.
 */
export const RUN_PULL_REQUESTS_QUERY = `query PipelineGuardRunPullRequests($owner: String!, $repo: String!, $branch: String!) {
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
  } | null;
}

export async function runPullRequests(gw: Gateway, branch: string): Promise<{ defaultBranch: string | null; pullRequests: RunPullRequest[] }> {
  const data = await gw.octokit.graphql<RunPullRequestsResponse>(RUN_PULL_REQUESTS_QUERY, { owner: gw.owner, repo: gw.repo, branch });
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
  return { defaultBranch: data.repository?.defaultBranchRef?.name ?? null, pullRequests };
}
