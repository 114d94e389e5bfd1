import type { FollowUpBox } from "./record.js";
import { mention } from "../markdown/escape-markdown.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/** What each follow-up box asks for (SPEC section 5). */
export function followUpItemText(item: FollowUpBox, ctx: { author: string | null; sha: string; retestWorkflow: string }): string {
  switch (item) {
    case "retest":
      return ctx.retestWorkflow
        ? `**Retest**: the full test suite (${inlineLiteral(ctx.retestWorkflow)}) passed on the merge commit ${ctx.sha.slice(0, 7)}; Pipeline Guard ticks this when the run succeeds`
        : `**Retest**: the full test suite passed on the merge commit ${ctx.sha.slice(0, 7)}`;
    case "postmortem":
      return "**Postmortem**: a postmortem is linked in this issue";
    case "review":
      return `**Review**: someone other than ${mention(ctx.author)} reviewed the change after the fact`;
    case "approval":
      return `**Second approval**: someone allowed by \`overrides.approval.by\`, other than ${mention(ctx.author)}, approves this direct push, which could not be approved beforehand (it was an override without approval)`;
  }
}
