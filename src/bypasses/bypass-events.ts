import type { Gateway } from "../github/gateway.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { quietLogin } from "../markdown/escape-markdown.js";
import { describeOtherChanges } from "../records/record-edits.js";
import { readBypass, saveBypass } from "./record.js";

/**
 * `issues.edited` of a bypass issue by anyone but the app (SPEC section 10, rule 2): the body is
 * rendered again from the last state the app signed, and a comment says who changed what.
 * Returns whether the issue was a bypass record.
 */
export async function onBypassEdited(gw: Gateway, params: { issue: IssueSummary; previousBody: string | null; editor: { login: string } }): Promise<boolean> {
  const { issue } = params;
  const before = params.previousBody === null ? null : readBypass(gw, issue, params.previousBody);
  const current = readBypass(gw, issue);
  if (!before && !current) return false;
  const state = before?.status === "verified" ? before.state : current?.status === "verified" ? current.state : null;
  if (!state) {
    gw.log.warn({ issue: issue.number }, "an edited bypass record has no version whose block verifies: nothing to restore; the next scan reports it");
    return true;
  }
  const original = issue.body;
  const restored = await saveBypass(gw, { issue, state });
  if (restored === original) return true;
  const changes = describeOtherChanges(restored, original);
  await createComment(
    gw,
    issue.number,
    `${quietLogin(params.editor.login)} changed ${changes.length > 0 ? changes.join(" and ") : "this record"} of this bypass record: the change was undone. Pipeline Guard keeps this record as it was written; discuss it in a comment.`,
  );
  return true;
}
