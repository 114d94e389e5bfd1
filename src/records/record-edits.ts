import { RECORD_BLOCK_OPEN } from "./signed-block.js";

/** A checklist box on a line of ours: `- [x] …`, `* [ ] …`. */
const BOX = /^(\s*[-*+]\s+\[)[ xX](\]\s)/;

function blockLine(lines: readonly string[]): string | undefined {
  return lines.find((line) => line.includes(RECORD_BLOCK_OPEN));
}

/**
 * What an edit of a record's body changed besides checklist boxes, in words for the comment that
 * names who changed it: "its text" (lines added, removed or reworded) and "its hidden record
 * block". Box marks are compared apart (they are a follow-up's input), so they are left out here.
 */
export function describeOtherChanges(before: string, after: string): string[] {
  const split = (body: string) => body.replace(/\r\n?/g, "\n").split("\n");
  const a = split(before);
  const b = split(after);
  const changes: string[] = [];
  const text = (lines: readonly string[]) => lines.filter((line) => !line.includes(RECORD_BLOCK_OPEN)).map((line) => line.replace(BOX, "$1?$2"));
  const [ta, tb] = [text(a), text(b)];
  if (ta.length !== tb.length || ta.some((line, i) => line !== tb[i])) changes.push("its text");
  if (blockLine(a) !== blockLine(b)) changes.push("its hidden record block");
  return changes;
}
