import { escapeInlineText, mention } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { hiddenKey } from "../markdown/hidden-block.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { MAX_COMMITS_LISTED, type BypassKind, type BypassState } from "./record.js";

const FIX: Record<BypassKind, string> = {
  "direct push": "Open a pull request for the change after the fact (or revert it), so that it is reviewed and tested, and keep direct pushes to the pipeline.",
  "force push": "Check that no reviewed commit was lost between the before and after SHAs; restore it through a pull request if one was.",
  "branch deleted": "Restore the branch from the before SHA and re-apply its protection.",
  "merged with failing checks": "Fix the failing checks on the production branch through a pull request, and review why they were overridden.",
  "ruleset bypass": "Review the change through a pull request after the fact, and check who holds ruleset bypass permission.",
};

export function bypassTitle(state: Pick<BypassState, "bypass" | "branch" | "sha">): string {
  return `Bypass: ${state.bypass} on ${state.branch} (${state.sha.slice(0, 7)})`;
}

/**
 * The bypass's body, from its state alone. Quoted text (the branch, the PR title, commit
 * subjects) is escaped: a branch may legally be named ``release/x`@acme/security-team``.
 */
export function renderBypassBody(state: BypassState, params: { key: string; block: string }): string {
  const lines = [
    hiddenKey("bypass", params.key),
    `A change reached the production branch ${inlineLiteral(state.branch)} outside a reviewed, green pull request: **${state.bypass}**.`,
    "",
    `- **Who:** ${mention(state.actor)}`,
    `- **When:** ${formatUtcMinute(state.at)}`,
    `- **Commit:** ${state.sha}`,
  ];
  if (state.before) lines.push(`- **Before:** ${state.before}`);
  if (state.after) lines.push(`- **After:** ${state.after}`);
  if (state.pr) lines.push(`- **Pull request:** #${state.pr.number} (${escapeInlineText(state.pr.title, 150)})`);
  if (state.details.length > 0) lines.push("", ...state.details.map((d) => `- ${d}`));
  if (state.subjects.length > 0) {
    lines.push("", "**Commits:**");
    for (const commit of state.subjects) lines.push(`- ${commit.sha.slice(0, 7)} ${escapeInlineText(commit.subject, 120)}`);
    if (state.commitCount > MAX_COMMITS_LISTED) lines.push(`- …and ${state.commitCount - MAX_COMMITS_LISTED} more`);
  }
  lines.push("", `**What to do:** ${FIX[state.bypass]}`, "", "Close this issue once it has been reviewed. Edits of its text are undone.", params.block);
  return lines.join("\n");
}
