import type { Probot } from "probot";
import type { GitHubClient } from "../github/gateway.js";

export interface AppInstallation {
  id: number;
  /** The user or organization login the app is installed on. */
  account: string;
  suspended: boolean;
}

const PER_PAGE = 100;

/** Every installation of the app (as the app: a JWT call), every page. */
export async function listAppInstallations(app: Probot): Promise<AppInstallation[]> {
  const octokit = await app.auth();
  const installations = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: PER_PAGE });
  return installations.map((installation) => {
    // An enterprise installation's account has a slug and no login.
    const account = installation.account as { login?: string; slug?: string } | null;
    const login = account?.login ?? account?.slug ?? "";
    return { id: installation.id, account: login, suspended: installation.suspended_at != null };
  });
}

/** The repositories one installation may read, every page, with its own client. */
export async function listInstallationRepositories(app: Probot, installationId: number): Promise<{ octokit: GitHubClient; repositories: Array<{ owner: string; repo: string }> }> {
  const octokit = await app.auth(installationId);
  const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: PER_PAGE });
  return { octokit, repositories: repositories.map((r) => ({ owner: r.owner.login, repo: r.name })) };
}
