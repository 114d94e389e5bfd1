import { blankRanges } from "./blank-ranges.js";
import { inlineCodeRanges } from "./inline-code-ranges.js";

/**
 * Blanks inline code spans, as in a PR title: authors quote a marker in backticks to talk about
 * it, not to use it. Offsets are kept.
 */
export function stripInlineCode(text: string): string {
  return blankRanges(text, inlineCodeRanges(text));
}
