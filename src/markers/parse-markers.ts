import { ignoredMarkdownRanges } from "./ignored-markdown-ranges.js";
import { inlineCodeRanges } from "./inline-code-ranges.js";
import { MarkerNameTrie, type TrieNode } from "./marker-name-trie.js";
import { normalizeMarkerName } from "./normalize-marker-name.js";
import { revertSubjectRanges } from "./revert-subject-ranges.js";

export { normalizeMarkerName };

/** A marker as configured: its canonical name and the other words that count as it. */
export interface MarkerDefinition {
  name: string;
  aliases: readonly string[];
}

/** Where the text comes from; each source hides markers in different places. */
export type MarkerSource = "title" | "body" | "commit";

/** One occurrence of a marker. */
export interface MarkerMatch {
  /** Canonical name from the definitions. */
  name: string;
  /** Exactly as written, with brackets, e.g. "[Skip_CI]". */
  written: string;
}

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** Where markers do not count in a text from `source`, as a flat `[start, end, …]` list. */
function ignoredRanges(text: string, source: MarkerSource): Int32Array {
  switch (source) {
    case "body":
      return ignoredMarkdownRanges(text);
    case "title":
      return inlineCodeRanges(text);
    case "commit":
      // A commit message is not markdown: backticks, `>` and comments in it are plain text.
      return revertSubjectRanges(text);
  }
}

/**
 * The markers in a commit message, PR title or PR body: one match per canonical name, with the
 * first occurrence's spelling, in order of first appearance. Unknown bracketed words are ignored.
 */
export function parseMarkers(
  text: string | null | undefined,
  definitions: readonly MarkerDefinition[],
  source: MarkerSource,
): MarkerMatch[] {
  if (!text || definitions.length === 0) return [];
  const trie = new MarkerNameTrie(definitions);
  const ignored = ignoredRanges(text, source);
  const found = new Map<string, string>();
  const n = text.length;

  // Each `[` looks ahead at most `trie.longest` characters, mostly far fewer, and scanning goes
  // on where the look-ahead stopped: every character is read a bounded number of times, so the
  // scan is linear on hostile input. (Comparisons rather than Math.min: under jest, whose
  // sandbox wraps the globals, each Math call costs hundreds of nanoseconds.)
  const codes = MarkerNameTrie.codes;
  let r = 0;
  let open = text.indexOf("[");
  while (open !== -1 && found.size < trie.names) {
    // In "[[[[", only the last `[` can open a marker; "[]" opens none.
    while (text.charCodeAt(open + 1) === OPEN) open++;
    if (text.charCodeAt(open + 1) === CLOSE) {
      open = text.indexOf("[", open + 2);
      continue;
    }
    while (r < ignored.length && (ignored[r + 1] ?? n) <= open) r += 2;
    const ignoredFrom = r < ignored.length ? (ignored[r] ?? n) : n;
    if (ignoredFrom <= open) {
      open = text.indexOf("[", ignored[r + 1] ?? n);
      continue;
    }
    // A marker ends before the next ignored range: nothing is glued across one.
    const limit = open + trie.longest + 2;
    const stop = limit < ignoredFrom ? limit : ignoredFrom;

    let node: TrieNode = trie.root;
    let ascii = true;
    let afterSpace = true; // a leading space rules the word out, as two spaces in a row do
    let close = -1;
    let i = open + 1;
    for (; i < stop; i++) {
      const unit = text.charCodeAt(i);
      if (unit === CLOSE) {
        if (!afterSpace) close = i; // a trailing space rules it out too, and so does "[]"
        break;
      }
      if (unit === SPACE) {
        if (afterSpace) break;
        afterSpace = true;
      } else {
        afterSpace = false;
      }
      if (unit >= 0x80) {
        ascii = false;
      } else if (ascii) {
        // No word holds `[`, CR or LF, so the walk stops at them by itself; it stops as well
        // where only words of markers already found go on.
        const child = node.next[codes[unit] ?? 0];
        if (child === undefined || child.open === 0) break;
        node = child;
      } else if (unit === OPEN || unit === LF || unit === CR) {
        break;
      }
    }
    if (close !== -1) {
      const name = ascii ? node.name : trie.lookUp(text.slice(open + 1, close));
      if (name !== undefined && !found.has(name)) {
        found.set(name, text.slice(open, close + 1));
        trie.markFound(name);
      }
    }
    // `i` is where the look-ahead stopped: a `[` there starts the next look-ahead.
    open = i < stop && text.charCodeAt(i) === OPEN ? i : text.indexOf("[", i < n ? i : n);
  }
  return [...found].map(([name, written]) => ({ name, written }));
}
