import { type Gateway } from "../github/gateway.js";
import { createComment, updateIssue, type IssueSummary } from "../github/issues.js";
import { createDriftReport, type DriftState } from "./record.js";
import { renderDriftReport, type DriftReportParams, type ReportUpdate } from "./render-drift-report.js";

/**
 * Writes what `planReportUpdate` decided; returns what became of the report. `params`: what the
 * report shows, for a report that must be created (its block is signed once it has a number).
 */
export async function applyReportUpdate(
  gw: Gateway,
  params: { update: ReportUpdate; report: IssueSummary | null; shown: Omit<DriftReportParams, "block" | "state">; state: DriftState; baselineRecorded: boolean },
): Promise<string> {
  const { update, report } = params;
  const create = (closed: boolean) =>
    createDriftReport(gw, { state: params.state, render: (state, block) => renderDriftReport({ ...params.shown, state, block }), closed });
  switch (update.action) {
    case "none":
      if (!report && params.baselineRecorded) {
        // The baseline must live somewhere and the app keeps no database: a closed report holds it quietly.
        await create(true);
        return "baseline recorded";
      }
      return "unchanged";
    case "create": {
      const { issue } = await create(false);
      if (update.comment) await createComment(gw, issue.number, update.comment);
      return "created";
    }
    case "update":
      await updateIssue(gw, report!.number, { body: update.body });
      if (update.comment) await createComment(gw, report!.number, update.comment);
      return "updated";
    case "close":
      await updateIssue(gw, report!.number, { body: update.body, state: "closed", state_reason: "completed" });
      await createComment(gw, report!.number, update.comment);
      return "closed";
    case "reopen-update":
      await updateIssue(gw, report!.number, { body: update.body, state: "open" });
      await createComment(gw, report!.number, update.comment);
      return "reopened";
  }
}
