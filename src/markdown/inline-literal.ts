import { escapeInlineText } from "./escape-markdown.js";

/** Branch names, resource addresses and check names shown in the report are cut to this. */
export const MAX_LITERAL_LENGTH = 200;

/**
 * Backticks would end the span; `<` and `>` are kept out of the raw body so that no name can
 * spell our hidden `<!-- pipeline-guard:… -->` blocks (the state is found by its first
 * occurrence); control characters would break the line.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_CODE_SPAN = /[`<>\u0000-\u001f\u007f\u2028\u2029]/;

/**
 * A name from the repository (branch, Terraform address, check, attribute) as inline markdown:
 * a code span when that is safe, so that it reads and copies as typed (inside a code span
 * GitHub renders no markdown, HTML, mention or link); otherwise escaped text.
 */
export function inlineLiteral(text: string, maxLength = MAX_LITERAL_LENGTH): string {
  if (text.length === 0) return "(empty)";
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  if (UNSAFE_IN_CODE_SPAN.test(cut) || cut.trim() !== cut) return escapeInlineText(text, maxLength);
  return `\`${cut}\``;
}
