import type { LoadedConfig } from "../config/load-config.js";
import { branchContainsSha } from "../github/branches.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { fetchRunPlan, listCompletedRuns, type PlanFetch } from "../github/terraform-artifact.js";
import { dispatchWorkflow } from "../github/workflows.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import type { PartItems } from "./protection-drift.js";
import { scanProblem } from "./scan-problem.js";
import { planSilenceUnproven, terraformItems } from "./terraform-items.js";
import { newestTrustedRun, type NoTrustedRun } from "./trusted-run.js";

/**
 * The plan of the newest trusted run (SPEC section 10 rule 8): the page of runs (1 call), a
 * compare only when the run's commit is older than the history read (0–1), the artifacts (1),
 * the download (1).
 */
async function readTrustedPlan(
  gw: Gateway,
  params: { terraform: LoadedConfig["config"]["drift"]["terraform"]; branch: string; knownShas: ReadonlySet<string> },
): Promise<PlanFetch | NoTrustedRun> {
  const { terraform, branch } = params;
  const runs = await listCompletedRuns(gw, { workflow: terraform.workflow, branch });
  const run = await newestTrustedRun(runs, { branch, knownShas: params.knownShas, isOnBranch: (sha) => branchContainsSha(gw, branch, sha) });
  if ("kind" in run) return run;
  return fetchRunPlan(gw, { run, artifact: terraform.artifact, file: terraform.file });
}

/**
 * Infrastructure drift from the newest trusted plan of `drift.terraform.workflow`; a 4xx is a
 * scan item, a 5xx fails the scan. `knownShas`: the branch's commits the scan has read.
 */
export async function terraformDriftItems(
  gw: Gateway,
  params: { config: LoadedConfig["config"]; branch: string | undefined; now: Date; knownShas: ReadonlySet<string> },
): Promise<PartItems> {
  const terraform = params.config.drift.terraform;
  const { branch, now } = params;
  if (!terraform.workflow || !branch) return { items: [], incomplete: [] };
  // Dispatched first; the newest *completed* run is read now, the fresh one at the next scan.
  if (terraform.dispatch) await dispatchPlan(gw, terraform.workflow, branch);
  try {
    const fetch = await readTrustedPlan(gw, { terraform, branch, knownShas: params.knownShas });
    const items = terraformItems({ fetch, terraform, branch, now, immutable: params.config.immutable });
    // An unread or incomplete plan is silent about resources it does not cover: that silence
    // must not resolve the earlier items nor drop their acceptances.
    return { items, incomplete: planSilenceUnproven(items) ? ["terraform"] : [] };
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined || status >= 500) throw error;
    return {
      items: [scanProblem("terraform", `The Terraform plan could not be read (${status})`, `Check that ${escapeInlineText(terraform.workflow)} exists and the app may read Actions.`)],
      incomplete: ["terraform"],
    };
  }
}

async function dispatchPlan(gw: Gateway, workflow: string, branch: string): Promise<void> {
  try {
    await dispatchWorkflow(gw, { workflow, ref: branch, inputs: {} });
  } catch (error) {
    gw.log.warn({ err: error, workflow }, "the drift workflow could not be dispatched; the next scan reads the newest run there is");
  }
}
