import type { Context } from "probot";
import { z } from "zod";
import { cachedConfig } from "../config/config-cache.js";
import { readConfig } from "../config/read-config.js";
import { gatewayFor, type Gateway } from "../github/gateway.js";
import { createComment, listAppIssues, updateIssue, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS, removeLabel } from "../github/labels.js";
import { workflowFileOf } from "../github/workflows.js";
import { parseChecklist, setChecklistItem, uncheckedItems } from "../policy/follow-up-checklist.js";
import { readStateBlock } from "../render/hidden-block.js";

const followUpSha = z.object({ kind: z.literal("follow-up"), sha: z.string() });
const IGNORED_CONCLUSIONS = new Set(["cancelled", "skipped", "neutral", "stale"]);

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

/**
 * `workflow_run.completed` of the retest the app dispatched: ticks the follow-up's retest box
 * on success; on failure, comments with the run and labels the follow-up. Runs the app did not
 * dispatch cost no call.
 */
export async function handleWorkflowRun(context: Context<"workflow_run.completed">, appLogin: () => Promise<string | undefined>): Promise<void> {
  const run = context.payload.workflow_run;
  // A run without a conclusion says nothing about the suite: it must not fail a follow-up.
  if (run.event !== "workflow_dispatch" || run.triggering_actor?.type !== "Bot" || !run.conclusion || IGNORED_CONCLUSIONS.has(run.conclusion)) return;
  const { owner, repo } = context.repo();
  const loaded = cachedConfig(owner, repo) ?? (await readConfig(context));
  const workflow = loaded.config.follow_up.retest_workflow;
  if (!workflow || workflowFileOf(run.path) !== workflowFileOf(workflow)) return;
  // Only now the app's own login (one call per process): another bot's runs of other workflows cost nothing more.
  const self = await appLogin();
  if (self && run.triggering_actor.login !== self) return;
  const gw = gatewayFor(context);
  const issues = followUpsOfRun(await listAppIssues(gw, { label: APP_LABELS.followUp.name }), run);
  for (const issue of issues) await recordResult(gw, issue, { conclusion: run.conclusion, html_url: run.html_url });
}
