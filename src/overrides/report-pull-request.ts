import type { LoadedConfig } from "../config/load-config.js";
import { CHECK_OUTPUT_LIMIT, COULD_NOT_BE_CHECKED_TITLE, createCheckRun } from "../github/check-runs.js";
import { TooManyCommitsError } from "../github/commits.js";
import { upsertComment } from "../github/comments.js";
import type { Gateway } from "../github/gateway.js";
import { addLabels, markerLabelSpec, removeLabel } from "../github/labels.js";
import { failClosedConclusion } from "./evaluate-override.js";
import { renderConfigErrors } from "./render-override-summary.js";
import {
  PULL_REQUEST_COMMENT_KEY,
  readPullRequestCommentState,
  renderPullRequestComment,
  type PullRequestCommentState,
} from "./pull-request-comment.js";
import type { PullRequestEvaluation } from "./evaluate-pull-request.js";
import { renderCheckMemory, type CheckMemory } from "./check-memory.js";
import { allowedMarkers, renderOverrideVerdict } from "./override-verdict.js";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The hidden memory for the check on `sha`: only the head it is about carries it. On an error
 * check, a memory too big to keep is written as an empty partial one, so that the next reader
 * goes back to the app's older memory of the head rather than taking an empty one as whole.
 */
function memoryText(memory: CheckMemory | undefined, sha: string): string | undefined {
  if (!memory || memory.head !== sha) return undefined;
  try {
    return renderCheckMemory(memory);
  } catch {
    return renderCheckMemory({ pr: memory.pr, head: memory.head, introducers: [], commits: null, partial: true });
  }
}

function errorReport(error: unknown): { title: string; summary: string[] } {
  if (error instanceof TooManyCommitsError) {
    // Not an accident of the moment: Re-run gives the same answer until the PR is split.
    return { title: "Not checked: too many commits", summary: [`This pull request has ${error.message}.`] };
  }
  return {
    // Not a verdict: Re-run evaluates again (src/overrides/change-of-commit.ts reads this title).
    title: COULD_NOT_BE_CHECKED_TITLE,
    summary: [
      "Pipeline Guard could not finish checking this change, so the override requirements could not be checked.",
      "",
      `Error: \`${errorMessage(error).replace(/`/g, "'").slice(0, 500)}\``,
      "",
      "Press **Re-run** on this check, or comment `/pipeline-guard recheck`, once the cause is fixed.",
    ],
  };
}

/**
 * Fail closed: an error while gathering facts still completes the check, as failure in enforce
 * mode, saying what could not be checked. A check left pending would block a merge silently, and
 * a green one would let an unchecked override through. `memory`: what the head's check must still
 * remember (the people who brought markers), so that an error forgets nobody.
 */
export async function reportEvaluationError(
  gw: Gateway,
  params: { headShas: readonly string[]; loaded: LoadedConfig | null; error: unknown; memory?: CheckMemory },
): Promise<void> {
  const mode = params.loaded?.config.mode ?? "enforce";
  const report = errorReport(params.error);
  if (params.error instanceof TooManyCommitsError) gw.log.info({ shas: params.headShas, commits: params.error.count }, "pull request has too many commits; the check fails closed");
  else gw.log.error({ err: params.error, shas: params.headShas }, "pull request could not be evaluated; the check fails closed");
  const summary = [...report.summary, params.loaded ? renderConfigErrors(params.loaded.errors) : ""].join("\n");
  for (const headSha of params.headShas) {
    try {
      await createCheckRun(gw, { headSha, conclusion: failClosedConclusion(mode), title: report.title, summary, text: memoryText(params.memory, headSha) });
    } catch (checkError) {
      gw.log.error({ err: checkError, sha: headSha }, "the fail-closed check run could not be created either");
    }
  }
}

/**
 * The head's memory, and, for an allowed override, its verdict (src/overrides/override-verdict.ts),
 * which the immutable check reads. The verdict is left out when both would not fit GitHub's limit:
 * then nothing is deferred (fail closed).
 */
function checkText(evaluation: PullRequestEvaluation, headSha: string): string | undefined {
  const memory = memoryText(evaluation.memory, headSha);
  const allowed = allowedMarkers(evaluation.decision, evaluation.markers);
  if (allowed.length === 0 || headSha !== evaluation.pr.headSha) return memory;
  const verdict = renderOverrideVerdict({ pr: evaluation.pr.number, head: headSha, allowed });
  const text = memory === undefined ? verdict : `${memory}\n${verdict}`;
  return text.length <= CHECK_OUTPUT_LIMIT ? text : memory;
}

/** The check run on each SHA (the PR head, or a merge group's head); the head's carries its memory. */
export async function reportCheck(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig, headShas: readonly string[]): Promise<void> {
  const { decision, summary } = evaluation;
  const title = loaded.errors.length > 0 ? `${decision.title} (configuration error)` : decision.title;
  for (const headSha of headShas) {
    await createCheckRun(gw, { headSha, conclusion: decision.conclusion, title, summary, text: checkText(evaluation, headSha) });
  }
}

/**
 * Marker labels follow the markers: added where a marker is, removed where none is left (before
 * the merge; after it, the record stands). Returns the labels removed.
 */
export async function syncMarkerLabels(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<string[]> {
  const { pr, decision } = evaluation;
  const have = new Set(pr.labels.map((l) => l.toLowerCase()));
  const missing = decision.labels.filter((l) => !have.has(l.toLowerCase()));
  await addLabels(gw, pr.number, missing.map(markerLabelSpec));
  if (pr.merged) return [];
  const wanted = new Set(decision.labels.map((l) => l.toLowerCase()));
  const markerLabels = new Set(Object.values(loaded.config.markers).map((m) => m.label.toLowerCase()));
  const stale = pr.labels.filter((l) => markerLabels.has(l.toLowerCase()) && !wanted.has(l.toLowerCase()));
  for (const label of stale) await removeLabel(gw, pr.number, label);
  return stale;
}

/**
 * The one comment per PR, only where there is something to say: a marker, a configuration
 * error, or marker labels taken off because their marker is gone (`removedLabels`, said in the
 * comment). `update` adds to the remembered state (a follow-up, a removal).
 */
export async function reportComment(
  gw: Gateway,
  evaluation: PullRequestEvaluation,
  params: { loaded: LoadedConfig; removedLabels?: readonly string[]; update?: (state: PullRequestCommentState) => PullRequestCommentState },
): Promise<void> {
  const { decision, pr } = evaluation;
  const removed = params.removedLabels ?? [];
  const worthSaying = decision.isOverride || params.loaded.errors.length > 0 || removed.length > 0;
  if (!worthSaying) return;
  const note = removed.length > 0 ? `\n\nRemoved the label${removed.length === 1 ? "" : "s"} ${removed.map((l) => `\`${l}\``).join(", ")}: no marker for ${removed.length === 1 ? "it is" : "them is"} left.` : "";
  const summary = evaluation.summary + note;
  await upsertComment(gw, {
    issueNumber: pr.number,
    marker: PULL_REQUEST_COMMENT_KEY,
    render: (current) => {
      const state = readPullRequestCommentState(current);
      return renderPullRequestComment({ title: decision.title, summary, state: params.update ? params.update(state) : state });
    },
  });
}
