import { type Gateway, statusOf } from "./gateway.js";

/** Classic protection of a branch as GitHub answers it; null when the branch has none (404). */
export async function getClassicProtection(gw: Gateway, branch: string): Promise<unknown> {
  try {
    const { data } = await gw.octokit.rest.repos.getBranchProtection({ owner: gw.owner, repo: gw.repo, branch });
    return data;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** The rules in force on a branch from every ruleset (repository and organization). */
export async function getBranchRules(gw: Gateway, branch: string): Promise<unknown[]> {
  try {
    const { data } = await gw.octokit.rest.repos.getBranchRules({ owner: gw.owner, repo: gw.repo, branch, per_page: 100 });
    return data as unknown[];
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw error;
  }
}
