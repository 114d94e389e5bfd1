import type { Conclusion } from "../policy/evaluate-override.js";
import { type Gateway, write } from "./gateway.js";

export const CHECK_NAME = "Pipeline Guard";
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
