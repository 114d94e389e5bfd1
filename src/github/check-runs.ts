import type { Conclusion } from "../overrides/evaluate-override.js";
import { type Gateway, write } from "./gateway.js";

export const CHECK_NAME = "Pipeline Guard";
/**
 * The title of a check the app completed because it could not check (an error): no verdict.
 * Re-run evaluates such a commit again, and the gate does not take it as the change's verdict.
 */
export const COULD_NOT_BE_CHECKED_TITLE = "Could not be checked";
/** GitHub rejects a check run output summary past 65,535 characters. */
export const CHECK_OUTPUT_LIMIT = 65_535;

function fit(text: string): string {
  const note = "\n\n…(cut to fit GitHub's check run limit)";
  return text.length > CHECK_OUTPUT_LIMIT ? text.slice(0, CHECK_OUTPUT_LIMIT - note.length) + note : text;
}

/**
 * Always created completed: a check of ours is never left pending. `text` (the output's details,
 * which only this app can write on its own check run) carries what the app must remember of the
 * commit; it is never cut, since a cut memory would not parse: its writer keeps it under the limit.
 */
export async function createCheckRun(gw: Gateway, params: { headSha: string; conclusion: Conclusion; title: string; summary: string; text?: string; name?: string }): Promise<void> {
  const output = { title: params.title.slice(0, 255), summary: fit(params.summary), ...(params.text === undefined ? {} : { text: params.text }) };
  await write(
    gw,
    "create check run",
    { sha: params.headSha, conclusion: params.conclusion, title: params.title, ...(params.name === undefined ? {} : { name: params.name }) },
    () =>
      gw.octokit.rest.checks.create({
        owner: gw.owner,
        repo: gw.repo,
        // Another check of the app's (`Pipeline Guard: immutable infrastructure`) names itself.
        name: params.name ?? CHECK_NAME,
        head_sha: params.headSha,
        status: "completed",
        conclusion: params.conclusion,
        output,
      }),
    undefined,
  );
}

/** Whether the commit already carries a `Pipeline Guard` check run (the push handler's, or an earlier scan's): one call. */
export async function hasGuardCheck(gw: Gateway, sha: string): Promise<boolean> {
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: sha, check_name: CHECK_NAME, per_page: 1 });
  return data.total_count > 0;
}

/* ---- the app's own check runs, read back as its memory of a commit (SPEC section 10, rules 6 and 12) ---- */

/** One `Pipeline Guard` check run that this app wrote (no other app or workflow can write it). */
export interface OwnCheckRun {
  id: number;
  conclusion: string | null;
  title: string | null;
  text: string | null;
}

/**
 * The app's own `Pipeline Guard` check runs on a commit, newest first: one call. `latest` asks
 * GitHub for the latest run of each app (the usual case: ours is the one whose output we want);
 * `all` lists every run (when our latest carries nothing to read). A run counts as ours only when
 * its app is this app (`<slug>[bot]` is `appLogin`): anyone with write access can make a check run
 * named `Pipeline Guard` from a workflow. `complete` is false when GitHub had more runs than one
 * page, so that a caller that found none of ours cannot take that for "there is none".
 * Fails (throws) when the app's own login cannot be learned: nothing unverified is trusted.
 */
export async function ownGuardCheckRuns(gw: Gateway, sha: string, filter: "latest" | "all"): Promise<{ runs: OwnCheckRun[]; complete: boolean }> {
  const login = await gw.appLogin();
  if (!login) throw new Error("the app's own login could not be learned, so its check runs cannot be told from others'");
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: sha, check_name: CHECK_NAME, filter, per_page: 100 });
  const runs = data.check_runs
    .filter((run) => run.app?.slug !== undefined && `${run.app.slug}[bot]` === login)
    .sort((a, b) => b.id - a.id)
    .map((run) => ({ id: run.id, conclusion: run.conclusion, title: run.output.title, text: run.output.text }));
  return { runs, complete: data.total_count <= data.check_runs.length };
}
