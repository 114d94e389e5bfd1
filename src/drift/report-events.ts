import type { Gateway } from "../github/gateway.js";
import { createComment, updateIssue, type IssueSummary } from "../github/issues.js";
import { quietLogin } from "../markdown/escape-markdown.js";
import { describeOtherChanges } from "../records/record-edits.js";
import { readDriftReport } from "./record.js";

/**
 * `issues.edited` of the drift report by anyone but the app (SPEC section 10, rule 2): the last
 * body the app wrote (the edit's `changes.body.from`, when its block verifies) is put back, and a
 * comment says who changed what. When only the text was changed and the previous body is not the
 * app's, the report's own block still holds its state: the next scan writes the text again.
 * Returns whether the issue was the report.
 */
export async function onDriftReportEdited(gw: Gateway, params: { issue: IssueSummary; previousBody: string | null; editor: { login: string } }): Promise<boolean> {
  const { issue, previousBody } = params;
  const before = previousBody === null ? null : readDriftReport(gw, issue, previousBody);
  const current = readDriftReport(gw, issue);
  if (!before && !current) return false;
  const who = quietLogin(params.editor.login);
  if (before?.status === "verified" && previousBody !== null) {
    if (previousBody === issue.body) return true;
    const changes = describeOtherChanges(previousBody, issue.body);
    await updateIssue(gw, issue.number, { body: previousBody });
    await createComment(gw, issue.number, `${who} changed ${changes.length > 0 ? changes.join(" and ") : "this report"}: the change was undone. The report is Pipeline Guard's record; to accept an item, comment \`/pipeline-guard accept ID REASON\`.`);
    return true;
  }
  if (current?.status === "verified") {
    await createComment(gw, issue.number, `${who} changed this report's text. Its record is intact; the next scan (or \`/pipeline-guard rescan\`) writes the report again from what it finds.`);
    return true;
  }
  gw.log.warn({ issue: issue.number }, "an edited drift report has no version whose block verifies: the next scan rebuilds it and reports the tampering");
  return true;
}
