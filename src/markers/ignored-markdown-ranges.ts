import { classifyMarkdownLine } from "./classify-markdown-line.js";
import { BacktickRuns } from "./backtick-runs.js";
import { RangeList } from "./range-list.js";

const LF = 0x0a;
const BACKTICK = 0x60;

/**
 * The parts of a PR body (markdown) where markers do not count, because PR templates explain the
 * markers there, as a flat `[start, end, …]` list: fenced code blocks (an unclosed one runs to the
 * end), inline code spans, HTML comments (an unclosed one runs to the end) and `>` block quote
 * lines.
 */
export function ignoredMarkdownRanges(text: string): Int32Array {
  return new MarkdownScan(text).run();
}

/**
 * One forward pass: each line is classified at most twice, and code spans are matched within
 * their paragraph from a table of its backtick runs, so hostile bodies stay linear.
 */
class MarkdownScan {
  private readonly n: number;
  private readonly ranges: RangeList;
  private readonly runs = new BacktickRuns();
  /** Where scanning goes on. */
  private pos = 0;
  /** True when `pos` is inside a line, after a comment that ended there. */
  private midLine = false;
  private fence: { char: number; length: number } | undefined;
  // Scanning only moves forward, so one cached search for "<!--" (or a backtick) serves every
  // paragraph; a search per paragraph would be quadratic on a body with many paragraphs.
  private nextComment = -2;
  private nextBacktick = -2;
  // The line a paragraph's look-ahead stopped at is the next one the main loop reads.
  private lineFrom = -1;
  private lineTo = -1;

  constructor(private readonly text: string) {
    this.n = text.length;
    this.ranges = new RangeList(text);
  }

  run(): Int32Array {
    const { text, n } = this;
    while (this.pos < n) {
      const pos = this.pos;
      const end = this.lineEnd(pos);
      if (end === pos && !this.midLine) {
        this.pos = end + 1; // an empty line: nothing to hide, and it cannot open or close anything
        continue;
      }
      if (this.midLine) {
        // The rest of a line after a comment is text; it is not at the start of a line.
        this.scanInline(pos, this.paragraphEnd(end));
        continue;
      }
      const line = classifyMarkdownLine(text, pos, end);
      if (this.fence !== undefined) {
        const fence = this.fence;
        if (line.kind === "fence" && line.bare && line.char === fence.char && line.length >= fence.length) this.fence = undefined;
        this.ranges.add(pos, end);
        this.pos = end + 1;
        continue;
      }
      switch (line.kind) {
        case "fence":
          this.fence = line;
          this.ranges.add(pos, end);
          this.pos = end + 1;
          break;
        case "quote":
          this.ranges.add(pos, end);
          this.pos = end + 1;
          break;
        case "blank":
          this.pos = end + 1;
          break;
        case "heading":
          this.scanInline(pos, end);
          break;
        default:
          this.scanInline(pos, this.paragraphEnd(end));
      }
    }
    return this.ranges.toArray();
  }

  private lineEnd(from: number): number {
    if (this.text.charCodeAt(from) === LF) return from;
    if (from !== this.lineFrom) {
      const newline = this.text.indexOf("\n", from);
      this.lineFrom = from;
      this.lineTo = newline === -1 ? this.n : newline;
    }
    return this.lineTo;
  }

  /** A paragraph goes on over plain text lines; code spans cannot cross its end. */
  private paragraphEnd(firstLineEnd: number): number {
    let end = firstLineEnd;
    while (end < this.n) {
      if (this.text.charCodeAt(end + 1) === LF) break; // an empty line
      const nextEnd = this.lineEnd(end + 1);
      if (classifyMarkdownLine(this.text, end + 1, nextEnd).kind !== "text") break;
      end = nextEnd;
    }
    return end;
  }

  private commentAtOrAfter(from: number): number {
    if (this.nextComment !== -1 && this.nextComment < from) this.nextComment = this.text.indexOf("<!--", from);
    return this.nextComment;
  }

  private backtickAtOrAfter(from: number): number {
    if (this.nextBacktick !== -1 && this.nextBacktick < from) this.nextBacktick = this.text.indexOf("`", from);
    return this.nextBacktick;
  }

  /**
   * Whether `text[firstRun, end)` holds at most one backtick run, so no code span: most
   * paragraphs, answered without listing runs. (The text read is read again only if not.)
   */
  private atMostOneRun(firstRun: number, end: number): boolean {
    const text = this.text;
    let i = firstRun + 1;
    while (i < end && text.charCodeAt(i) === BACKTICK) i++;
    while (i < end && text.charCodeAt(i) !== BACKTICK) i++;
    return i >= end;
  }

  /** Code spans and HTML comments in `text[start, end)`, left to right: whichever opens first wins. */
  private scanInline(start: number, end: number): void {
    const comment = this.commentAtOrAfter(start);
    const backtick = this.backtickAtOrAfter(start);
    const firstRun = backtick === -1 || backtick > end ? end : backtick;
    if ((comment === -1 || comment >= end) && this.atMostOneRun(firstRun, end)) {
      this.pos = end + 1;
      this.midLine = false;
      return;
    }
    const { count, pos, length, closer } = this.runs.scan(this.text, firstRun, end);
    let p = start;
    let r = 0;
    for (;;) {
      while (r < count && (pos[r] ?? end) < p) r++;
      const run = r < count ? (pos[r] ?? end) : -1;
      const comment = this.commentAtOrAfter(p);
      if (comment !== -1 && comment < end && (run === -1 || comment < run)) {
        // "<!-->" and "<!--->" are complete comments, hence the search from comment + 2.
        const close = this.text.indexOf("-->", comment + 2);
        const stop = close === -1 ? this.n : close + 3;
        this.ranges.add(comment, stop);
        if (stop > end) {
          this.pos = stop;
          this.midLine = stop < this.n;
          return;
        }
        p = stop;
        continue;
      }
      if (run === -1) {
        this.pos = end + 1;
        this.midLine = false;
        return;
      }
      const close = closer[r] ?? -1;
      if (close === -1) {
        p = run + (length[r] ?? 1);
        continue;
      }
      p = (pos[close] ?? end) + (length[close] ?? 1);
      this.ranges.add(run, p);
    }
  }
}
