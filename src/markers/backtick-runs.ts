const BACKTICK = 0x60;
// Up to this many runs, closers are found by a plain search: cheaper than the table below for
// the tiny paragraphs hostile input can hold hundreds of thousands of.
const SMALL = 8;
// Run lengths up to this are linked through a typed table, longer ones (rare) through a Map.
const TABLE = 1024;

/**
 * The backtick runs of one paragraph, each linked to the run that would close a code span it
 * opens: CommonMark closes a span opened by N backticks at the next run of exactly N. Linking up
 * front keeps code-span matching linear; a forward search from every unmatched opener would be
 * quadratic on input like "` `` ``` ````".
 *
 * Hostile input has hundreds of thousands of runs, so they live in typed arrays that are reused
 * from paragraph to paragraph. Run `r` (`r < count`) starts at `pos[r]`, is `length[r]` backticks
 * long, and `closer[r]` is the index of the next run of the same length, or -1.
 */
export class BacktickRuns {
  count = 0;
  pos = new Int32Array(64);
  length = new Int32Array(64);
  closer = new Int32Array(64);
  private readonly lastOfLength = new Int32Array(TABLE + 1);

  /** Lists the runs in `text[start, end)`, replacing the previous ones. */
  scan(text: string, start: number, end: number): this {
    let count = 0;
    let longest = 0;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) !== BACKTICK) continue;
      let j = i + 1;
      while (j < end && text.charCodeAt(j) === BACKTICK) j++;
      if (count === this.pos.length) this.grow();
      this.pos[count] = i;
      this.length[count] = j - i;
      if (j - i > longest) longest = j - i;
      count++;
      i = j;
    }
    this.count = count;
    if (count <= SMALL) this.linkFew(count);
    else this.linkMany(count, longest);
    return this;
  }

  private linkFew(count: number): void {
    const { length, closer } = this;
    for (let r = 0; r < count; r++) {
      let match = -1;
      for (let s = r + 1; s < count; s++) {
        if (length[s] === length[r]) {
          match = s;
          break;
        }
      }
      closer[r] = match;
    }
  }

  private linkMany(count: number, longest: number): void {
    const { length, closer } = this;
    const last = this.lastOfLength;
    last.fill(-1, 0, (longest < TABLE ? longest : TABLE) + 1);
    const lastLong = longest > TABLE ? new Map<number, number>() : undefined;
    for (let r = count - 1; r >= 0; r--) {
      const runLength = length[r] ?? 0;
      if (runLength <= TABLE) {
        closer[r] = last[runLength] ?? -1;
        last[runLength] = r;
      } else {
        closer[r] = lastLong?.get(runLength) ?? -1;
        lastLong?.set(runLength, r);
      }
    }
  }

  private grow(): void {
    const size = this.pos.length * 2;
    const pos = new Int32Array(size);
    const length = new Int32Array(size);
    pos.set(this.pos);
    length.set(this.length);
    this.pos = pos;
    this.length = length;
    this.closer = new Int32Array(size);
  }
}
