/**
 * Text from commits and PRs is quoted in our comments and issues. Escaped here so that it
 * cannot @-mention anyone (a zero-width space after `@` breaks the mention), cannot open
 * HTML or markdown constructs, and cannot break out of a table cell or a line.
 */
const ZERO_WIDTH_SPACE = "\u200b";
/** Quoted text longer than this is cut: a 1 MB commit subject must not become a 1 MB comment. */
export const MAX_QUOTED_LENGTH = 300;

const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+!|~=^$]/g;

function escapeInline(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(MARKDOWN_PUNCTUATION, "\\$&")
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`);
}

/**
 * The text as it was written, from one escaped line: the inverse of the escaping above, kept
 * next to it so the two change together. The audit ledger reads quoted text back as data.
 */
export function unescapeInline(text: string): string {
  return text
    .replaceAll(`@${ZERO_WIDTH_SPACE}`, "@")
    .replaceAll(`:${ZERO_WIDTH_SPACE}//`, "://")
    .replace(/\\([\\`*_{}[\]()#+!|~=^$])/g, "$1")
    .replace(/&(amp|lt|gt);/g, (_all, name: string) => ({ amp: "&", lt: "<", gt: ">" })[name as "amp" | "lt" | "gt"]);
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** One line of quoted text, safe inside a sentence or a table cell. */
export function escapeInlineText(text: string, maxLength = MAX_QUOTED_LENGTH): string {
  return escapeInline(truncate(text, maxLength).replace(/[\r\n\t]+/g, " ").trim());
}

/**
 * Several lines of quoted text as a markdown block quote, each line escaped. A lone CR ends a
 * line in markdown too, so it is split on like LF and CRLF: no line escapes the quote.
 */
export function quoteBlock(text: string, maxLength = 2000): string {
  return truncate(text.trim(), maxLength)
    .split(/\r\n|\r|\n/)
    .map((line) => `> ${escapeInline(line)}`)
    .join("\n");
}

/** A login shown without notifying its owner (used where we name people who did not ask to be pinged). */
export function quietLogin(login: string): string {
  return `\`${login.replace(/`/g, "")}\``;
}

const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/** How a person is named when no GitHub login is known (a missed webhook, a commit without an account). */
export const UNKNOWN_AUTHOR = "an unknown author";

/**
 * A GitHub login as a mention, for the people a report is about. No login (null or empty) is
 * "an unknown author", never a mention; anything that is not a login (a git author name) is shown
 * as escaped text and notifies nobody.
 */
export function mention(login: string | null | undefined): string {
  if (!login) return UNKNOWN_AUTHOR;
  return GITHUB_LOGIN.test(login) ? `@${login}` : escapeInlineText(login, 100);
}
