import type { Config } from "../config/schema.js";
import type { ConfigError } from "../config/validate-config.js";
import { formatConfigError } from "../config/validate-config.js";
import type { FoundMarker } from "../markers/collect-markers.js";
import type { OverrideDecision } from "./evaluate-override.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { renderMarkerTable } from "./describe-markers.js";
import { renderIncident } from "./find-incident.js";

export interface OverrideSummaryInput {
  markers: readonly FoundMarker[];
  decision: OverrideDecision;
  config: Pick<Config, "mode" | "follow_up">;
  configErrors: readonly ConfigError[];
}

export function renderConfigErrors(errors: readonly ConfigError[]): string {
  if (errors.length === 0) return "";
  const lines = errors.map((e) => `- ${escapeInlineText(formatConfigError(e), 500)}`);
  // Who may use markers and run commands falls back to the strictest setting, not the default (rule 11).
  const strictest = errors.some((e) => e.fallback === "strictest") ? ", except where it says otherwise" : "";
  return [
    "### Configuration errors",
    `\`.github/pipeline-guard.yml\` on the default branch is invalid; the defaults apply to these keys${strictest}:`,
    ...lines,
  ].join("\n");
}

function renderAtMerge(decision: OverrideDecision, config: OverrideSummaryInput["config"]): string {
  const lines = [`- labels stay: ${decision.labels.map((l) => `\`${l}\``).join(", ")}`];
  if (decision.followUpItems.length > 0) {
    lines.push(
      `- a follow-up issue is opened with: ${decision.followUpItems.join(", ")}; due ${config.follow_up.due_hours} h after the merge; assigned to ${config.follow_up.assignees.join(", ")}`,
    );
  } else {
    lines.push("- a follow-up issue records the override");
  }
  if (decision.followUpItems.includes("retest")) {
    lines.push(
      config.follow_up.retest_workflow
        ? `- \`${config.follow_up.retest_workflow}\` is dispatched on the merge commit; its result ticks the retest box`
        : "- no `follow_up.retest_workflow` is set: a person ticks the retest box",
    );
  }
  return ["### At merge", ...lines].join("\n");
}

/** The body shared by the check run's summary and the PR comment. */
export function renderOverrideSummary(input: OverrideSummaryInput): string {
  const { markers, decision, config, configErrors } = input;
  const parts: string[] = [];
  if (!decision.isOverride) {
    parts.push("No override marker was found in the title, the body or the commits of this pull request.");
  } else {
    parts.push(renderMarkerTable(markers));
    parts.push(
      [
        "### Requirements",
        ...decision.requirements.map((r) => `- ${r.met ? "✅" : "❌"} **${requirementName(r.id)}**: ${r.detail}`),
      ].join("\n"),
    );
    if (decision.incident) parts.push(`**Incident:** ${renderIncident(decision.incident)}`);
    parts.push(renderAtMerge(decision, config));
    if (config.mode === "report") parts.push("_Report mode: nothing is blocked; this check ends neutral when a requirement is unmet._");
  }
  const errors = renderConfigErrors(configErrors);
  if (errors) parts.push(errors);
  return parts.join("\n\n");
}

function requirementName(id: OverrideDecision["requirements"][number]["id"]): string {
  switch (id) {
    case "not-fork":
      return "Not from a fork";
    case "authorized":
      return "Authorized";
    case "justified":
      return "Justification";
    case "incident":
      return "Incident";
    case "approved":
      return "Second approval";
  }
}
