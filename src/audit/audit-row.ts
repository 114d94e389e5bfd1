import { z } from "zod";
import { APP_LABELS } from "../github/labels.js";
import { parseChecklist } from "../follow-ups/checklist.js";
import { unescapeInline } from "../markdown/escape-markdown.js";
import { readStateBlock } from "../markdown/hidden-block.js";

/** One override or bypass, as the auditor's ledger lists it (SPEC section 8a). */
export interface AuditRow {
  /** When it happened (the merge or push), ISO 8601. */
  when: string;
  /** `owner/name`. */
  repository: string;
  kind: "override" | "bypass";
  pr: number | null;
  sha: string;
  /** The override's author, or the bypass's actor. */
  who: string;
  markers: string[];
  justification: string | null;
  /** A bypass has no follow-up: `n/a`. */
  followUp: "open" | "done" | "closed-incomplete" | "n/a";
  /** Ticked boxes of the follow-up's checklist, e.g. `2/3`; `n/a` for a bypass. */
  boxes: string;
  closedBy: string | null;
  closedAt: string | null;
  /** The issue's title: a follow-up's markers and PR title, a bypass's kind and branch. */
  title: string;
  issueUrl: string;
}

/** The fields of a GitHub issue the ledger reads (`GET /repos/{o}/{r}/issues[/{n}]`). */
export interface AuditIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  created_at: string;
  closed_at?: string | null;
  labels: Array<string | { name?: string | null }>;
  user?: { login?: string; type?: string } | null;
  /** Only `GET` of one issue says who closed it; the listing does not. */
  closed_by?: { login?: string } | null;
  pull_request?: unknown;
}

const FOLLOW_UP_KEY = /<!-- pipeline-guard:follow-up (?:pr=(\d+)|sha=([0-9a-f]{7,64})) -->/;
const BYPASS_KEY = /<!-- pipeline-guard:bypass sha=([0-9a-f]{7,64}) -->/;
/** `- **At:** 2026-11-20 10:00 UTC`, as the renderers write times. */
const timeLine = (label: string) => new RegExp(`^- \\*\\*${label}:\\*\\* (\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}) UTC`, "m");
const field = (label: string, value: string) => new RegExp(`^- \\*\\*${label}:\\*\\* ${value}`, "m");

/** The follow-up's state block, read leniently: a hand-edited block loses only the fields it broke. */
const followUpState = z.object({
  author: z.string().optional().catch(undefined),
  markers: z.array(z.string()).optional().catch(undefined),
  sha: z.string().optional().catch(undefined),
  pr: z.number().int().optional().catch(undefined),
});

/**
 * One of the app's issues as a ledger row, or null for anything else: an issue without the
 * app's follow-up or bypass label, one a person opened (only a bot's issue counts, so a person
 * cannot plant a row), one without the hidden key, or a pull request.
 */
export function auditRowOf(issue: AuditIssue, repository: string): AuditRow | null {
  if (issue.pull_request || issue.user?.type !== "Bot") return null;
  const labels = issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
  const body = issue.body ?? "";
  const common = {
    repository,
    closedBy: issue.closed_by?.login ?? null,
    closedAt: issue.state === "closed" ? (issue.closed_at ?? null) : null,
    title: issue.title,
    issueUrl: issue.html_url,
  };
  if (labels.includes(APP_LABELS.followUp.name)) {
    const key = FOLLOW_UP_KEY.exec(body);
    return key ? { ...common, ...followUpFields(issue, body, key) } : null;
  }
  if (labels.includes(APP_LABELS.bypass.name)) {
    const key = BYPASS_KEY.exec(body);
    return key ? { ...common, ...bypassFields(issue, body, key[1] ?? "") } : null;
  }
  return null;
}

/** What a follow-up and a bypass each read their own way. */
type OwnFields = Omit<AuditRow, "repository" | "closedBy" | "closedAt" | "title" | "issueUrl">;

function followUpFields(issue: AuditIssue, body: string, key: RegExpExecArray): OwnFields {
  const parsed = followUpState.safeParse(readStateBlock(body) ?? {});
  const state = parsed.success ? parsed.data : {};
  const keyPr = key[1] === undefined ? null : Number(key[1]);
  const checklist = Object.values(parseChecklist(body));
  const ticked = checklist.filter(Boolean).length;
  return {
    when: timeOf(body, "At") ?? iso(issue.created_at),
    kind: "override",
    pr: state.pr ?? keyPr,
    sha: state.sha ?? key[2] ?? field("Change", ".*commit ([0-9a-f]{40})").exec(body)?.[1] ?? "",
    who: state.author ?? field("Author", "@(\\S+)").exec(body)?.[1] ?? "",
    markers: state.markers ?? markersOfTitle(issue.title),
    justification: justificationOf(body),
    followUp: issue.state !== "closed" ? "open" : ticked === checklist.length ? "done" : "closed-incomplete",
    boxes: `${ticked}/${checklist.length}`,
  };
}

/** The bypass's state block (render-bypass-issue.ts), read leniently; older issues have none and are read from their text. */
const bypassState = z.object({
  actor: z.string().optional().catch(undefined),
  sha: z.string().optional().catch(undefined),
  at: z.string().optional().catch(undefined),
  pr: z.number().int().optional().catch(undefined),
});

function bypassFields(issue: AuditIssue, body: string, keySha: string): OwnFields {
  const parsed = bypassState.safeParse(readStateBlock(body) ?? {});
  const state = parsed.success ? parsed.data : {};
  const pr = state.pr ?? field("Pull request", "#(\\d+)").exec(body)?.[1];
  return {
    when: state.at ? iso(state.at) : (timeOf(body, "When") ?? iso(issue.created_at)),
    kind: "bypass",
    pr: pr === undefined ? null : Number(pr),
    sha: state.sha ?? field("Commit", "([0-9a-f]{7,64})").exec(body)?.[1] ?? keySha,
    who: state.actor ?? field("Who", "@(\\S+)").exec(body)?.[1] ?? "",
    markers: [],
    justification: null,
    followUp: "n/a",
    boxes: "n/a",
  };
}

function iso(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? time : date.toISOString();
}

function timeOf(body: string, label: string): string | null {
  const match = timeLine(label).exec(body);
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}:00Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `Follow-up: skip-tests, emergency-deploy in #12 …`: the names, for a follow-up whose state block is gone. */
function markersOfTitle(title: string): string[] {
  const names = /^Follow-up: (.+?) in /.exec(title)?.[1];
  return names ? names.split(", ").filter(Boolean) : [];
}

const JUSTIFICATION_HEADING = "**Justification:**";

/**
 * The block quote under `**Justification:**`, as the author wrote it: the escaping that made it
 * safe to show (src/render/escape-markdown.ts) is undone, since the ledger is data, and each
 * format escapes for itself. `_none was given_` is null.
 */
export function justificationOf(body: string): string | null {
  const lines = body.split(/\r?\n/);
  const start = lines.indexOf(JUSTIFICATION_HEADING);
  if (start < 0) return null;
  const quoted: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(">")) break;
    quoted.push(unescapeInline(line.replace(/^> ?/, "")));
  }
  const text = quoted.join("\n").trim();
  return text === "" ? null : text;
}
