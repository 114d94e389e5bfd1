import fc from "fast-check";
import { normalizeMarkerName, parseMarkers, type MarkerSource } from "../../src/markers/parse-markers.js";
import { stripIgnoredMarkdown } from "../../src/markers/strip-ignored-markdown.js";
import { stripInlineCode } from "../../src/markers/strip-inline-code.js";
import { stripRevertSubject } from "../../src/markers/strip-revert-subject.js";
import { DEFINITIONS } from "./definitions.js";

const SOURCES: readonly MarkerSource[] = ["title", "body", "commit"];
const RUNS = { numRuns: 300 };

const chars = (alphabet: string) => fc.constantFrom(...alphabet);
/** Text that cannot open or close an ignored region, nor a bracket: the "safe" surroundings. */
const SAFE = 'abcxyz XYZ019 \t.,;:!?#*+-_=()"\'/\\|&%$@éß';
const safeText = (maxLength = 40) => fc.string({ unit: chars(SAFE), maxLength });
const safeLines = (maxLength = 80) => fc.string({ unit: chars(SAFE + "\n"), maxLength });
/** Everything markdown and marker parsing reacts to, to make hostile text. */
const HOSTILE = "ab [] ` ~ < ! - > # \n\r_\t1.\"";
const hostileText = fc.oneof(fc.string({ unit: chars(HOSTILE), maxLength: 200 }), fc.string({ maxLength: 200 }));

/** A marker written with random case and a random `-`, `_` or single space between its words. */
const writtenMarker = fc
  .constantFrom(...DEFINITIONS.flatMap((d) => [d.name, ...d.aliases].map((word) => ({ name: d.name, word }))))
  .chain(({ name, word }) =>
    fc
      .tuple(
        fc.array(fc.constantFrom("-", "_", " "), { minLength: word.length, maxLength: word.length }),
        fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }),
      )
      .map(([separators, upper]) => {
        const chars = [...word].map((c, i) => {
          if (c === "-" || c === "_" || c === " ") return separators[i] ?? c;
          return upper[i] ? c.toUpperCase() : c;
        });
        return { name, written: `[${chars.join("")}]` };
      }),
  );

const found = (text: string, source: MarkerSource): string[] => parseMarkers(text, DEFINITIONS, source).map((m) => m.name);

