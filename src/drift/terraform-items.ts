import type { Config } from "../config/schema.js";
import type { PlanFetch } from "../github/terraform-artifact.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import type { DriftItem } from "./drift-item.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { parseTerraformPlan } from "./parse-terraform-plan.js";

const WORKFLOW_ITEM = "terraform:workflow";
const STALE_ITEM = "terraform:stale";

/** Infrastructure drift from the newest plan, or an item that says why there is none to read. */
export function terraformItems(params: { fetch: PlanFetch; terraform: Config["drift"]["terraform"]; branch: string; now: Date }): DriftItem[] {
  const { fetch, terraform, branch, now } = params;
  const workflow = inlineLiteral(terraform.workflow);
  const problem = (title: string, details: string[] = []): DriftItem[] => [
    { id: WORKFLOW_ITEM, kind: "scan", title, details, fix: `Run ${workflow} on ${inlineLiteral(branch)} (it must upload the artifact ${inlineLiteral(terraform.artifact)} holding ${inlineLiteral(terraform.file)}).` },
  ];
  switch (fetch.kind) {
    case "no-run":
      return problem(`No completed run of ${workflow} on ${inlineLiteral(branch)}: infrastructure drift is not checked`);
    case "run-failed":
      return problem(`The newest run of ${workflow} ended ${escapeInlineText(fetch.run.conclusion ?? "unknown")}`, [`run: ${fetch.run.html_url}`]);
    case "no-artifact":
      return problem(`The newest run of ${workflow} has no artifact ${inlineLiteral(terraform.artifact)}`, [`run: ${fetch.run.html_url}`]);
    case "no-file":
      return problem(`The artifact ${inlineLiteral(terraform.artifact)} holds no ${inlineLiteral(terraform.file)}`, [`run: ${fetch.run.html_url}`]);
    case "unreadable":
      return problem(`The artifact ${inlineLiteral(terraform.artifact)} could not be unzipped: ${escapeInlineText(fetch.error, 100)}`, [`run: ${fetch.run.html_url}`]);
    case "too-large":
      return problem(`The plan artifact is ${Math.round(fetch.bytes / 1024 / 1024)} MB: too large to read`, [`run: ${fetch.run.html_url}`]);
    case "plan": {
      const ageHours = (now.getTime() - new Date(fetch.run.updated_at).getTime()) / 3_600_000;
      const parsed = parseTerraformPlan(fetch.text);
      const items: DriftItem[] = parsed.ok ? parsed.items : problem(`The plan could not be read: ${escapeInlineText(parsed.error)}`, [`run: ${fetch.run.html_url}`]);
      if (ageHours > terraform.max_age_hours) {
        const [stale] = problem(`The newest plan is ${Math.floor(ageHours)} h old (more than ${terraform.max_age_hours} h): it may not show today's drift`, [`run: ${fetch.run.html_url}`]);
        if (stale) items.push({ ...stale, id: STALE_ITEM });
      }
      return items;
    }
  }
}
