import { type GitHubClient, statusOf } from "./gateway.js";

const PER_PAGE = 100;

/**
 * The org's teams and their members (the organization permission `members: read`), as a map from
 * login (lower case) to team slugs: one call for the teams, one per team for its members. null:
 * the account is a user, or the teams cannot be read (403, 404): the report says so.
 */
export async function teamsByMember(octokit: GitHubClient, org: string): Promise<Map<string, string[]> | null> {
  try {
    const teams = await octokit.paginate(octokit.rest.teams.list, { org, per_page: PER_PAGE });
    const byMember = new Map<string, string[]>();
    for (const team of teams) {
      const members = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: team.slug, per_page: PER_PAGE });
      for (const member of members) {
        const key = member.login.toLowerCase();
        byMember.set(key, [...(byMember.get(key) ?? []), team.slug]);
      }
    }
    return byMember;
  } catch (error) {
    const status = statusOf(error);
    if (status === 403 || status === 404) return null;
    throw error;
  }
}
