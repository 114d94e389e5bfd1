import type { LoadedConfig } from "../config/load-config.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { fetchTerraformPlan } from "../github/terraform-artifact.js";
import { dispatchWorkflow } from "../github/workflows.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import type { PartItems } from "./protection-drift.js";
import { scanProblem } from "./scan-problem.js";
import { terraformItems } from "./terraform-items.js";

/** Infrastructure drift from the newest plan of `drift.terraform.workflow`; a 4xx is a scan item, a 5xx fails the scan. */
export async function terraformDriftItems(gw: Gateway, params: { config: LoadedConfig["config"]; branch: string | undefined; now: Date }): Promise<PartItems> {
  const terraform = params.config.drift.terraform;
  const { branch, now } = params;
  if (!terraform.workflow || !branch) return { items: [], incomplete: [] };
  // Dispatched first; the newest *completed* run is read now, the fresh one at the next scan.
  if (terraform.dispatch) await dispatchPlan(gw, terraform.workflow, branch);
  try {
    const fetch = await fetchTerraformPlan(gw, { workflow: terraform.workflow, branch, artifact: terraform.artifact, file: terraform.file });
    return { items: terraformItems({ fetch, terraform, branch, now }), incomplete: [] };
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
