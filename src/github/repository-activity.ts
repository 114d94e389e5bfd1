import type { Gateway } from "./gateway.js";

export interface HistoryCommit {
  sha: string;
  message: string;
  committedAt: string;
  author: string | null;
  /** The merged PR this commit is the merge of, if any; `headSha` its head commit when it was merged. */
  pr: { number: number; title: string; body: string; author: string; mergedBy: string | null; mergedAt: string; headSha?: string } | null;
}

export interface DeploymentFact {
  environment: string;
  sha: string;
  creator: string | null;
  createdAt: string;
  state: string | null;
}

export interface RepositoryActivity {
  history: HistoryCommit[];
  /** The branch's head: on the branch even when the look-back holds no commit (a quiet branch). */
  head: string | null;
  deployments: DeploymentFact[];
}

/** A page of history: the scan looks back 30 days; more than this many commits a month is read in pages. */
const HISTORY_PAGE = 100;
const MAX_HISTORY_PAGES = 10;

/**
 * One GraphQL call for what REST would need dozens for: the branch's commits of the period with
 * the PR each one merged, and the latest deployments with their latest status.
 */
export const ACTIVITY_QUERY = `query PipelineGuardActivity($owner: String!, $repo: String!, $ref: String!, $since: GitTimestamp!, $after: String, $withDeployments: Boolean!, $environments: [String!]) {
  repository(owner: $owner, name: $repo) {
    ref(qualifiedName: $ref) { target { ... on Commit { oid history(first: ${HISTORY_PAGE}, since: $since, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { oid message committedDate author { user { login } }
        associatedPullRequests(first: 5) { nodes { number title body merged mergedAt headRefOid mergeCommit { oid } author { login } mergedBy { login } } } }
    } } } }
    deployments(last: 50, environments: $environments, orderBy: { field: CREATED_AT, direction: ASC }) @include(if: $withDeployments) {
      nodes { environment commitOid createdAt creator { login } latestStatus { state } }
    }
  }
}`;

interface ActivityResponse {
  repository: {
    ref: {
      target: {
        oid?: string;
        history?: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: Array<{
            oid: string;
            message: string;
            committedDate: string;
            author: { user: { login: string } | null } | null;
            associatedPullRequests: {
              nodes: Array<{ number: number; title: string; body: string; merged: boolean; mergedAt: string | null; headRefOid?: string; mergeCommit: { oid: string } | null; author: { login: string } | null; mergedBy: { login: string } | null }>;
            };
          }>;
        };
      } | null;
    } | null;
    deployments?: { nodes: Array<{ environment: string | null; commitOid: string; createdAt: string; creator: { login: string } | null; latestStatus: { state: string } | null }> };
  } | null;
}

/**
 * `environments`: exact names to ask for, so that a busy staging environment cannot push
 * production's deployments out of the last 50; null (globs in the config) asks for all.
 */
export async function getRepositoryActivity(gw: Gateway, params: { branch: string; since: Date; withDeployments: boolean; environments?: string[] | null }): Promise<RepositoryActivity> {
  const history: HistoryCommit[] = [];
  let deployments: DeploymentFact[] = [];
  let after: string | null = null;
  let head: string | null = null;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const data: ActivityResponse = await gw.octokit.graphql<ActivityResponse>(ACTIVITY_QUERY, {
      owner: gw.owner,
      repo: gw.repo,
      ref: `refs/heads/${params.branch}`,
      since: params.since.toISOString(),
      after,
      withDeployments: params.withDeployments && page === 0,
      environments: params.environments ?? null,
    });
    if (page === 0) {
      deployments = (data.repository?.deployments?.nodes ?? []).map((d) => ({
        environment: d.environment ?? "",
        sha: d.commitOid,
        creator: d.creator?.login ?? null,
        createdAt: d.createdAt,
        state: d.latestStatus?.state?.toLowerCase() ?? null,
      }));
    }
    if (page === 0) head = data.repository?.ref?.target?.oid ?? null;
    const connection = data.repository?.ref?.target?.history;
    for (const node of connection?.nodes ?? []) {
      // A merge or squash commit is its PR's merge commit; a rebase merge's commits are each associated with the merged PR.
      const merged =
        node.associatedPullRequests.nodes.find((p) => p.merged && p.mergeCommit?.oid === node.oid) ?? node.associatedPullRequests.nodes.find((p) => p.merged);
      history.push({
        sha: node.oid,
        message: node.message,
        committedAt: node.committedDate,
        author: node.author?.user?.login ?? null,
        pr: merged
          ? {
              number: merged.number,
              title: merged.title,
              body: merged.body,
              author: merged.author?.login ?? "ghost",
              mergedBy: merged.mergedBy?.login ?? null,
              mergedAt: merged.mergedAt ?? node.committedDate,
              ...(merged.headRefOid ? { headSha: merged.headRefOid } : {}),
            }
          : null,
      });
    }
    if (!connection?.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { history, head, deployments };
}
