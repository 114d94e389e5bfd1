import { normalizeMarkerName, parseMarkers, type MarkerSource } from "../../src/markers/parse-markers.js";
import { DEFINITIONS } from "./definitions.js";

const SOURCES: readonly MarkerSource[] = ["title", "body", "commit"];

/** Canonical names found, in order. */
const names = (text: string | null | undefined, source: MarkerSource): string[] =>
  parseMarkers(text, DEFINITIONS, source).map((match) => match.name);

describe("normalizeMarkerName", () => {
  it.each([
    ["skip-tests", "skip-tests"],
    ["Skip_Tests", "skip-tests"],
    ["SKIP TESTS", "skip-tests"],
    ["skip ci", "skip-ci"],
    ["a_b c-d", "a-b-c-d"],
  ])("%j -> %j", (raw, normalized) => {
    expect(normalizeMarkerName(raw)).toBe(normalized);
  });
});

describe("parseMarkers: matching, in every source", () => {
  describe.each(SOURCES)("%s", (source) => {
    it.each([
      ["[skip-tests]", "skip-tests", "[skip-tests]"],
      ["[SKIP-TESTS]", "skip-tests", "[SKIP-TESTS]"],
      ["[Skip_Tests]", "skip-tests", "[Skip_Tests]"],
      ["[skip tests]", "skip-tests", "[skip tests]"],
      ["[skip_tests]", "skip-tests", "[skip_tests]"],
      ["[skip ci]", "skip-tests", "[skip ci]"],
      ["[Skip_CI]", "skip-tests", "[Skip_CI]"],
      ["[ci-skip]", "skip-tests", "[ci-skip]"],
      ["[no ci]", "skip-tests", "[no ci]"],
      ["[skip actions]", "skip-tests", "[skip actions]"],
      ["[Actions_Skip]", "skip-tests", "[Actions_Skip]"],
      ["[emergency deploy]", "emergency-deploy", "[emergency deploy]"],
      ["[HOTFIX]", "emergency-deploy", "[HOTFIX]"],
      ["fix: things [skip ci]", "skip-tests", "[skip ci]"],
      ["[[skip ci]]", "skip-tests", "[skip ci]"],
      ["[[[skip ci]", "skip-tests", "[skip ci]"],
      ["x[skip ci]y", "skip-tests", "[skip ci]"],
      ["[skip-tests](https://example.com/why)", "skip-tests", "[skip-tests]"],
    ])("%j -> %s written %j", (text, name, written) => {
      expect(parseMarkers(text, DEFINITIONS, source)).toEqual([{ name, written }]);
    });

    it.each([
      "[skip  tests]",
      "[ skip-tests ]",
      "[ skip-tests]",
      "[skip-tests ]",
      "[skip\ttests]",
      "[skip\ntests]",
      "[skip\r\ntests]",
      "[skiptests]",
      "[skip-test]",
      "[skip--tests]",
      "[skip ci",
      "skip ci]",
      "(skip ci)",
      "{skip ci}",
      "skip-tests",
      "[WIP]",
      "[x] done",
      "[ ] todo",
      "[]",
      "[docs](https://example.com)",
      "[skip-tests-please]",
      "[please skip-tests]",
    ])("%j -> nothing", (text) => {
      expect(names(text, source)).toEqual([]);
    });

    it.each([null, undefined, ""])("%j -> nothing", (text) => {
      expect(parseMarkers(text, DEFINITIONS, source)).toEqual([]);
    });
  });
});

