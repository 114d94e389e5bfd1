import { z } from "zod";
import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { createComment, listAppIssues, updateIssue, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS, removeLabel } from "../github/labels.js";
import { dispatchWorkflow } from "../github/workflows.js";
import { readStateBlock } from "../markdown/hidden-block.js";
import { parseChecklist, setChecklistItem, uncheckedItems } from "./checklist.js";

/** `retest`: the full suite on the change's commit, through `follow_up.retest_workflow`; none set, a person ticks the box. */
export async function dispatchRetest(gw: Gateway, params: { config: Pick<Config, "follow_up">; branch: string; sha: string }): Promise<void> {
  const workflow = params.config.follow_up.retest_workflow;
  if (!workflow) return;
  try {
    await dispatchWorkflow(gw, { workflow, ref: params.branch, inputs: { sha: params.sha } });
  } catch (error) {
    // The follow-up exists and its box waits; a failed dispatch must not lose the rest of the event.
    gw.log.error({ err: error, workflow, sha: params.sha }, "retest workflow could not be dispatched; the retest box waits for a person");
  }
}

const followUpSha = z.object({ kind: z.literal("follow-up"), sha: z.string() });

/** The open follow-ups whose retest this run is: by the commit it ran on, or the SHA its run name carries. */
function followUpsOfRun(issues: readonly IssueSummary[], run: { head_sha: string; display_title?: string }): IssueSummary[] {
  return issues.filter((issue) => {
    const state = followUpSha.safeParse(readStateBlock(issue.body));
    if (!state.success || parseChecklist(issue.body).retest !== false) return false;
    return state.data.sha === run.head_sha || (run.display_title ?? "").includes(state.data.sha);
  });
}

async function recordResult(gw: Gateway, issue: IssueSummary, run: { conclusion: string; html_url: string }): Promise<void> {
  if (run.conclusion === "success") {
    const body = setChecklistItem(issue.body, "retest", true);
    await updateIssue(gw, issue.number, { body });
    // An earlier failed run's label would go on saying the retest failed.
    if (issue.labels.includes(APP_LABELS.retestFailed.name)) await removeLabel(gw, issue.number, APP_LABELS.retestFailed.name);
    if (uncheckedItems(parseChecklist(body)).length === 0) {
      await updateIssue(gw, issue.number, { state: "closed", state_reason: "completed" });
      await createComment(gw, issue.number, `The retest passed (${run.html_url}) and every follow-up item is done: closing.`);
    }
    return;
  }
  await createComment(gw, issue.number, `The retest of the merge commit ended **${run.conclusion}**: ${run.html_url}. Fix the suite through a pull request; the retest box stays open until a run passes.`);
  await addLabels(gw, issue.number, [APP_LABELS.retestFailed]);
}

/** The retest's run ended: each open follow-up it was for is ticked (success) or told (failure). */
export async function recordRetestResult(gw: Gateway, run: { head_sha: string; display_title?: string; conclusion: string; html_url: string }): Promise<void> {
  const issues = followUpsOfRun(await listAppIssues(gw, { label: APP_LABELS.followUp.name }), run);
  for (const issue of issues) await recordResult(gw, issue, { conclusion: run.conclusion, html_url: run.html_url });
}
