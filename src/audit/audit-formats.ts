import { escapeInlineText } from "../markdown/escape-markdown.js";
import { renderIncident } from "../overrides/find-incident.js";
import type { AuditRow } from "./audit-row.js";

export const AUDIT_FORMATS = ["csv", "json", "md"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The CSV's columns, in order: one per field of a row. */
const CSV_COLUMNS: ReadonlyArray<[header: string, value: (row: AuditRow) => string]> = [
  ["when", (r) => r.when],
  ["repository", (r) => r.repository],
  ["kind", (r) => r.kind],
  ["pr", (r) => (r.pr === null ? "" : String(r.pr))],
  ["sha", (r) => r.sha],
  ["who", (r) => r.who],
  ["markers", (r) => r.markers.join(";")],
  ["justification", (r) => r.justification ?? ""],
  ["follow_up", (r) => r.followUp],
  ["boxes", (r) => r.boxes],
  ["closed_by", (r) => r.closedBy ?? ""],
  ["closed_at", (r) => r.closedAt ?? ""],
  ["title", (r) => r.title],
  ["issue_url", (r) => r.issueUrl],
  // Added last, so that a sheet that reads the columns by position keeps reading them.
  ["record", (r) => r.record],
  ["incident", (r) => r.incident ?? ""],
  ["incident_url", (r) => r.incidentUrl ?? ""],
  ["waived_by", (r) => r.waivedBy ?? ""],
  ["waiver_reason", (r) => r.waiverReason ?? ""],
  ["escalated_at", (r) => r.escalatedAt ?? ""],
];

/** RFC 4180: a field holding a comma, a double quote, CR or LF is quoted, its quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;
/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a
 * justification such as `=HYPERLINK(…)` is written with a leading `'`, as OWASP advises.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A header row, then one record per row, separated by CRLF (RFC 4180). Like the other formats it
 * has no final line break (RFC 4180 allows either): the caller prints it as lines.
 */
export function toCsv(rows: readonly AuditRow[]): string {
  const lines = [CSV_COLUMNS.map(([header]) => header), ...rows.map((row) => CSV_COLUMNS.map(([, value]) => csvField(value(row))))];
  return lines.map((fields) => fields.join(",")).join("\r\n");
}

export function toJson(rows: readonly AuditRow[]): string {
  return JSON.stringify(rows, null, 2);
}

const MD_HEADERS = ["When (UTC)", "Repository", "Kind", "Change", "Who", "Markers", "Justification", "Follow-up", "Closed by", "Issue", "Record", "Incident"];
/** A justification in a table cell is cut here; the CSV and JSON carry it whole. */
const MD_JUSTIFICATION_LENGTH = 200;

function mdIssueLink(url: string, title: string): string {
  const number = /\/issues\/(\d+)$/.exec(url)?.[1];
  // Only a plain https URL goes into the link target; anything else is shown as escaped text.
  return number && /^https:\/\/[^\s()<>]+$/.test(url) ? `[#${number}](${url})` : escapeInlineText(title);
}

/** A markdown table; every cell escaped, so no text from an issue can break a cell or mention anyone. */
export function toMarkdown(rows: readonly AuditRow[]): string {
  if (rows.length === 0) return "_No overrides or bypasses in this period._";
  const lines = [`| ${MD_HEADERS.join(" | ")} |`, `|${MD_HEADERS.map(() => " --- |").join("")}`];
  for (const row of rows) {
    const change = [row.pr === null ? "" : `#${row.pr}`, row.sha.slice(0, 7)].filter(Boolean).join(" ");
    const followUp = row.followUp === "n/a" ? "n/a" : `${row.followUp} (${row.boxes})`;
    const cells = [
      escapeInlineText(row.when.slice(0, 16).replace("T", " ")),
      escapeInlineText(row.repository),
      row.kind,
      escapeInlineText(change),
      row.who ? escapeInlineText(`@${row.who}`) : "",
      escapeInlineText(row.markers.join(", ")),
      row.justification === null ? "" : escapeInlineText(row.justification, MD_JUSTIFICATION_LENGTH),
      followUp,
      row.closedBy ? escapeInlineText(`@${row.closedBy}`) : "",
      mdIssueLink(row.issueUrl, row.title),
      row.record === "tampered" ? "**tampered**" : "verified",
      row.incident === null ? "" : renderIncident({ id: row.incident, url: row.incidentUrl }),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

export function renderAudit(rows: readonly AuditRow[], format: AuditFormat): string {
  switch (format) {
    case "csv":
      return toCsv(rows);
    case "json":
      return toJson(rows);
    case "md":
      return toMarkdown(rows);
  }
}
