const LF = 0x0a;
const CR = 0x0d;

/**
 * Ignored ranges of a text, in order and apart, as a flat list: `[start0, end0, start1, end1, …]`
 * with each `end` exclusive. Kept in a typed array: hostile input makes hundreds of thousands of
 * ranges. A range that follows the last one with nothing or only a line break between is merged
 * into it, so a long fenced block or quote is one range, not one per line.
 */
export class RangeList {
  private flat = new Int32Array(64);
  private size = 0;
  private lastEnd = -1;

  constructor(private readonly text: string) {}

  /** Adds `[start, end)`; ranges must come in order, and the part of one before the last end is dropped. */
  add(start: number, end: number): void {
    const lastEnd = this.lastEnd;
    const from = start > lastEnd ? start : lastEnd;
    if (end <= from) return;
    this.lastEnd = end;
    if (from - lastEnd <= 2 && lastEnd >= 0 && this.onlyLineBreak(lastEnd, from)) {
      this.flat[this.size - 1] = end;
      return;
    }
    if (this.size === this.flat.length) {
      const bigger = new Int32Array(this.flat.length * 2);
      bigger.set(this.flat);
      this.flat = bigger;
    }
    this.flat[this.size] = from;
    this.flat[this.size + 1] = end;
    this.size += 2;
  }

  toArray(): Int32Array {
    return this.flat.subarray(0, this.size);
  }

  private onlyLineBreak(from: number, to: number): boolean {
    const gap = to - from;
    if (gap === 0) return true;
    const first = this.text.charCodeAt(from);
    if (gap === 1) return first === LF;
    return first === CR && this.text.charCodeAt(from + 1) === LF;
  }
}
