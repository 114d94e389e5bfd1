import { PERMISSION_LEVELS, type PermissionLevel } from "../config/schema.js";
import type { Authorization } from "../overrides/evaluate-override.js";
import { type Gateway, statusOf } from "./gateway.js";

export interface AllowedActors {
  permission: PermissionLevel;
  teams: readonly string[];
  users: readonly string[];
}

function rank(level: string): number {
  return (PERMISSION_LEVELS as readonly string[]).indexOf(level);
}

/** `role_name` tells maintain and triage apart; custom roles fall back to the base `permission`. */
async function repositoryPermission(gw: Gateway, login: string): Promise<string> {
  try {
    const { data } = await gw.octokit.rest.repos.getCollaboratorPermissionLevel({ owner: gw.owner, repo: gw.repo, username: login });
    return rank(data.role_name) >= 0 ? data.role_name : data.permission;
  } catch (error) {
    if (statusOf(error) === 404) return "none";
    throw error;
  }
}

async function isActiveTeamMember(gw: Gateway, team: string, login: string): Promise<boolean> {
  try {
    const { data } = await gw.octokit.rest.teams.getMembershipForUserInOrg({ org: gw.owner, team_slug: team, username: login });
    return data.state === "active";
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/**
 * Allowed by a listed login (no call), else by repository permission (one call), else by
 * membership of a listed team (one call per team, in order, until one says yes).
 * Errors other than 404 propagate: the caller fails closed.
 */
export async function checkAllowed(gw: Gateway, login: string, allowed: AllowedActors): Promise<Authorization> {
  const lower = login.toLowerCase();
  if (allowed.users.some((u) => u.toLowerCase() === lower)) return { allowed: true, reason: `@${login} is listed in users` };
  const permission = await repositoryPermission(gw, login);
  if (rank(permission) >= rank(allowed.permission)) {
    return { allowed: true, reason: `@${login} has ${permission} permission (${allowed.permission} needed)` };
  }
  for (const team of allowed.teams) {
    if (await isActiveTeamMember(gw, team, login)) return { allowed: true, reason: `@${login} is a member of team ${team}` };
  }
  const teams = allowed.teams.length > 0 ? ` and is in none of the teams ${allowed.teams.join(", ")}` : "";
  const has = permission === "none" ? "has no access to the repository" : `has ${permission} permission`;
  return { allowed: false, reason: `@${login} ${has} (${allowed.permission} needed)${teams}` };
}
