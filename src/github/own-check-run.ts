import { CHECK_NAME, type OwnCheckRun } from "./check-runs.js";
import type { Gateway } from "./gateway.js";

/**
 * The app's own latest check run of that name on a commit, or null: one call (`filter: latest`
 * gives each app's latest run of the name). A run of the same name written by a workflow or
 * another app is anyone's word and never counts. Throws when the app's own login cannot be
 * learned: nothing unverified is trusted.
 */
export async function latestOwnCheckRun(gw: Gateway, params: { sha: string; name?: string }): Promise<OwnCheckRun | null> {
  const login = await gw.appLogin();
  if (!login) throw new Error("the app's own login could not be learned, so its check runs cannot be told from others'");
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: params.sha, check_name: params.name ?? CHECK_NAME, filter: "latest", per_page: 100 });
  const [run] = data.check_runs.filter((r) => r.app?.slug !== undefined && `${r.app.slug}[bot]` === login).sort((a, b) => b.id - a.id);
  return run ? { id: run.id, conclusion: run.conclusion, title: run.output.title, text: run.output.text } : null;
}