describe("parseMarkers properties", () => {
  it("finds no marker in any text without `[`", () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom(...SOURCES), (raw, source) => {
        expect(parseMarkers(raw.replaceAll("[", ""), DEFINITIONS, source)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("finds a marker surrounded by safe text, in every source, as written", () => {
    fc.assert(
      fc.property(safeText(), writtenMarker, safeText(), fc.constantFrom(...SOURCES), (prefix, marker, suffix, source) => {
        // A commit line `Revert "…"` is a revert subject, so commit texts get no quotes.
        const clean = (s: string) => (source === "commit" ? s.replaceAll('"', "") : s);
        const text = `${clean(prefix)} ${marker.written} ${clean(suffix)}`;
        expect(parseMarkers(text, DEFINITIONS, source)).toEqual([marker]);
      }),
      RUNS,
    );
  });

  it("finds a marker on its own line among safe lines of a body", () => {
    fc.assert(
      fc.property(safeLines(), writtenMarker, safeLines(), (before, marker, after) => {
        expect(found(`${before}\n${marker.written}\n${after}`, "body")).toEqual([marker.name]);
      }),
      RUNS,
    );
  });

  interface Shape {
    fence: string;
    ticks: string;
    indent: string;
  }
  const hidingPlaces = {
    "a fenced code block": (inner: string, { fence, indent }: Shape) => `\n${indent}${fence}\n${inner}\n${indent}${fence}\n`,
    "an unclosed fenced code block": (inner: string, { fence, indent }: Shape) => `\n${indent}${fence}info\n${inner}`,
    "inline code": (inner: string, { ticks }: Shape) => ` ${ticks}${inner.replaceAll("\n", " ")}${ticks} `,
    "an HTML comment": (inner: string) => `<!--${inner}-->`,
    "an unclosed HTML comment": (inner: string) => `<!--${inner}`,
    "a quote line": (inner: string, { indent }: Shape) => `\n${indent}>${inner.replaceAll("\n", " ")}\n`,
  } as const;
  const shape: fc.Arbitrary<Shape> = fc.record({
    fence: fc.constantFrom("```", "~~~", "````", "~~~~~~"),
    ticks: fc.constantFrom("`", "``", "```"),
    indent: fc.constantFrom("", " ", "  ", "   "),
  });

  it.each(Object.keys(hidingPlaces) as (keyof typeof hidingPlaces)[])("never counts a marker inside %s of a body", (place) => {
    const hide = hidingPlaces[place];
    const unclosed = place.startsWith("an unclosed");
    fc.assert(
      fc.property(
        safeLines(),
        safeLines(30),
        writtenMarker,
        safeLines(30),
        safeLines(),
        shape,
        (before, innerBefore, marker, innerAfter, after, how) => {
          const region = hide(`${innerBefore}${marker.written}${innerAfter}`, how);
          expect(found(before + region + (unclosed ? "" : after), "body")).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it("never counts the subject of a revert commit, nested or not, and counts the rest", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: chars(SAFE + "[]`<>~"), maxLength: 40 }),
        writtenMarker,
        fc.string({ unit: chars(SAFE + "[]`<>~"), maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        safeLines(),
        fc.option(writtenMarker, { nil: undefined }),
        (before, marker, after, depth, body, bodyMarker) => {
          const subject = `${"Revert \"".repeat(depth)}${before}${marker.written}${after}${'"'.repeat(depth)}`;
          const message = `${subject}\n\n${body.replaceAll("[", "")}${bodyMarker ? ` ${bodyMarker.written}` : ""}`;
          expect(found(message, "commit")).toEqual(bodyMarker ? [bodyMarker.name] : []);
        },
      ),
      RUNS,
    );
  });
});

/** The obvious quadratic reading of CommonMark code spans, to check the linear one against. */
function naiveStripInlineCode(text: string): string {
  let out = "";
  let i = 0;
  const runAt = (at: number) => {
    let j = at;
    while (text[j] === "`") j++;
    return j - at;
  };
  while (i < text.length) {
    if (text[i] !== "`") {
      out += text[i];
      i++;
      continue;
    }
    const length = runAt(i);
    let close = -1;
    for (let j = i + length; j < text.length; ) {
      if (text[j] !== "`") {
        j++;
        continue;
      }
      const other = runAt(j);
      if (other === length) {
        close = j;
        break;
      }
      j += other;
    }
    if (close === -1) {
      out += "`".repeat(length);
      i += length;
    } else {
      out += text.slice(i, close + length).replace(/[^\r\n]/g, " ");
      i = close + length;
    }
  }
  return out;
}

/** The obvious reading of the marker rules, with a regular expression, on text that counts. */
function naiveMarkers(text: string): string[] {
  const canonical = new Map<string, string>();
  for (const d of DEFINITIONS) for (const word of [d.name, ...d.aliases]) canonical.set(normalizeMarkerName(word), d.name);
  const found: string[] = [];
  for (const match of text.matchAll(/\[([^[\]\r\n]*)\]/g)) {
    const inner = match[1] ?? "";
    if (inner.startsWith(" ") || inner.endsWith(" ") || inner.includes("  ")) continue;
    const name = canonical.get(normalizeMarkerName(inner));
    if (name !== undefined && !found.includes(name)) found.push(name);
  }
  return found;
}

/** Text made of pieces of markers, brackets and everything markdown reacts to. */
const markerSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom("[", "]", "[skip", "ci]", "[skip ci]", "[Skip_CI]", "[hotfix]", "[HotFix ]", "skip", "-", "_", " ", "  "),
      fc.constantFrom("`", "``", "<!--", "-->", "\n", "\r\n", "> ", "```", "~~~", "    ", "# ", "- ", "1. ", "ß", "İ", "x"),
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(""));

describe("parseMarkers agrees with simpler readings", () => {
  it("finds in a commit message what a regular expression finds", () => {
    fc.assert(
      fc.property(markerSoup, (text) => {
        const message = text.startsWith("Revert") ? `x${text}` : text;
        expect(found(message, "commit")).toEqual(naiveMarkers(message));
      }),
      { numRuns: 1000 },
    );
  });

  it.each<[MarkerSource, (text: string) => string]>([
    ["body", stripIgnoredMarkdown],
    ["title", stripInlineCode],
    ["commit", stripRevertSubject],
  ])("finds in a %s what a regular expression finds in its stripped text", (source, strip) => {
    fc.assert(
      fc.property(markerSoup, (text) => {
        expect(found(text, source)).toEqual(naiveMarkers(strip(text)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("stripping properties", () => {
  it("keeps the length and every line break of the text", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const stripped of [stripIgnoredMarkdown(text), stripInlineCode(text), stripRevertSubject(text)]) {
          expect(stripped).toHaveLength(text.length);
          for (let i = 0; i < text.length; i++) {
            if (stripped[i] !== text[i]) expect(stripped[i]).toBe(" ");
            if (text[i] === "\n" || text.startsWith("\r\n", i)) expect(stripped[i]).toBe(text[i]);
          }
        }
      }),
      RUNS,
    );
  });

  it("matches code spans as a naive CommonMark reading does", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("`", "`", "``", "a", " "), maxLength: 60 }), (text) => {
        expect(stripInlineCode(text)).toBe(naiveStripInlineCode(text));
      }),
      { numRuns: 1000 },
    );
  });

  it("blanks the same code spans in a one-line body paragraph as in a title", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("`", "``", "a", " ", "[skip ci]"), maxLength: 40 }), (text) => {
        const line = `x${text}`;
        expect(stripIgnoredMarkdown(line)).toBe(stripInlineCode(line));
      }),
      RUNS,
    );
  });
});
