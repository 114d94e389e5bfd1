import fc from "fast-check";
import { hasHiddenKey, hiddenKey, readStateBlock, stateBlock } from "../../src/markdown/hidden-block.js";

describe("hidden key", () => {
  test("the key's form, and found again in a body", () => {
    expect(hiddenKey("follow-up", "pr=12")).toBe("<!-- pipeline-guard:follow-up pr=12 -->");
    const body = `${hiddenKey("follow-up", "pr=12")}\nSome text`;
    expect(hasHiddenKey(body, "follow-up", "pr=12")).toBe(true);
  });

  test.each([
    ["another number that starts the same", "pr=1"],
    ["a longer number", "pr=123"],
    ["the other kind", "sha=12"],
  ])("not found for %s", (_name, key) => {
    expect(hasHiddenKey(`${hiddenKey("follow-up", "pr=12")}\ntext`, "follow-up", key)).toBe(false);
  });

  test("another kind with the same key is not found; nor in no body", () => {
    expect(hasHiddenKey(hiddenKey("bypass", "sha=abc"), "follow-up", "sha=abc")).toBe(false);
    expect(hasHiddenKey(null, "drift", "")).toBe(false);
    expect(hasHiddenKey(undefined, "drift", "")).toBe(false);
  });
});

describe("state block", () => {
  const hostile = { kind: "follow-up", author: "x --> <script>alert(1)</script>", note: "--!> <!-- -->", n: 3, list: ["a", "<b>"] };

  test("values containing --> and <script> cannot close the comment: its only --> is the last", () => {
    const block = stateBlock(hostile);
    expect(block.startsWith("<!-- pipeline-guard:state ")).toBe(true);
    expect(block.endsWith(" -->")).toBe(true);
    expect(block.indexOf("-->")).toBe(block.length - 3);
    expect(block).not.toContain("<script");
    expect(block.slice("<!--".length, -"-->".length)).not.toMatch(/[<>]/);
  });

  test("reads back equal, in the middle of a body", () => {
    const body = `<!-- pipeline-guard:follow-up pr=1 -->\nText before\n${stateBlock(hostile)}\nText after -->`;
    expect(readStateBlock(body)).toEqual(hostile);
  });

  test.each([
    ["no body", null],
    ["an empty body", ""],
    ["no block", "just text <!-- another comment -->"],
    ["an unclosed block", '<!-- pipeline-guard:state {"kind":"follow-up"}'],
    ["damaged JSON (a hand edit)", '<!-- pipeline-guard:state {"kind":"follow-up", author -->'],
  ])("undefined for %s", (_name, body) => {
    expect(readStateBlock(body)).toBeUndefined();
  });

  test("property: any JSON value round-trips and never holds < or >", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const block = stateBlock(value);
        expect(block.slice("<!--".length, -"-->".length)).not.toMatch(/[<>]/);
        // JSON has no -0 and no undefined: compare through JSON, as GitHub would store it.
        expect(readStateBlock(`before\n${block}\nafter`)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});
