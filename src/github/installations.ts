import type { Probot } from "probot";
import type { GitHubClient } from "./gateway.js";

const PER_PAGE = 100;

/** One installation of the app, as the installations API lists it. */
export interface RawInstallation {
  id: number;
  account: { login?: string; slug?: string } | null;
  permissions?: { administration?: string };
  /** ISO text from the REST API; epoch seconds in webhook payloads (`installation.created`, `installation_repositories`). */
  created_at?: string | number;
  suspended_at?: string | null;
}

export interface RawRepository {
  name: string;
  owner: { login: string };
  default_branch?: string;
  archived?: boolean;
}

/** The user or organization an installation is on (an enterprise installation has a slug, not a login). */
export function accountOf(installation: RawInstallation): string {
  return installation.account?.login ?? installation.account?.slug ?? "";
}

/** Every installation of the app (as the app: a JWT call), every page. */
export async function listAppInstallations(app: Pick<Probot, "auth">): Promise<RawInstallation[]> {
  const octokit = await app.auth();
  return (await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: PER_PAGE })) as RawInstallation[];
}

/** The repositories one installation may read, every page, with that installation's client. */
export async function listInstallationRepositories(app: Pick<Probot, "auth">, installationId: number): Promise<{ octokit: GitHubClient; repositories: RawRepository[] }> {
  const octokit = await app.auth(installationId);
  const repositories = (await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: PER_PAGE })) as unknown as RawRepository[];
  return { octokit: octokit as unknown as GitHubClient, repositories };
}
