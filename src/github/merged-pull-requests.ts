import type { Gateway } from "./gateway.js";

/** A merged PR as the report counts it: when, into which branch, by whom. */
export interface MergedPullRequest {
  mergedAt: string;
  base: string;
  author: string | null;
}

/**
 * GitHub's search returns at most 1,000 results for a query; 10 pages of 100 read them all. A
 * repository that merged more in the two periods is reported as such (the share is not computed).
 */
export const MAX_SEARCH_PAGES = 10;

export const MERGED_PULL_REQUESTS_QUERY = `query PipelineGuardMergedPullRequests($search: String!, $cursor: String) {
  search(type: ISSUE, query: $search, first: 100, after: $cursor) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { ... on PullRequest { mergedAt baseRefName author { login } } }
  }
}`;

interface SearchResponse {
  search: {
    issueCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Array<{ mergedAt?: string | null; baseRefName?: string; author?: { login: string } | null } | null> | null;
  };
}

export class TooManyMergesError extends Error {
  override name = "TooManyMergesError";
}

/** The PRs of this repository merged since `since` (any base: the caller keeps the production branches), one GraphQL call per 100. */
export async function listMergedPullRequests(gw: Gateway, since: Date): Promise<MergedPullRequest[]> {
  const query = `repo:${gw.owner}/${gw.repo} is:pr is:merged merged:>=${since.toISOString().slice(0, 10)}`;
  const merged: MergedPullRequest[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
    const data: SearchResponse = await gw.octokit.graphql<SearchResponse>(MERGED_PULL_REQUESTS_QUERY, { search: query, cursor });
    for (const node of data.search.nodes ?? []) {
      if (node?.mergedAt && node.baseRefName) merged.push({ mergedAt: node.mergedAt, base: node.baseRefName, author: node.author?.login ?? null });
    }
    if (!data.search.pageInfo.hasNextPage) return merged;
    cursor = data.search.pageInfo.endCursor;
  }
  throw new TooManyMergesError(`more than ${MAX_SEARCH_PAGES * 100} pull requests merged in ${gw.owner}/${gw.repo} since ${since.toISOString().slice(0, 10)}`);
}
