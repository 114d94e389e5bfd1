const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;
// Small enough to pass as the arguments of one String.fromCharCode call.
const CHUNK = 8192;

/**
 * A copy of `text` with the ranges (a flat `[start, end, …]` list) blanked: their characters
 * become spaces except line feeds and the CR of a CRLF, so offsets and line numbers still match
 * the original. The text on either side of a blank is never glued into a marker: a quote or
 * fence range is whole lines, and a code span or comment is at least three characters long, so
 * its blank holds a line break or two spaces in a row, which no marker holds.
 */
export function blankRanges(text: string, ranges: ArrayLike<number>): string {
  if (ranges.length === 0) return text;
  // One buffer of UTF-16 code units keeps this linear however many ranges there are.
  const units = new Uint16Array(text.length);
  for (let i = 0; i < units.length; i++) units[i] = text.charCodeAt(i);
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const end = ranges[r + 1] ?? 0;
    for (let i = ranges[r] ?? end; i < end && i < units.length; i++) {
      const unit = units[i];
      if (unit === LF || (unit === CR && units[i + 1] === LF)) continue;
      units[i] = SPACE;
    }
  }
  const parts: string[] = [];
  for (let at = 0; at < units.length; at += CHUNK) {
    parts.push(String.fromCharCode(...units.subarray(at, at + CHUNK)));
  }
  return parts.join("");
}
