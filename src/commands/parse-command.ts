/**
 * `/pipeline-guard …` comment commands (SPEC section 8). Only the first line of a comment counts,
 * and only when it starts with the command: a command quoted (`>`) or shown in a code block is
 * never run.
 */
export const COMMAND_PREFIX = "/pipeline-guard";
/** The first line is cut here: a 1 MB comment is not read past it. */
const MAX_COMMAND_LINE = 1000;

export type Command =
  | { name: "help" }
  | { name: "rescan" }
  | { name: "recheck" }
  | { name: "replace"; address: string }
  | { name: "accept"; id: string; until: string | null; reason: string }
  | { name: "waive"; reason: string };

export type ParsedCommand = { ok: true; command: Command } | { ok: false; error: string };

const NAME = "[A-Za-z_][A-Za-z0-9_-]*";
/** Index keys: digits, or a quoted string without quotes, backslashes, `$`, backticks or other shell metacharacters. */
const INDEX = '\\[(?:[0-9]+|"[A-Za-z0-9 _.:/@+=,-]*")\\]';
const RESOURCE_ADDRESS = new RegExp(`^(?:module\\.${NAME}(?:${INDEX})?\\.)*(?:data\\.)?${NAME}\\.${NAME}(?:${INDEX})?$`);
const MAX_ADDRESS_LENGTH = 300;

/**
 * A Terraform resource address, such as `aws_instance.prod_db`, `module.db.aws_instance.this[0]` or
 * `aws_s3_bucket.b["logs"]`. Anything else is refused: the address reaches a shell in the apply
 * workflow, so quotes, `$`, backticks, semicolons and newlines never pass.
 */
export function isResourceAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && RESOURCE_ADDRESS.test(address);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * The drift item id: one word, or quoted (ids of Terraform for_each keys may hold spaces). Within
 * double quotes, `\"` and `\\` stand for `"` and `\`, so that `"terraform:aws_s3_bucket.b[\"my key\"]"`
 * names the id `terraform:aws_s3_bucket.b["my key"]`.
 */
function takeId(rest: string): { id: string; after: string } | null {
  const quote = rest[0];
  if (quote === '"') {
    const match = /^"((?:[^"\\]|\\.)+)"/.exec(rest);
    if (!match?.[1]) return null;
    return { id: match[1].replace(/\\(.)/g, "$1"), after: rest.slice(match[0].length).trim() };
  }
  if (quote === "'" || quote === "`") {
    const end = rest.indexOf(quote, 1);
    if (end <= 1) return null;
    return { id: rest.slice(1, end), after: rest.slice(end + 1).trim() };
  }
  const [id = "", ...tail] = rest.split(/\s+/);
  return id ? { id, after: tail.join(" ") } : null;
}

function parseAccept(rest: string): ParsedCommand {
  const usage = "usage: /pipeline-guard accept ID [until YYYY-MM-DD] REASON";
  const taken = takeId(rest);
  if (!taken) return { ok: false, error: `accept needs the id of a drift item; ${usage}` };
  let reason = taken.after;
  let until: string | null = null;
  const untilMatch = /^until\s+(\S+)\s*(.*)$/i.exec(reason);
  if (untilMatch) {
    until = untilMatch[1] ?? "";
    if (!isCalendarDate(until)) return { ok: false, error: `"${until}" is not a date of the form YYYY-MM-DD; ${usage}` };
    reason = untilMatch[2] ?? "";
  }
  if (reason.trim() === "") return { ok: false, error: `accept needs a reason; ${usage}` };
  return { ok: true, command: { name: "accept", id: taken.id, until, reason: reason.trim() } };
}

/** null when the comment holds no command (no API call is made for it). */
export function parseCommand(body: string | null | undefined): ParsedCommand | null {
  const head = (body ?? "").slice(0, MAX_COMMAND_LINE + 2);
  const rawLine = head.split(/\r?\n/, 1)[0] ?? "";
  // Four spaces or a tab of indentation make the line an indented code block: shown, not run.
  if (/^(?: {0,3}\t| {4})/.test(rawLine)) return null;
  const firstLine = rawLine.trim();
  if (!firstLine.toLowerCase().startsWith(COMMAND_PREFIX)) return null;
  const after = firstLine.slice(COMMAND_PREFIX.length);
  if (after !== "" && !/^\s/.test(after)) return null; // `/pipeline-guardian` is someone else's
  // A line cut short would run a different command (a reason or an address cut), so it is refused.
  if (rawLine.replace(/\r$/, "").length > MAX_COMMAND_LINE) return { ok: false, error: `the command line is longer than ${MAX_COMMAND_LINE} characters` };
  const [word = "", ...restWords] = after.trim().split(/\s+/);
  const rest = after.trim().slice(word.length).trim();
  switch (word.toLowerCase()) {
    case "":
    case "help":
      return { ok: true, command: { name: "help" } };
    case "rescan":
      return { ok: true, command: { name: "rescan" } };
    case "recheck":
      return { ok: true, command: { name: "recheck" } };
    case "replace": {
      const address = restWords.length === 1 ? rest : "";
      if (!isResourceAddress(address)) {
        return { ok: false, error: "replace needs one Terraform resource address, such as `aws_instance.prod_db` or `module.db.aws_instance.this[0]`" };
      }
      return { ok: true, command: { name: "replace", address } };
    }
    case "accept":
      return parseAccept(rest);
    case "waive":
      if (rest === "") return { ok: false, error: "waive needs a reason: the record keeps why the follow-up was not done; usage: /pipeline-guard waive REASON" };
      return { ok: true, command: { name: "waive", reason: rest } };
    default:
      return { ok: false, error: `unknown command "${word.slice(0, 40)}"` };
  }
}

export const COMMAND_HELP = [
  "**Pipeline Guard commands** (first line of a comment; for people allowed by `commands.allowed`):",
  "- `/pipeline-guard rescan`: run the drift scan of this repository now",
  "- `/pipeline-guard recheck`: on a pull request, evaluate it again",
  "- `/pipeline-guard replace ADDRESS`: rebuild a Terraform resource through `commands.apply_workflow` (input `replace`)",
  "- `/pipeline-guard accept ID [until YYYY-MM-DD] REASON`: accept a drift item of the report, until a date",
  "- `/pipeline-guard waive REASON`: on a follow-up issue, close it as not planned, with the reason on the record (an accepted risk)",
  "- `/pipeline-guard help`: this list",
].join("\n");
