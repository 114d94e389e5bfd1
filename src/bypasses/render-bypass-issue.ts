import { escapeInlineText, mention } from "../markdown/escape-markdown.js";
import { stateBlock } from "../markdown/hidden-block.js";

export type BypassKind = "direct push" | "force push" | "branch deleted" | "merged with failing checks" | "ruleset bypass";

export interface BypassRecord {
  kind: BypassKind;
  branch: string;
  /** The commit that reached the branch (for a deletion, the last commit it had). */
  sha: string;
  actor: string;
  at: Date;
  before?: string;
  after?: string;
  pr?: { number: number; title: string };
  /** Lines that say what was skipped, e.g. each failing required check. */
  details: readonly string[];
  commits?: ReadonlyArray<{ sha: string; message: string }>;
}

const MAX_COMMITS_LISTED = 20;
/** Commits remembered in the state block, so that the scan knows which ones a report covers. */
const MAX_COMMITS_REMEMBERED = 250;

/** What the app remembers about a bypass, for the scan and the audit ledger. */
export interface BypassState {
  kind: "bypass";
  bypass: BypassKind;
  actor: string;
  branch: string;
  sha: string;
  at: string;
  pr?: number;
  commits: string[];
}

export function bypassKey(record: Pick<BypassRecord, "sha">): string {
  return `sha=${record.sha}`;
}

const FIX: Record<BypassKind, string> = {
  "direct push": "Open a pull request for the change after the fact (or revert it), so that it is reviewed and tested, and keep direct pushes to the pipeline.",
  "force push": "Check that no reviewed commit was lost between the before and after SHAs; restore it through a pull request if one was.",
  "branch deleted": "Restore the branch from the before SHA and re-apply its protection.",
  "merged with failing checks": "Fix the failing checks on the production branch through a pull request, and review why they were overridden.",
  "ruleset bypass": "Review the change through a pull request after the fact, and check who holds ruleset bypass permission.",
};

export function renderBypassIssue(record: BypassRecord): { key: string; title: string; body: string } {
  const title = `Bypass: ${record.kind} on ${record.branch} (${record.sha.slice(0, 7)})`;
  const lines = [
    `A change reached the production branch \`${record.branch}\` outside a reviewed, green pull request: **${record.kind}**.`,
    "",
    `- **Who:** ${mention(record.actor)}`,
    `- **When:** ${record.at.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- **Commit:** ${record.sha}`,
  ];
  if (record.before) lines.push(`- **Before:** ${record.before}`);
  if (record.after) lines.push(`- **After:** ${record.after}`);
  if (record.pr) lines.push(`- **Pull request:** #${record.pr.number} (${escapeInlineText(record.pr.title, 150)})`);
  if (record.details.length > 0) lines.push("", ...record.details.map((d) => `- ${d}`));
  if (record.commits && record.commits.length > 0) {
    lines.push("", "**Commits:**");
    for (const commit of record.commits.slice(0, MAX_COMMITS_LISTED)) {
      lines.push(`- ${commit.sha.slice(0, 7)} ${escapeInlineText(commit.message.split("\n")[0] ?? "", 120)}`);
    }
    if (record.commits.length > MAX_COMMITS_LISTED) lines.push(`- …and ${record.commits.length - MAX_COMMITS_LISTED} more`);
  }
  const state: BypassState = {
    kind: "bypass",
    bypass: record.kind,
    actor: record.actor,
    branch: record.branch,
    sha: record.sha,
    at: record.at.toISOString(),
    ...(record.pr ? { pr: record.pr.number } : {}),
    commits: (record.commits ?? []).slice(0, MAX_COMMITS_REMEMBERED).map((c) => c.sha),
  };
  lines.push("", `**What to do:** ${FIX[record.kind]}`, "", "Close this issue once it has been reviewed.", stateBlock(state));
  return { key: bypassKey(record), title, body: lines.join("\n") };
}
