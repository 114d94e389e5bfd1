import type { Config, FollowUpItem } from "../config/schema.js";
import type { FollowUpState } from "./decide-follow-up.js";
import { itemTag } from "./checklist.js";
import { escapeInlineText, mention, quoteBlock } from "../markdown/escape-markdown.js";
import { followUpItemText } from "./follow-up-item-text.js";
import { stateBlock } from "../markdown/hidden-block.js";

/** What an override was, whichever road it took (a merged PR or a direct push). */
export interface OverrideRecord {
  /** The PR, when the override came through one. */
  pr?: { number: number; title: string };
  /** The merge commit, or the pushed commit. */
  sha: string;
  branch: string;
  markers: readonly string[];
  labels: readonly string[];
  items: readonly FollowUpItem[];
  author: string;
  /** Who merged the PR, or who pushed. */
  merger: string;
  at: Date;
  justification: string | null;
  /** Unmet requirements at merge: the follow-up says the override went through anyway. */
  unmet: readonly string[];
  /** Every commit of a direct push (the head is `sha`). */
  commits?: readonly string[];
}

export interface FollowUpIssueSpec {
  key: string;
  title: string;
  body: string;
  assignees: string[];
  labels: string[];
}

/** GitHub allows ten assignees on an issue. */
const MAX_ASSIGNEES = 10;
const MAX_TITLE_LENGTH = 200;
/** Commits of a direct push remembered in the state block, for the scan's look-back. */
const MAX_COMMITS_REMEMBERED = 250;

export function followUpKey(record: Pick<OverrideRecord, "pr" | "sha">): string {
  return record.pr ? `pr=${record.pr.number}` : `sha=${record.sha}`;
}

function resolveAssignees(record: OverrideRecord, assignees: readonly string[]): string[] {
  const logins = assignees.map((a) => (a === "author" ? record.author : a === "merger" ? record.merger : a));
  const seen = new Set<string>();
  return logins
    .filter((login) => login && !login.endsWith("[bot]"))
    .filter((login) => !seen.has(login.toLowerCase()) && seen.add(login.toLowerCase()))
    .slice(0, MAX_ASSIGNEES);
}

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function renderFollowUpIssue(record: OverrideRecord, config: Pick<Config, "follow_up">): FollowUpIssueSpec {
  const due = new Date(record.at.getTime() + config.follow_up.due_hours * 3_600_000);
  const where = record.pr ? `#${record.pr.number} ${record.pr.title}` : record.sha.slice(0, 7);
  const title = `Follow-up: ${record.markers.join(", ")} in ${where}`.slice(0, MAX_TITLE_LENGTH);
  const state: FollowUpState = {
    kind: "follow-up",
    author: record.author,
    markers: [...record.markers],
    sha: record.sha,
    ...(record.pr ? { pr: record.pr.number } : {}),
    dueAt: due.toISOString(),
    ...(record.commits && record.commits.length > 1 ? { commits: record.commits.slice(0, MAX_COMMITS_REMEMBERED) } : {}),
  };
  const road = record.pr ? `pull request #${record.pr.number}, merged by ${mention(record.merger)}` : `a direct push by ${mention(record.merger)}`;
  const items = record.items.length > 0 ? record.items : [];
  const lines = [
    `An emergency override reached \`${record.branch}\` through ${road}: ${record.markers.map((m) => `\`${m}\``).join(", ")}.`,
    "",
    `- **Change:** ${record.pr ? `#${record.pr.number} (${escapeInlineText(record.pr.title, 150)}), ` : ""}commit ${record.sha}`,
    `- **Author:** ${mention(record.author)}`,
    `- **At:** ${formatTime(record.at)}`,
    `- **Due:** ${formatTime(due)} (${config.follow_up.due_hours} h after the change)`,
    "",
    "**Justification:**",
    record.justification ? quoteBlock(record.justification) : "_none was given_",
  ];
  if (record.unmet.length > 0) {
    lines.push("", "**Requirements that were not met at merge:**", ...record.unmet.map((u) => `- ${u}`));
  }
  lines.push("", "### Checklist");
  if (items.length === 0) lines.push("_The markers ask for no follow-up work; this issue records the override._");
  for (const item of items) {
    lines.push(`- [ ] ${followUpItemText(item, { author: record.author, sha: record.sha, retestWorkflow: config.follow_up.retest_workflow })} ${itemTag(item)}`);
  }
  lines.push(
    "",
    "Pipeline Guard closes this issue when every box is ticked. Closed with a box unticked, it is reopened, unless a maintainer closes it as *not planned*.",
    stateBlock(state),
  );
  return {
    key: followUpKey(record),
    title,
    body: lines.join("\n"),
    assignees: resolveAssignees(record, config.follow_up.assignees),
    labels: [...record.labels],
  };
}
