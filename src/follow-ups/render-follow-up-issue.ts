import { escapeInlineText, mention, quietLogin, quoteBlock } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { hiddenKey } from "../markdown/hidden-block.js";
import { renderIncident } from "../overrides/find-incident.js";
import { itemTag } from "./checklist.js";
import { followUpItemText } from "./follow-up-item-text.js";
import { replaceItemId, replaceItemText } from "./checklist-ids.js";
import type { FollowUpState } from "./record.js";

const MAX_TITLE_LENGTH = 200;

export function followUpTitle(state: Pick<FollowUpState, "markers" | "pr" | "sha">): string {
  const where = state.pr ? `#${state.pr.number} ${state.pr.title}` : state.sha.slice(0, 7);
  return `Follow-up: ${state.markers.join(", ")} in ${where}`.slice(0, MAX_TITLE_LENGTH);
}

/**
 * The follow-up's body, from its state alone: the same state is the same text, so that an edit
 * is undone by rendering again and an unchanged record costs no write. Every quoted text (titles,
 * branch names, logins, the justification) is escaped: it cannot mention, link or break markup.
 */
export function renderFollowUpBody(state: FollowUpState, params: { key: string; block: string }): string {
  const road = state.pr ? `pull request #${state.pr.number}, merged by ${mention(state.merger)}` : `a direct push by ${mention(state.merger)}`;
  const lines = [
    hiddenKey("follow-up", params.key),
    `An emergency override reached ${inlineLiteral(state.branch)} through ${road}: ${state.markers.map((m) => inlineLiteral(m)).join(", ")}.`,
    "",
    `- **Change:** ${state.pr ? `#${state.pr.number} (${escapeInlineText(state.pr.title, 150)}), ` : ""}commit ${state.sha}`,
    `- **Author:** ${mention(state.author)}`,
    `- **At:** ${formatUtcMinute(state.at)}`,
    `- **Due:** ${formatUtcMinute(state.dueAt)} (${state.dueHours} h after the change)`,
    ...(state.escalatedAt ? [`- **Escalated:** ${formatUtcMinute(state.escalatedAt)}`] : []),
    ...(state.waiver
      ? [`- **Waived:** by ${quietLogin(state.waiver.by)} on ${formatUtcMinute(state.waiver.at)}: ${escapeInlineText(state.waiver.reason, 500)}`]
      : []),
    "",
    ...(state.incident ? [`- **Incident:** ${renderIncident(state.incident)}`, ""] : []),
    "**Justification:**",
    state.justification ? quoteBlock(state.justification) : "_none was given_",
  ];
  if (state.unmet.length > 0) {
    lines.push("", "**Requirements that were not met at merge:**", ...state.unmet.map((u) => `- ${escapeInlineText(u, 500)}`));
  }
  lines.push("", "### Checklist");
  if (state.items.length === 0 && !state.replace) lines.push("_The markers ask for no follow-up work; this issue records the override._");
  for (const item of state.items) {
    const tick = state.ticks[item];
    const by = tick ? ` (ticked by ${quietLogin(tick.by)} on ${formatUtcMinute(tick.at)})` : "";
    lines.push(`- [${tick ? "x" : " "}] ${followUpItemText(item, { author: state.author, sha: state.sha, retestWorkflow: state.retestWorkflow })}${by} ${itemTag(item)}`);
  }
  (state.replace ?? []).forEach((address, index) => {
    const id = replaceItemId(index);
    const tick = state.ticks[id];
    const by = tick ? ` (ticked by ${quietLogin(tick.by)} on ${formatUtcMinute(tick.at)})` : "";
    lines.push(`- [${tick ? "x" : " "}] ${replaceItemText(address)}${by} ${itemTag(id)}`);
  });
  lines.push(
    "",
    "Tick each box when its work is done: Pipeline Guard records who ticked it and closes this issue when every box is ticked. Closed with a box unticked, it is reopened, unless a maintainer closes it as *not planned*. Other edits of this issue's text are undone.",
    params.block,
  );
  return lines.join("\n");
}
