import { escapeInlineText, quietLogin } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { hiddenKey } from "../markdown/hidden-block.js";
import { compareDriftItems, DRIFT_KINDS, type DriftItem, type DriftKind } from "./drift-item.js";
import type { AcceptedDriftItem, Acceptance, DriftState } from "./drift-state.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/** SPEC section 5: the repository's one drift report, found again by its signed block (src/drift/record.ts). */
export const DRIFT_REPORT_KEY = hiddenKey("drift", "drift");

/** GitHub refuses an issue body longer than this ("body is too long (maximum is 65536 characters)"). */
export const GITHUB_ISSUE_BODY_LIMIT = 65536;

/** A comment names at most this many items; the report holds them all. */
const MAX_ITEMS_NAMED = 50;
const MAX_CONFIG_ERRORS = 20;

const HEADINGS: Record<DriftKind, string> = {
  record: "Records tampered with",
  protection: "Protection",
  deployment: "Deployments",
  terraform: "Infrastructure (Terraform)",
  scan: "Scan problems",
};

export interface DriftReportParams {
  owner: string;
  repo: string;
  open: readonly DriftItem[];
  accepted: readonly AcceptedDriftItem[];
  state: DriftState;
  /** The report's signed record block for `state` (src/drift/record.ts): always written whole. */
  block: string;
  /** Only stands in for an item's first-seen time when the state lacks it; never rendered as a "scanned at" time. */
  now: Date;
  /** Key paths and messages of an invalid `.github/pipeline-guard.yml` (SPEC section 2). */
  configErrors?: readonly string[];
}

const minuteUtc = formatUtcMinute;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function untilText(acceptance: Acceptance): string {
  if (acceptance.until === null) return "with no end date";
  return /^\d{4}-\d{2}-\d{2}$/.test(acceptance.until) ? `until ${acceptance.until} (inclusive)` : `until ${minuteUtc(acceptance.until)}`;
}

type Detail = "full" | "compact";

function itemLines(item: DriftItem, firstSeen: string, detail: Detail): string[] {
  const lines = [`- **${item.title}**`, `  - ID: ${inlineLiteral(item.id, 300)} · first seen ${minuteUtc(firstSeen)}`];
  if (detail === "full") {
    for (const line of item.details) lines.push(`  - ${line}`);
    lines.push(`  - How to fix: ${item.fix}`);
  }
  return lines;
}

function acceptedLines(item: AcceptedDriftItem, firstSeen: string): string[] {
  const { acceptance } = item;
  return [
    `- **${item.title}**`,
    `  - ID: ${inlineLiteral(item.id, 300)} · first seen ${minuteUtc(firstSeen)}`,
    `  - Accepted by ${quietLogin(acceptance.by)} on ${minuteUtc(acceptance.at)}, ${untilText(acceptance)}: ${escapeInlineText(acceptance.reason) || "(no reason given)"}`,
  ];
}

