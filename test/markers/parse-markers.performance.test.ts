import { parseMarkers, type MarkerMatch, type MarkerSource } from "../../src/markers/parse-markers.js";
import { DEFINITIONS } from "./definitions.js";

const MB = 1_000_000;
const LIMIT_MS = 50;
const SOURCES: readonly MarkerSource[] = ["title", "body", "commit"];

/** `unit` repeated to exactly `length` characters (the last copy may be cut short). */
const fill = (unit: string, length = MB): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
/** Whole copies of `unit`, as many as fit in `length` characters. */
const whole = (unit: string, length = MB): string => unit.repeat(Math.floor(length / unit.length));

/** The best of `runs` timed parses, so that a CI hiccup does not fail the test. */
function best(text: string, source: MarkerSource, runs = 3): { ms: number; result: MarkerMatch[] } {
  let ms = Infinity;
  let result: MarkerMatch[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    result = parseMarkers(text, DEFINITIONS, source);
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms, result };
}

/**
 * The time one plain pass over `text` takes right now (best of 5): a shared CI machine can be
 * several times slower than usual, for the parser and this pass alike. The parser may take
 * `LIMIT_MS`, or 40 such passes when the machine is that slow: a parser that backtracks takes
 * thousands of passes on these inputs, so the bound still catches it.
 */
function plainPassMs(text: string): number {
  let ms = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    let brackets = 0;
    for (let at = 0; at < text.length; at++) if (text.charCodeAt(at) === 91) brackets++;
    ms = Math.min(ms, performance.now() - started);
    if (brackets < 0) throw new Error("unreachable");
  }
  return ms;
}
const PASSES_ALLOWED = 40;

type Expected = string[] | Partial<Record<MarkerSource, string[]>>;
const namesFor = (expected: Expected, source: MarkerSource): string[] =>
  Array.isArray(expected) ? expected : (expected[source] ?? []);
/** Found in a title and a commit message, hidden in a body. */
const hiddenInBody = (names: string[]): Expected => ({ title: names, body: [], commit: names });
const SKIP = ["skip-tests"];
const BOTH = ["skip-tests", "emergency-deploy"];

/** 1 MB inputs: name, text, the markers each source must find. */
const HOSTILE: [string, string, Expected][] = [
  ["ordinary text, marker at the very end", fill("The quick brown fox jumps over the lazy dog.\n", MB - 9) + "[skip ci]", SKIP],
  ["a single 1 MB line, marker at the end", fill("a", MB - 10) + " [skip ci]", SKIP],
  ["[[[[", fill("["), []],
  ["[[[[ then a marker", fill("[", MB - 9) + "[skip ci]", SKIP],
  ["]]]]", fill("]") + "[skip ci]", SKIP],
  ["[] pairs", fill("[]") + "[skip ci]", SKIP],
  ["brackets not closed within a name's length", fill("[skip-tests-and-some-more-words "), []],
  ["unknown words in brackets", fill("[wip] [x] [ ] [docs] ") + "[skip ci]", SKIP],
  ["backticks", fill("`"), []],
  ["backticks, then a marker", fill("`", MB - 10) + " [skip ci]", { title: SKIP, body: [], commit: SKIP }],
  ["backtick runs of growing length", Array.from({ length: 1420 }, (_, i) => "`".repeat(i + 1)).join(" ").slice(0, MB) + " [skip ci]", SKIP],
  ["code spans holding markers", whole("`[skip ci]` ") + "[hotfix]", { title: ["emergency-deploy"], body: ["emergency-deploy"], commit: BOTH }],
  ["<!-- never closed", fill("<!--"), []],
  ["<!-- never closed, then a marker", fill("<!--", MB - 9) + "[skip ci]", hiddenInBody(SKIP)],
  ["--> without <!--", fill("-->") + "[skip ci]", SKIP],
  ["empty comments", whole("<!---->") + "[skip ci]", SKIP],
  ["comments holding markers", whole("<!-- [skip ci] -->\n") + "[hotfix]", { title: BOTH, body: ["emergency-deploy"], commit: BOTH }],
  ["100k quote lines holding markers", whole("> [hotfix]\n", 1_100_000) + "[skip ci]", { title: ["emergency-deploy", "skip-tests"], body: SKIP, commit: ["emergency-deploy", "skip-tests"] }],
  ["newlines only", fill("\n") + "[skip ci]", SKIP],
  ["one fence never closed, markers inside", "```\n" + whole("[skip ci] [hotfix]\n"), hiddenInBody(BOTH)],
  ["tilde fence lines", fill("~~~~~~~~~~ x\n"), []],
  ["revert subject of 1 MB", `Revert "${fill('Revert "[skip ci] ', MB - 20)}"\n\n[hotfix]`, { title: BOTH, body: BOTH, commit: ["emergency-deploy"] }],
  ["mixed hostile soup", fill("[`<!--~~~>\n[skip `` [ci]]-->\n> ``` ~~~\n"), []],
];

describe("parseMarkers on 1 MB hostile inputs", () => {
  describe.each(SOURCES)("%s", (source) => {
    it.each(HOSTILE)(`%s: right, in under ${LIMIT_MS} ms (or ${PASSES_ALLOWED} plain passes on a slow machine)`, (_name, text, expected) => {
      expect(text.length).toBeGreaterThanOrEqual(MB - 20);
      const { ms, result } = best(text, source);
      expect(result.map((match) => match.name)).toEqual(namesFor(expected, source));
      expect(ms).toBeLessThan(Math.max(LIMIT_MS, PASSES_ALLOWED * plainPassMs(text)));
    });
  });

  it("reports a marker at the very end as written", () => {
    const text = fill("The quick brown fox jumps over the lazy dog.\n", MB - 9) + "[Skip_CI]";
    for (const source of SOURCES) expect(parseMarkers(text, DEFINITIONS, source)).toEqual([{ name: "skip-tests", written: "[Skip_CI]" }]);
  });
});

/**
 * Bodies made of a markdown block every line or two: a million lines, each read as a block.
 * Still linear, with a larger constant: natively they parse in well under 50 ms, but under
 * `jest --coverage` (which counts every block executed) they can take longer. So what is checked
 * is that 8 times the text takes about 8 times as long (a quadratic scan would take 64 times).
 */
const DENSE: [string, string, string[]][] = [
  ["paragraphs of one backtick", "`\n\n", []],
  ["paragraphs of one code span", "`[skip ci]`\n\n", []],
  ["fenced blocks", "```\n[skip ci]\n```\n", []],
  ["list, heading and break lines", "- a `b\n# c `d\n1. e\n***\n===\n", []],
  ["one-letter lines", "a\n", []],
  ["quote lines", ">\n", []],
];

describe("parseMarkers on bodies dense with markdown blocks", () => {
  it.each(DENSE)("%s: right, and linear", (_name, unit, expected) => {
    const large = whole(unit) + "\n\n[hotfix]";
    const small = whole(unit, MB / 8) + "\n\n[hotfix]";
    const { ms: largeMs, result } = best(large, "body", 5);
    const { ms: smallMs } = best(small, "body", 5);
    expect(result.map((match) => match.name)).toEqual([...expected, "emergency-deploy"]);
    // The small input's time has a floor, so that timer resolution cannot fail the test.
    expect(largeMs / Math.max(smallMs, 0.5)).toBeLessThan(20);
  });
});
