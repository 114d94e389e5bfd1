import { blankRanges } from "./blank-ranges.js";
import { ignoredMarkdownRanges } from "./ignored-markdown-ranges.js";

/**
 * A PR body with the parts where markers do not count blanked out (fenced code, inline code,
 * HTML comments, `>` quote lines), keeping the rest at the same offsets.
 */
export function stripIgnoredMarkdown(text: string): string {
  return blankRanges(text, ignoredMarkdownRanges(text));
}
