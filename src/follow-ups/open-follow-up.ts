import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { findOrCreateIssue, type IssueSummary } from "../github/issues.js";
import { APP_LABELS, markerLabelSpec } from "../github/labels.js";
import { renderFollowUpIssue, type OverrideRecord } from "./render-follow-up-issue.js";

/** The one road to a follow-up issue, for a merged PR and a direct push alike. */
export async function openFollowUp(gw: Gateway, record: OverrideRecord, config: Pick<Config, "follow_up">): Promise<{ issue: IssueSummary; created: boolean }> {
  const spec = renderFollowUpIssue(record, config);
  return findOrCreateIssue(gw, {
    kind: "follow-up",
    key: spec.key,
    title: spec.title,
    body: spec.body,
    labels: [APP_LABELS.followUp, ...spec.labels.map(markerLabelSpec)],
    assignees: spec.assignees,
  });
}
