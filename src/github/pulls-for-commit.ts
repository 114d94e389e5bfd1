import { type Gateway, statusOf } from "./gateway.js";

export interface MergedPullRequest {
  number: number;
  title: string;
  author: string;
}

/**
 * The merged PR whose merge (merge commit, squash or rebase head) is this commit, if any: one
 * call. A 404 (the commit is not known to the API yet, or the repository went away) means none.
 */
export async function mergedPullRequestOf(gw: Gateway, sha: string): Promise<MergedPullRequest | null> {
  try {
    const { data } = await gw.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: gw.owner, repo: gw.repo, commit_sha: sha, per_page: 100 });
    const pr = data.find((p) => p.merged_at && p.merge_commit_sha === sha);
    return pr ? { number: pr.number, title: pr.title, author: pr.user?.login ?? "ghost" } : null;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
