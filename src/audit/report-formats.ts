import { escapeInlineText } from "../markdown/escape-markdown.js";
import type { Report, ReportRow } from "./report-figures.js";

export const REPORT_FORMATS = ["md", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const SPARKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/** `▁▁▃█…`: each twelfth of the period scaled to the busiest one; an empty period is flat. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? SPARKS[0] : SPARKS[Math.round((v / max) * (SPARKS.length - 1))])).join("");
}

const hours = (value: number | null) => (value === null ? "–" : `${value} h`);
const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

const HEADERS = [
  "Overrides (vs previous)",
  "Trend",
  "Bypasses by kind",
  "Follow-ups on time / late / open past due / waived / closed without reason / not yet due",
  "Median merge → done",
  "Median override → green retest",
  "Production merges that were overrides",
];

function cells(row: ReportRow): string[] {
  const f = row.followUps;
  const bypasses = Object.entries(row.bypasses).map(([kind, n]) => `${escapeInlineText(kind)} ${n}`).join(", ") || "–";
  const merges = row.productionMerges;
  const share =
    merges === null ? "–" : merges.share === null ? `${merges.overrides} of 0` : `${Math.round(merges.share * 100)}% (${merges.overrides} of ${merges.merges})`;
  return [
    `${row.overrides.count} (${signed(row.overrides.change)} vs ${row.overrides.previous})`,
    sparkline(row.trend),
    bypasses,
    `${f.onTime} / ${f.late} / ${f.openPastDue} / ${f.waived} / ${f.closedWithoutReason} / ${f.notYetDue}`,
    hours(row.medianHoursMergeToDone),
    hours(row.medianHoursOverrideToGreenRetest),
    share,
  ];
}

function table(title: string, first: string, rows: readonly ReportRow[]): string {
  const lines = [`## ${title}`, ""];
  if (rows.length === 0) return [...lines, "_Nothing in this period._"].join("\n");
  lines.push(`| ${first} | ${HEADERS.join(" | ")} |`, `|${[first, ...HEADERS].map(() => " --- |").join("")}`);
  for (const row of rows) lines.push(`| ${escapeInlineText(row.name)} | ${cells(row).join(" | ")} |`);
  return lines.join("\n");
}

/** Markdown: one table per section, a sparkline per row; every name escaped (it cannot mention or break a cell). */
export function reportToMarkdown(report: Report): string {
  const parts = [
    `# Pipeline Guard report: ${report.period.since.slice(0, 10)} to ${report.period.until.slice(0, 10)}`,
    `Compared with the previous period of the same length (from ${report.period.previousSince.slice(0, 10)}). Trend: overrides in each twelfth of the period.`,
    table("By repository", "Repository", report.byRepository),
    table("By team of the author", "Team", report.byTeam),
    table("By marker", "Marker", report.byMarker),
  ];
  if (report.notes.length > 0) parts.push(report.notes.map((n) => `_Note: ${escapeInlineText(n)}_`).join("\n"));
  return parts.join("\n\n");
}

/** JSON for dashboards: the figures as computed, keys in a fixed order, rows sorted by name. */
export function reportToJson(report: Report): string {
  return JSON.stringify(report, null, 2);
}

export function renderReport(report: Report, format: ReportFormat): string {
  return format === "md" ? reportToMarkdown(report) : reportToJson(report);
}
