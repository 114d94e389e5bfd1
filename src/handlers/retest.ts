import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { dispatchWorkflow } from "../github/workflows.js";

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
