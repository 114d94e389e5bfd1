import type { Context } from "probot";
import { sharedCachedConfig } from "../config/config-cache.js";
import { readConfig } from "../config/read-config.js";
import { recordRetestResult } from "../follow-ups/retest.js";
import { gatewayFor } from "../github/gateway.js";
import { workflowFileOf } from "../github/workflows.js";
import { checkPlanRun, isPlanRun, type PlanRun } from "../immutable/check-plan-run.js";

const IGNORED_CONCLUSIONS = new Set(["cancelled", "skipped", "neutral", "stale"]);

/**
 * `workflow_run.completed` of the retest the app dispatched: ticks the follow-up's retest box
 * on success; on failure, comments with the run and labels the follow-up. Runs the app did not
 * dispatch cost no call.
 */
export async function handleWorkflowRun(context: Context<"workflow_run.completed">, appLogin: () => Promise<string | undefined>): Promise<void> {
  const run = context.payload.workflow_run;
  if (run.event === "pull_request") return handlePlanRun(context, appLogin);
  // A run without a conclusion says nothing about the suite: it must not fail a follow-up.
  if (run.event !== "workflow_dispatch" || run.triggering_actor?.type !== "Bot" || !run.conclusion || IGNORED_CONCLUSIONS.has(run.conclusion)) return;
  const { owner, repo } = context.repo();
  const loaded = (await sharedCachedConfig(owner, repo)) ?? (await readConfig(context));
  const workflow = loaded.config.follow_up.retest_workflow;
  if (!workflow || workflowFileOf(run.path) !== workflowFileOf(workflow)) return;
  // Only now the app's own login (one call per process): another bot's runs of other workflows cost nothing more.
  const self = await appLogin();
  if (self && run.triggering_actor.login !== self) return;
  const gw = gatewayFor(context, appLogin);
  await recordRetestResult(gw, { head_sha: run.head_sha, display_title: run.display_title, conclusion: run.conclusion, html_url: run.html_url, updated_at: run.updated_at });
}

/**
 * A pull request's run: the immutable check when it is a run of `immutable.plan_workflow` (issue
 * #13). Other runs cost the configuration read at most (none while it is cached).
 */
async function handlePlanRun(context: Context<"workflow_run.completed">, appLogin: () => Promise<string | undefined>): Promise<void> {
  const run = context.payload.workflow_run as unknown as PlanRun;
  const { owner, repo } = context.repo();
  const loaded = (await sharedCachedConfig(owner, repo)) ?? (await readConfig(context));
  if (!isPlanRun(run, loaded.config.immutable)) return;
  await checkPlanRun(gatewayFor(context, appLogin), { run, config: loaded.config });
}