describe("parseMarkers: one match per marker, in order of first appearance", () => {
  it.each(SOURCES)("%s", (source) => {
    const text = "[hotfix] then [Skip CI] then [skip-tests] then [emergency-deploy] then [no ci]";
    expect(parseMarkers(text, DEFINITIONS, source)).toEqual([
      { name: "emergency-deploy", written: "[hotfix]" },
      { name: "skip-tests", written: "[Skip CI]" },
    ]);
  });

  it("keeps the canonical name as configured", () => {
    const definitions = [{ name: "Deploy_Now", aliases: ["ship it"] }];
    expect(parseMarkers("[SHIP_IT]", definitions, "title")).toEqual([{ name: "Deploy_Now", written: "[SHIP_IT]" }]);
    expect(parseMarkers("[deploy now]", definitions, "title")).toEqual([{ name: "Deploy_Now", written: "[deploy now]" }]);
  });

  it("applies the same rules to words beyond ASCII", () => {
    const definitions = [{ name: "überspringen", aliases: ["ß ci"] }];
    const found = (text: string) => parseMarkers(text, definitions, "commit").map((match) => match.written);
    expect(found("[ÜBERSPRINGEN]")).toEqual(["[ÜBERSPRINGEN]"]);
    expect(found("[ß_CI]")).toEqual(["[ß_CI]"]);
    expect(found("[ß-ci]")).toEqual(["[ß-ci]"]);
    expect(found("[ß  ci]")).toEqual([]);
    expect(found("[ ß ci]")).toEqual([]);
    expect(found("[ß ci ]")).toEqual([]);
    expect(found("[ß\nci]")).toEqual([]);
    expect(found("[[ß ci]")).toEqual(["[ß ci]"]);
  });

  it("rejects two spaces and outer spaces even where the definitions would match them", () => {
    const definitions = [
      { name: "a--b", aliases: [] },
      { name: "-c-", aliases: [] },
    ];
    const found = (text: string) => parseMarkers(text, definitions, "commit").map((match) => match.written);
    expect(found("[a  b]")).toEqual([]);
    expect(found("[ c ]")).toEqual([]);
    expect(found("[ c-]")).toEqual([]);
    expect(found("[-c ]")).toEqual([]);
    expect(found("[a--b] [_C-]")).toEqual(["[a--b]", "[_C-]"]);
    expect(found("[a_ b]")).toEqual(["[a_ b]"]);
  });

  it("never reads a marker across an ignored region, whatever the definitions", () => {
    const definitions = [
      { name: "a`b`c", aliases: [] },
      { name: "x<!---->y", aliases: [] },
    ];
    expect(parseMarkers("[a`b`c] [x<!---->y]", definitions, "commit").map((m) => m.name)).toEqual(["a`b`c", "x<!---->y"]);
    expect(parseMarkers("[a`b`c]", definitions, "title")).toEqual([]);
    expect(parseMarkers("[a`b`c] [x<!---->y]", definitions, "body")).toEqual([]);
  });

  it("finds nothing without definitions", () => {
    expect(parseMarkers("[skip ci]", [], "body")).toEqual([]);
  });

  it("matches names longer than 64 characters when configured", () => {
    const name = "x".repeat(80);
    expect(names(`[${name}]`, "body")).toEqual([]);
    expect(parseMarkers(`a [${name.toUpperCase()}] b`, [{ name, aliases: [] }], "body")).toEqual([
      { name, written: `[${name.toUpperCase()}]` },
    ]);
  });
});

