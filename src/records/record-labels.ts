import type { Gateway } from "../github/gateway.js";
import { addLabels, type LabelSpec } from "../github/labels.js";
import { createComment, type IssueSummary } from "../github/issues.js";
import { quietLogin } from "../markdown/escape-markdown.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/**
 * A label the record must carry, removed by someone else, is put back (SPEC section 10, rule 3).
 * The app never finds its records by label, so nothing is lost in between; the label is for people.
 */
export async function putBackRecordLabel(
  gw: Gateway,
  params: { issue: IssueSummary; removed: string; expected: readonly LabelSpec[]; by: string },
): Promise<boolean> {
  const spec = params.expected.find((label) => label.name.toLowerCase() === params.removed.toLowerCase());
  if (!spec) return false;
  await addLabels(gw, params.issue.number, [spec]);
  await createComment(gw, params.issue.number, `${quietLogin(params.by)} removed the label ${inlineLiteral(spec.name)}: Pipeline Guard keeps its records' labels, and put it back.`);
  return true;
}
