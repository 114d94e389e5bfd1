import { BacktickRuns } from "./backtick-runs.js";
import { RangeList } from "./range-list.js";

/**
 * The inline code spans of a one-paragraph text such as a PR title, as a flat
 * `[start, end, …]` list. A backtick run with no closing run of the same length is literal text.
 */
export function inlineCodeRanges(text: string): Int32Array {
  const ranges = new RangeList(text);
  const first = text.indexOf("`");
  if (first === -1) return ranges.toArray();
  const { count, pos, length, closer } = new BacktickRuns().scan(text, first, text.length);
  for (let r = 0; r < count; ) {
    const close = closer[r] ?? -1;
    if (close === -1) {
      r++;
      continue;
    }
    ranges.add(pos[r] ?? 0, (pos[close] ?? 0) + (length[close] ?? 0));
    r = close + 1;
  }
  return ranges.toArray();
}
