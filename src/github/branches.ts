import picomatch from "picomatch";
import { type Gateway, statusOf } from "./gateway.js";

/**
 * Whether `branch` contains `sha`: the compare API's `branch...sha` is `identical` (the branch's
 * head) or `behind` (an ancestor of it). A 404 means the SHA (or the branch) is unknown, which
 * is not on the branch. One call, with no commits asked for beyond the status.
 */
export async function branchContainsSha(gw: Gateway, branch: string, sha: string): Promise<boolean> {
  try {
    const { data } = await gw.octokit.rest.repos.compareCommitsWithBasehead({ owner: gw.owner, repo: gw.repo, basehead: `${branch}...${sha}`, per_page: 1 });
    return data.status === "identical" || data.status === "behind";
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** The first of `branches` that contains `sha`, asking one branch at a time; null when none does. */
export async function findContainingBranch(gw: Gateway, branches: readonly string[], sha: string): Promise<string | null> {
  for (const branch of branches) {
    if (await branchContainsSha(gw, branch, sha)) return branch;
  }
  return null;
}

/** The repository's branches matching the glob patterns, every page, at most `limit` of them. */
export async function listMatchingBranches(gw: Gateway, patterns: readonly string[], limit: number): Promise<string[]> {
  const branches = await gw.octokit.paginate(gw.octokit.rest.repos.listBranches, { owner: gw.owner, repo: gw.repo, per_page: 100 });
  return branches
    .map((b) => b.name)
    .filter((name) => picomatch.isMatch(name, [...patterns], { dot: true }))
    .slice(0, limit);
}

/** The repository's default branch (one call), for callers whose event did not carry it. */
export async function getDefaultBranch(gw: Gateway): Promise<string> {
  const { data } = await gw.octokit.rest.repos.get({ owner: gw.owner, repo: gw.repo });
  return data.default_branch;
}
