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
/** The fields of one commit of a branch's history: what the scan needs, here and in the batched full reads. */
export const HISTORY_NODE_FIELDS = `oid message committedDate author { user { login } }
        associatedPullRequests(first: 5) { nodes { number title body merged mergedAt headRefOid mergeCommit { oid } author { login } mergedBy { login } } }`;
/** The latest deployments with their latest status (`$environments`: exact names, or null for all). */
export const DEPLOYMENT_NODE_FIELDS = "environment commitOid createdAt creator { login } latestStatus { state }";

/**
 * One GraphQL call for what REST would need dozens for: the branch's commits of the period with
 * the PR each one merged, and the latest deployments with their latest status.
 */
export const ACTIVITY_QUERY = `query PipelineGuardActivity($owner: String!, $repo: String!, $ref: String!, $since: GitTimestamp!, $after: String, $withDeployments: Boolean!, $environments: [String!]) {
  repository(owner: $owner, name: $repo) {
    ref(qualifiedName: $ref) { target { ... on Commit { oid history(first: ${HISTORY_PAGE}, since: $since, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${HISTORY_NODE_FIELDS} }
    } } } }
    deployments(last: 50, environments: $environments, orderBy: { field: CREATED_AT, direction: ASC }) @include(if: $withDeployments) {
      nodes { ${DEPLOYMENT_NODE_FIELDS} }
    }
  }
}`;

export interface RawHistory {
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
}

export type RawDeployment = { environment: string | null; commitOid: string; createdAt: string; creator: { login: string } | null; latestStatus: { state: string } | null };

interface ActivityResponse {
  repository: {
    ref: { target: { oid?: string; history?: RawHistory } | null } | null;
    deployments?: { nodes: RawDeployment[] };
  } | null;
}

export function deploymentFacts(nodes: readonly RawDeployment[]): DeploymentFact[] {
  return nodes.map((d) => ({
    environment: d.environment ?? "",
    sha: d.commitOid,
    creator: d.creator?.login ?? null,
    createdAt: d.createdAt,
    state: d.latestStatus?.state?.toLowerCase() ?? null,
  }));
}

export function historyCommits(connection: RawHistory | undefined): HistoryCommit[] {
  return (connection?.nodes ?? []).map((node) => {
    // A merge or squash commit is its PR's merge commit; a rebase merge's commits are each associated with the merged PR.
    const merged = node.associatedPullRequests.nodes.find((p) => p.merged && p.mergeCommit?.oid === node.oid) ?? node.associatedPullRequests.nodes.find((p) => p.merged);
    return {
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
    };
  });
}

/** A first page of a branch's activity read elsewhere (the batched full reads): the rest of its history is read from `after`. */
export interface ActivityStart {
  activity: RepositoryActivity;
  /** The cursor after the first page when the history has more; null when it is complete. */
  after: string | null;
}

/**
 * `environments`: exact names to ask for, so that a busy staging environment cannot push
 * production's deployments out of the last 50; null (globs in the config) asks for all.
 */
export async function getRepositoryActivity(
  gw: Gateway,
  params: { branch: string; since: Date; withDeployments: boolean; environments?: string[] | null; start?: ActivityStart },
): Promise<RepositoryActivity> {
  const history: HistoryCommit[] = [...(params.start?.activity.history ?? [])];
  let deployments: DeploymentFact[] = [...(params.start?.activity.deployments ?? [])];
  let after: string | null = params.start ? params.start.after : null;
  let head: string | null = params.start ? params.start.activity.head : null;
  // A first page read elsewhere: only what it did not cover is read, and none of it when the history was complete.
  const first = params.start ? 1 : 0;
  if (params.start && after === null) return { history, head, deployments };
  for (let page = first; page < MAX_HISTORY_PAGES; page++) {
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
      deployments = deploymentFacts(data.repository?.deployments?.nodes ?? []);
      head = data.repository?.ref?.target?.oid ?? null;
    }
    const connection = data.repository?.ref?.target?.history;
    history.push(...historyCommits(connection));
    if (!connection?.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { history, head, deployments };
}