describe("parseMarkers: PR body (markdown)", () => {
  const body = (lines: readonly string[]): string[] => names(lines.join("\n"), "body");

  it.each<[string, readonly string[], string[]]>([
    ["plain text", ["Please [skip ci] this."], ["skip-tests"]],
    ["CRLF line endings", ["Intro", "", "[skip ci]", ""].map((line) => line + "\r"), ["skip-tests"]],
    // fenced code blocks
    ["``` fence", ["```", "[skip ci]", "```"], []],
    ["~~~ fence", ["~~~", "[skip ci]", "~~~"], []],
    ["fence with info string", ["```yaml", "[skip ci]", "```"], []],
    ["fence indented by 3 spaces", ["   ```", "[skip ci]", "   ```"], []],
    ["unclosed fence runs to the end", ["```", "x", "", "[skip ci]", "more"], []],
    ["text after a closed fence counts", ["```", "[hotfix]", "```", "[skip ci]"], ["skip-tests"]],
    ["longer closing fence closes", ["```", "[hotfix]", "`````", "[skip ci]"], ["skip-tests"]],
    ["shorter fence line does not close", ["````", "```", "[skip ci]", "````"], []],
    ["~~~ does not close ```", ["```", "~~~", "[skip ci]", "```"], []],
    ["``` does not close ~~~", ["~~~", "```", "[skip ci]", "~~~"], []],
    ["closing fence with text after it does not close", ["```", "``` x", "[skip ci]", "```"], []],
    ["CRLF fence", ["```\r", "[skip ci]\r", "```\r", "[hotfix]"], ["emergency-deploy"]],
    ["fence interrupts a paragraph", ["intro", "```", "[skip ci]", "```"], []],
    ["4-space indented ``` is not a fence", ["    ```", "[skip ci]"], ["skip-tests"]],
    ["two backticks are not a fence", ["``", "[skip ci]"], ["skip-tests"]],
    ["backtick in a ``` info string: not a fence", ["``` a`b", "[skip ci]"], ["skip-tests"]],
    ["~~~ info string may hold backticks", ["~~~ a`b", "[skip ci]", "~~~"], []],
    // inline code
    ["inline code", ["Write `[skip ci]` in a commit"], []],
    ["double-backtick code", ["Write ``[skip ci]`` in a commit"], []],
    ["code span holding a backtick", ["``a ` [skip ci] b``"], []],
    ["code span across lines", ["a `x", "[skip ci] y` z"], []],
    ["text after a code span counts", ["`x` [skip ci]"], ["skip-tests"]],
    ["unmatched backtick is literal", ["it`s [skip ci]"], ["skip-tests"]],
    ["run closes only at exactly N", ["``x` [skip ci]"], ["skip-tests"]],
    ["N=2 skips a run of 1 and 3", ["``a ` ``` [skip ci] ``"], []],
    ["code span ends at a blank line", ["`x", "", "[skip ci] `"], ["skip-tests"]],
    ["code span ends at a heading", ["# Title `x", "[skip ci] `"], ["skip-tests"]],
    ["code span ends at a list item", ["- a `x", "- [skip ci] `"], ["skip-tests"]],
    ["code span ends at an ordered item", ["1. a `x", "2) [skip ci] `"], ["skip-tests"]],
    ["code span ends at a thematic break", ["a `x", "***", "[skip ci] `"], ["skip-tests"]],
    ["code span ends at a setext underline", ["a `x", "===", "[skip ci] `"], ["skip-tests"]],
    ["code span ends at a quote", ["a `x", "> q", "[skip ci] `"], ["skip-tests"]],
    ["code span ends at a fence", ["a `x", "```", "```", "[skip ci] `"], ["skip-tests"]],
    ["inline code in a heading", ["## Use `[skip ci]`", "[hotfix]"], ["emergency-deploy"]],
    // HTML comments
    ["HTML comment", ["<!-- add [skip ci] to skip tests -->"], []],
    ["inline HTML comment", ["Text <!-- [skip ci] --> more"], []],
    ["multi-line HTML comment", ["<!--", "Markers:", "[skip ci]", "[hotfix]", "-->"], []],
    ["unclosed HTML comment runs to the end", ["a", "<!-- note", "", "[skip ci]", "", "b"], []],
    ["text after a comment counts", ["<!-- x --> [skip ci]"], ["skip-tests"]],
    ["lines after a comment count", ["<!--", "x", "-->", "[skip ci]"], ["skip-tests"]],
    ["empty comment <!-->", ["<!--> [skip ci]"], ["skip-tests"]],
    ["empty comment <!--->", ["<!---> [skip ci]"], ["skip-tests"]],
    ["comment over a fence line", ["<!--", "```", "-->", "[skip ci]"], ["skip-tests"]],
    ["comment inside a code span is literal", ["`<!--` [skip ci]"], ["skip-tests"]],
    ["backticks inside a comment are hidden", ["<!-- ` --> [hotfix] `x`", "[skip ci]"], ["emergency-deploy", "skip-tests"]],
    ["comment opened in a code span does not hide", ["`a <!-- b` [skip ci] -->"], ["skip-tests"]],
    ["code span after a multi-line comment", ["a <!-- x", "y --> `[hotfix]` [skip ci]"], ["skip-tests"]],
    // block quotes
    ["block quote", ["> [skip ci]"], []],
    ["block quote without a space", [">[skip ci]"], []],
    ["block quote indented by 3 spaces", ["   > [skip ci]"], []],
    ["nested block quote", ["> > [skip ci]"], []],
    ["many quote lines", ["> a", "> [skip ci]", "> [hotfix]"], []],
    ["4-space indent is not a quote", ["    > [skip ci]"], ["skip-tests"]],
    ["> inside a line is not a quote", ["a > [skip ci]"], ["skip-tests"]],
    ["line after a quote counts", ["> quoted", "[skip ci]"], ["skip-tests"]],
    ["fence inside a quote does not open", ["> ```", "[skip ci]"], ["skip-tests"]],
    // the rest counts
    ["checkbox and unknown words", ["- [x] tests", "- [ ] docs", "[WIP] [skip ci]"], ["skip-tests"]],
    ["markdown link text", ["See [skip-tests](https://example.com)"], ["skip-tests"]],
    ["list item", ["- [hotfix]"], ["emergency-deploy"]],
    ["heading", ["# [hotfix]"], ["emergency-deploy"]],
    ["4-space indented line", ["    [skip ci]"], ["skip-tests"]],
  ])("%s", (_title, lines, expected) => {
    expect(body(lines)).toEqual(expected);
  });

  it("does not glue text around an ignored region into a marker", () => {
    expect(body(["[skip<!---->tests]"])).toEqual([]);
    expect(body(["[skip<!-->tests]"])).toEqual([]);
    expect(body(["[skip` `tests]"])).toEqual([]);
    expect(body(["[skip`x`ci]"])).toEqual([]);
    expect(body(["[skip", "> q", "ci]"])).toEqual([]);
  });

  it("ignores the explanations of a typical PR template and finds the marker used", () => {
    const template = [
      "## Description",
      "",
      "<!-- Describe the change. To skip the tests, add [skip-tests]; for an emergency, [hotfix]. -->",
      "",
      "> **Note**: `[skip ci]` and `[emergency-deploy]` need a justification.",
      "",
      "```",
      "[emergency-deploy]",
      "```",
      "",
      "## Justification",
      "",
      "Prod is down. [Emergency_Deploy]",
    ];
    expect(parseMarkers(template.join("\r\n"), DEFINITIONS, "body")).toEqual([
      { name: "emergency-deploy", written: "[Emergency_Deploy]" },
    ]);
  });
});

