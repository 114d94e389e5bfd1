/**
 * What a markdown line is, as far as hiding markers needs to know. `start` marks a line that
 * begins a new paragraph-like block (list item, thematic break, setext underline, HTML comment);
 * `heading` is a block of one line. Code spans never cross the boundary such lines make.
 */
export interface MarkdownLine {
  kind: "blank" | "quote" | "heading" | "start" | "text" | "fence";
  /** For a fence: its character code, how many of them, and whether nothing follows them (as a
   * closing fence needs). Every line has these fields, so that reading `kind` stays monomorphic. */
  char: number;
  length: number;
  bare: boolean;
}

const TAB = 0x09;
const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const CLOSE_PAREN = 0x29;
const STAR = 0x2a;
const PLUS = 0x2b;
const DASH = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;
const UNDERSCORE = 0x5f;
const BACKTICK = 0x60;
const TILDE = 0x7e;

const BLANK: MarkdownLine = { kind: "blank", char: 0, length: 0, bare: false };
const QUOTE: MarkdownLine = { kind: "quote", char: 0, length: 0, bare: false };
const HEADING: MarkdownLine = { kind: "heading", char: 0, length: 0, bare: false };
const START: MarkdownLine = { kind: "start", char: 0, length: 0, bare: false };
const TEXT: MarkdownLine = { kind: "text", char: 0, length: 0, bare: false };

function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB || code === CR;
}

/** Whether `text[from, end)` is whitespace only. */
function isBlankTail(text: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (!isWhitespace(text.charCodeAt(i))) return false;
  return true;
}

function runEnd(text: string, from: number, end: number, code: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) === code) i++;
  return i;
}

/** `---`, `* * *`, `___`: three or more of one character, spaces allowed between. */
function isThematicBreak(text: string, from: number, end: number, code: number): boolean {
  let count = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === code) count++;
    else if (!isWhitespace(c)) return false;
  }
  return count >= 3;
}

// The characters a line other than plain text can start with; most lines start otherwise and
// are answered at once (hostile bodies are a million such lines).
const SPECIAL_START = new Uint8Array(0x80);
for (const c of " \t\r>`~#-*+_=<0123456789") SPECIAL_START[c.charCodeAt(0)] = 1;

/** Classifies `text[start, end)`, one line without its line break. */
export function classifyMarkdownLine(text: string, start: number, end: number): MarkdownLine {
  const first = text.charCodeAt(start);
  if (start < end && (first >= 0x80 || SPECIAL_START[first] === 0)) return TEXT;
  let i = start;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  if (isBlankTail(text, i, end)) return BLANK;
  // Four columns of indentation (or a tab) make an indented code line or a continuation line.
  if (i - start > 3 || text.charCodeAt(i) === TAB) return TEXT;

  const c = text.charCodeAt(i);
  const next = i + 1 < end ? text.charCodeAt(i + 1) : SPACE;
  switch (c) {
    case GT:
      return QUOTE;
    case BACKTICK:
    case TILDE: {
      const after = runEnd(text, i, end, c);
      if (after - i < 3) return TEXT;
      // A backtick fence's info string cannot hold a backtick (it would be inline code).
      if (c === BACKTICK) {
        for (let k = after; k < end; k++) if (text.charCodeAt(k) === BACKTICK) return TEXT;
      }
      return { kind: "fence", char: c, length: after - i, bare: isBlankTail(text, after, end) };
    }
    case HASH: {
      const after = runEnd(text, i, end, HASH);
      if (after - i > 6) return TEXT;
      return after === end || isWhitespace(text.charCodeAt(after)) ? HEADING : TEXT;
    }
    case DASH:
    case STAR:
    case PLUS:
      if (isWhitespace(next)) return START;
      if (c === PLUS) return TEXT;
      if (isThematicBreak(text, i, end, c)) return START;
      // A setext underline of any length ends the paragraph above it.
      return c === DASH && isBlankTail(text, runEnd(text, i, end, DASH), end) ? START : TEXT;
    case UNDERSCORE:
      return isThematicBreak(text, i, end, c) ? START : TEXT;
    case EQUALS:
      return isBlankTail(text, runEnd(text, i, end, EQUALS), end) ? START : TEXT;
    case LT:
      return text.startsWith("<!--", i) ? START : TEXT;
    default: {
      if (c < ZERO || c > NINE) return TEXT;
      let k = i;
      while (k < end && k - i < 10 && text.charCodeAt(k) >= ZERO && text.charCodeAt(k) <= NINE) k++;
      if (k - i > 9 || k >= end) return TEXT;
      const delimiter = text.charCodeAt(k);
      if (delimiter !== DOT && delimiter !== CLOSE_PAREN) return TEXT;
      return k + 1 === end || isWhitespace(text.charCodeAt(k + 1)) ? START : TEXT;
    }
  }
}