function summaryLine(params: { owner: string; repo: string; open: readonly DriftItem[]; accepted: number }): string {
  const where = inlineLiteral(`${params.owner}/${params.repo}`);
  const acceptedText = params.accepted > 0 ? ` ${plural(params.accepted, "accepted item")} listed apart.` : "";
  if (params.open.length === 0) {
    return params.accepted > 0 ? `No open drift in ${where}.${acceptedText}` : `No open drift in ${where}: production matches what Git says.`;
  }
  const byKind = DRIFT_KINDS.map((kind) => [kind, params.open.filter((item) => item.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${HEADINGS[kind]}: ${count}`)
    .join(", ");
  return `**${plural(params.open.length, "open drift item")}** in ${where} (${byKind}).${acceptedText}`;
}

function render(params: DriftReportParams, detail: Detail, openShown: number): string {
  const { owner, repo, state, now, configErrors = [] } = params;
  const open = [...params.open].sort(compareDriftItems);
  const accepted = [...params.accepted].sort(compareDriftItems);
  const firstSeen = (id: string) => (Object.hasOwn(state.items, id) ? state.items[id]?.firstSeen : undefined) ?? now.toISOString();

  const lines = [DRIFT_REPORT_KEY, summaryLine({ owner, repo, open, accepted: accepted.length }), ""];
  lines.push(
    "Pipeline Guard compares production with what Git says: branch protection, deployments and Terraform. Each item says how to fix it through the pipeline.",
    "Commands (in a comment here): `/pipeline-guard rescan`, `/pipeline-guard accept ID [until YYYY-MM-DD] REASON`.",
  );
  if (configErrors.length > 0) {
    lines.push("", "## Configuration errors", "", "`.github/pipeline-guard.yml` is invalid, so the defaults apply until it is fixed:");
    for (const error of configErrors.slice(0, MAX_CONFIG_ERRORS)) lines.push(`- ${escapeInlineText(error)}`);
    if (configErrors.length > MAX_CONFIG_ERRORS) lines.push(`- …and ${configErrors.length - MAX_CONFIG_ERRORS} more`);
  }
  if (detail === "compact") {
    lines.push("", "_Details and fixes are left out: the full report would pass GitHub's size limit for an issue body._");
  }
  const shown = open.slice(0, openShown);
  for (const kind of DRIFT_KINDS) {
    const ofKind = shown.filter((item) => item.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push("", `## ${HEADINGS[kind]}`, "");
    for (const item of ofKind) lines.push(...itemLines(item, firstSeen(item.id), detail));
  }
  if (shown.length < open.length) lines.push("", `…and ${plural(open.length - shown.length, "more open item")}, left out to stay within GitHub's size limit.`);
  if (accepted.length > 0) {
    lines.push("", "## Accepted", "", "Accepted drift is not open; it comes back when its acceptance runs out.", "");
    for (const item of accepted) lines.push(...acceptedLines(item, firstSeen(item.id)));
  }
  lines.push("", params.block);
  return lines.join("\n");
}

/**
 * The body of the drift report. Deterministic: the same items and state give the same text, and
 * no "scanned at" time is written, so that a scan which found nothing new changes nothing (and
 * writes nothing). Past GitHub's size limit, details are dropped first, then items; the state
 * block is always whole, or the next scan would lose first-seen times.
 */
export function renderDriftReport(params: DriftReportParams): string {
  const full = render(params, "full", params.open.length);
  if (full.length <= GITHUB_ISSUE_BODY_LIMIT) return full;
  let shown = params.open.length;
  let compact = render(params, "compact", shown);
  while (compact.length > GITHUB_ISSUE_BODY_LIMIT && shown > 0) {
    shown -= 1;
    compact = render(params, "compact", shown);
  }
  return compact;
}

function namedItems(intro: string, items: readonly DriftItem[]): string {
  const sorted = [...items].sort(compareDriftItems);
  const lines = [intro, ""];
  for (const item of sorted.slice(0, MAX_ITEMS_NAMED)) lines.push(`- ${item.title} (${inlineLiteral(item.id, 300)})`);
  if (sorted.length > MAX_ITEMS_NAMED) lines.push(`- …and ${sorted.length - MAX_ITEMS_NAMED} more`);
  lines.push("", "The report above says how to fix each through the pipeline.");
  return lines.join("\n");
}

/** The comment made when a scan finds drift that was not open before: it names only those items. */
export function renderNewItemsComment(newItems: readonly DriftItem[]): string {
  return namedItems(`New drift found (${plural(newItems.length, "item")}):`, newItems);
}

/** The comment made when the report is reopened: drift is back, or was still there when it was closed. */
export function renderReopenComment(items: readonly DriftItem[]): string {
  return namedItems(`Reopened: production has drifted from Git again (${plural(items.length, "item")}):`, items);
}

const CONFIG_ERRORS_REOPEN_COMMENT = "Reopened: `.github/pipeline-guard.yml` is invalid, so the defaults apply; the report lists the errors.";

export function renderAllClearComment(accepted = 0): string {
  if (accepted > 0) {
    return `No open drift is left; ${plural(accepted, "accepted item")} stay listed in the report until they are fixed or their acceptance ends. Closing this report; it is reopened if drift comes back.`;
  }
  return "No drift is left: production matches what Git says. Closing this report; it is reopened if drift comes back.";
}

export type ReportUpdate =
  | { action: "none" }
  | { action: "create"; body: string; comment?: string }
  | { action: "update"; body: string; comment?: string }
  | { action: "close"; body: string; comment: string }
  | { action: "reopen-update"; body: string; comment: string };

/**
 * What to do with the report issue after a scan; pure, so the shell only applies it.
 * - No issue: created when something needs attention (open drift or configuration errors);
 *   accepted items alone do not make one.
 * - Needs attention, issue open: the body is rewritten only when it changed; a comment names
 *   new items only (a rewritten body notifies nobody).
 * - Needs attention, issue closed: reopened, whether the drift came back or someone closed the
 *   report while it was still there; the comment names the new items, or all open ones if none
 *   is new.
 * - Nothing needs attention, issue open: closed with an all-clear comment and the body updated.
 *   Issue closed: its body is kept current (accepted items, resolved items) without reopening.
 */
export function planReportUpdate(
  params: DriftReportParams & { existing: { body: string; state: "open" | "closed" } | null; newItems: readonly DriftItem[] },
): ReportUpdate {
  const { existing, newItems, open } = params;
  const needsAttention = open.length > 0 || (params.configErrors?.length ?? 0) > 0;
  const body = renderDriftReport(params);
  if (!existing) return needsAttention ? { action: "create", body } : { action: "none" };
  if (existing.state === "closed") {
    if (needsAttention) {
      const named = newItems.length > 0 ? newItems : open;
      return { action: "reopen-update", body, comment: named.length > 0 ? renderReopenComment(named) : CONFIG_ERRORS_REOPEN_COMMENT };
    }
    return existing.body === body ? { action: "none" } : { action: "update", body };
  }
  if (!needsAttention) return { action: "close", body, comment: renderAllClearComment(params.accepted.length) };
  if (existing.body === body) return { action: "none" };
  return newItems.length > 0 ? { action: "update", body, comment: renderNewItemsComment(newItems) } : { action: "update", body };
}