describe("parseMarkers: PR title", () => {
  it.each<[string, string[]]>([
    ["fix: outage [hotfix]", ["emergency-deploy"]],
    ["docs: explain `[skip ci]`", []],
    ["docs: explain ``[skip ci]``", []],
    ["docs: `[skip ci]` [hotfix]", ["emergency-deploy"]],
    ["it`s broken [skip ci]", ["skip-tests"]],
    ["``x` [skip ci]", ["skip-tests"]],
    // a title is not a markdown body: only inline code is hidden
    ["<!-- [skip ci] -->", ["skip-tests"]],
    ["> [skip ci]", ["skip-tests"]],
    ["``` [skip ci]", ["skip-tests"]],
    ['Revert "x [skip ci]"', ["skip-tests"]],
  ])("%j -> %j", (title, expected) => {
    expect(names(title, "title")).toEqual(expected);
  });
});

describe("parseMarkers: commit message", () => {
  it.each<[string, string, string[]]>([
    ["marker in the subject", "fix: typo [skip ci]", ["skip-tests"]],
    ["marker in the body", "fix: typo\n\nDocs only. [skip ci]", ["skip-tests"]],
    ["revert subject", 'Revert "fix: typo [skip ci]"', []],
    ["revert subject, CRLF", 'Revert "fix: typo [skip ci]"\r\n', []],
    ["revert subject, trailing spaces", 'Revert "fix: typo [skip ci]"  \n', []],
    ["nested revert", 'Revert "Revert "fix [hotfix]""\n\nThis reverts commit abc.', []],
    ["revert subject merged as a PR", 'Revert "fix [skip ci]" (#12)\n\nReverts o/r#11', []],
    ["revert body counts", 'Revert "fix [skip ci]"\n\nThis reverts commit abc.\n\n[hotfix]', ["emergency-deploy"]],
    ["revert body holding the same marker counts", 'Revert "fix [skip ci]"\n\n[skip ci] as well', ["skip-tests"]],
    ["not a revert: lower case", 'revert "fix [skip ci]"', ["skip-tests"]],
    ["not a revert: no closing quote", 'Revert "fix [skip ci]', ["skip-tests"]],
    ["not a revert: text after the quote", 'Revert "fix" [skip ci]', ["skip-tests"]],
    ["not a revert: one quote only", 'Revert " [skip ci]', ["skip-tests"]],
    ["not a revert: no quotes", "Revert fix [skip ci]", ["skip-tests"]],
    ["not a revert: second line", 'fix\n\nRevert "x [skip ci]"', ["skip-tests"]],
    ["inline code counts", "docs: `[skip ci]`", ["skip-tests"]],
    ["fence counts", "docs\n\n```\n[skip ci]\n```", ["skip-tests"]],
    ["HTML comment counts", "docs <!-- [skip ci] -->", ["skip-tests"]],
    ["quote line counts", "docs\n\n> [skip ci]", ["skip-tests"]],
  ])("%s", (_title, message, expected) => {
    expect(names(message, "commit")).toEqual(expected);
  });
});
