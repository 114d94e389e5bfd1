import { type Gateway, statusOf } from "./gateway.js";

export interface MergedPullRequest {
  number: number;
  title: string;
  author: string;
}

/**
 * The PR merged into `branch` whose merge (merge commit, squash or rebase head) is this commit, if
 * any: one call. A PR merged into another branch does not count: its merge commit pushed on to
 * `branch` by hand never went through a PR into `branch`. A 404 (the commit is not known to the
 * API yet, or the repository went away) means none.
 */
export async function mergedPullRequestOf(gw: Gateway, sha: string, branch: string): Promise<MergedPullRequest | null> {
  try {
    const { data } = await gw.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: gw.owner, repo: gw.repo, commit_sha: sha, per_page: 100 });
    const pr = data.find((p) => p.merged_at && p.merge_commit_sha === sha && p.base.ref === branch);
    return pr ? { number: pr.number, title: pr.title, author: pr.user?.login ?? "ghost" } : null;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
