import { type Gateway } from "../github/gateway.js";
import { createComment, findOrCreateIssue, updateIssue, type IssueSummary } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { DRIFT_REPORT_KEY, DRIFT_REPORT_TITLE, type planReportUpdate } from "./render-drift-report.js";

type ReportUpdate = ReturnType<typeof planReportUpdate>;

/** Writes what `planReportUpdate` decided; returns what became of the report. */
export async function applyReportUpdate(gw: Gateway, params: { update: ReportUpdate; report: IssueSummary | null; baselineBody: string | null }): Promise<string> {
  const { update, report } = params;
  switch (update.action) {
    case "none":
      if (!report && params.baselineBody) {
        // The baseline must live somewhere and the app keeps no database: a closed report holds it quietly.
        const { issue } = await createReport(gw, params.baselineBody);
        await updateIssue(gw, issue.number, { state: "closed", state_reason: "completed" });
        return "baseline recorded";
      }
      return "unchanged";
    case "create":
      await createReport(gw, update.body);
      return "created";
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

async function createReport(gw: Gateway, body: string) {
  // renderDriftReport starts with the hidden key; findOrCreateIssue adds it itself.
  return findOrCreateIssue(gw, { kind: "drift", key: "drift", title: DRIFT_REPORT_TITLE, body: body.replace(`${DRIFT_REPORT_KEY}\n`, ""), labels: [APP_LABELS.drift] });
}
