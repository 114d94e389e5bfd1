import type { Conclusion } from "../overrides/evaluate-override.js";
import { type Gateway, write } from "./gateway.js";

export const CHECK_NAME = "Pipeline Guard";
/**
 * The title of a check the app completed because it could not check (an error): no verdict.
 * Re-run evaluates such a commit again, and the gate does not take it as the change's verdict.
 */
export const COULD_NOT_BE_CHECKED_TITLE = "Could not be checked";
/** GitHub rejects a check run output summary past 65,535 characters. */
const CHECK_OUTPUT_LIMIT = 65_535;

function fit(text: string): string {
  const note = "\n\n…(cut to fit GitHub's check run limit)";
  return text.length > CHECK_OUTPUT_LIMIT ? text.slice(0, CHECK_OUTPUT_LIMIT - note.length) + note : text;
}

/** Always created completed: a check of ours is never left pending. */
export async function createCheckRun(gw: Gateway, params: { headSha: string; conclusion: Conclusion; title: string; summary: string }): Promise<void> {
  await write(
    gw,
    "create check run",
    { sha: params.headSha, conclusion: params.conclusion, title: params.title },
    () =>
      gw.octokit.rest.checks.create({
        owner: gw.owner,
        repo: gw.repo,
        name: CHECK_NAME,
        head_sha: params.headSha,
        status: "completed",
        conclusion: params.conclusion,
        output: { title: params.title.slice(0, 255), summary: fit(params.summary) },
      }),
    undefined,
  );
}

/** Whether the commit already carries a `Pipeline Guard` check run (the push handler's, or an earlier scan's): one call. */
export async function hasGuardCheck(gw: Gateway, sha: string): Promise<boolean> {
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: sha, check_name: CHECK_NAME, per_page: 1 });
  return data.total_count > 0;
}
