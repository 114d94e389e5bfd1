import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS, removeLabel } from "../github/labels.js";
import { dispatchWorkflow } from "../github/workflows.js";
import { listAppIssues, requireAppLogin } from "../records/record-store.js";
import { openItems, readFollowUps, saveFollowUp, type FollowUpState } from "./record.js";

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

type VerifiedFollowUp = { issue: IssueSummary; state: FollowUpState };

/** The open follow-ups whose retest this run is: by the commit it ran on, or the SHA its run name carries. */
function followUpsOfRun(followUps: readonly VerifiedFollowUp[], run: { head_sha: string; display_title?: string }): VerifiedFollowUp[] {
  return followUps.filter(({ state }) => {
    if (!state.items.includes("retest") || state.ticks.retest) return false;
    return state.sha === run.head_sha || (run.display_title ?? "").includes(state.sha);
  });
}

async function recordResult(gw: Gateway, followUp: VerifiedFollowUp, run: { conclusion: string; html_url: string; at: string }): Promise<void> {
  const { issue } = followUp;
  if (run.conclusion === "success") {
    const state: FollowUpState = { ...followUp.state, ticks: { ...followUp.state.ticks, retest: { by: await requireAppLogin(gw), at: run.at } } };
    const done = openItems(state).length === 0;
    await saveFollowUp(gw, { issue, state, ...(done ? { change: { state: "closed", state_reason: "completed" } } : {}) });
    // An earlier failed run's label would go on saying the retest failed.
    if (issue.labels.includes(APP_LABELS.retestFailed.name)) await removeLabel(gw, issue.number, APP_LABELS.retestFailed.name);
    if (done) await createComment(gw, issue.number, `The retest passed (${run.html_url}) and every follow-up item is done: closing.`);
    return;
  }
  await createComment(gw, issue.number, `The retest of the merge commit ended **${run.conclusion}**: ${run.html_url}. Fix the suite through a pull request; the retest box stays open until a run passes.`);
  await addLabels(gw, issue.number, [APP_LABELS.retestFailed]);
}

/** The retest's run ended: each open follow-up it was for is ticked (success) or told (failure). */
export async function recordRetestResult(gw: Gateway, run: { head_sha: string; display_title?: string; conclusion: string; html_url: string; updated_at?: string }): Promise<void> {
  const readings = readFollowUps(gw, await listAppIssues(gw, { state: "open" }));
  const verified = readings.flatMap((r) => (r.status === "verified" ? [{ issue: r.issue, state: r.state }] : []));
  const at = run.updated_at && !Number.isNaN(Date.parse(run.updated_at)) ? new Date(run.updated_at).toISOString() : new Date().toISOString();
  for (const followUp of followUpsOfRun(verified, run)) await recordResult(gw, followUp, { conclusion: run.conclusion, html_url: run.html_url, at });
}
