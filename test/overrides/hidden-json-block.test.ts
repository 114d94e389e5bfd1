import { z } from "zod";
import { hiddenJsonBlock, readHiddenJson, renderHiddenJson } from "../../src/overrides/hidden-json-block.js";

const BLOCK = hiddenJsonBlock("test-block");
const schema = z.object({ pr: z.number(), head: z.string(), note: z.string() }).strict();
const HEAD = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

describe("a hidden JSON block in a check run's text", () => {
  test("is read back for its PR and head, with text around it", () => {
    const text = `Summary\n${renderHiddenJson(BLOCK, { pr: 7, head: HEAD, note: "kept" })}\nmore`;
    expect(readHiddenJson(text, BLOCK, schema, { pr: 7, head: HEAD.toUpperCase() })).toEqual({ pr: 7, head: HEAD, note: "kept" });
  });

  test("a value holding --> cannot close the comment early: it is escaped, and reads back whole", () => {
    const rendered = renderHiddenJson(BLOCK, { pr: 7, head: HEAD, note: "x --> <!-- pipeline-guard:test-block {} -->" });
    expect(rendered.indexOf(" -->")).toBe(rendered.length - 4);
    expect(readHiddenJson(rendered, BLOCK, schema, { pr: 7, head: HEAD })?.note).toBe("x --> <!-- pipeline-guard:test-block {} -->");
  });

  test("another PR's or head's block, a cut block, bad JSON, a wrong shape or no text read as none", () => {
    const rendered = renderHiddenJson(BLOCK, { pr: 7, head: HEAD, note: "n" });
    expect(readHiddenJson(rendered, BLOCK, schema, { pr: 8, head: HEAD })).toBeNull();
    expect(readHiddenJson(rendered, BLOCK, schema, { pr: 7, head: "f".repeat(40) })).toBeNull();
    expect(readHiddenJson(rendered.slice(0, -4), BLOCK, schema, { pr: 7, head: HEAD })).toBeNull();
    expect(readHiddenJson(`${BLOCK.open}{not json${BLOCK.close}`, BLOCK, schema, { pr: 7, head: HEAD })).toBeNull();
    expect(readHiddenJson(renderHiddenJson(BLOCK, { pr: 7, head: HEAD }), BLOCK, schema, { pr: 7, head: HEAD })).toBeNull();
    expect(readHiddenJson(renderHiddenJson(hiddenJsonBlock("other"), { pr: 7, head: HEAD, note: "n" }), BLOCK, schema, { pr: 7, head: HEAD })).toBeNull();
    expect(readHiddenJson(null, BLOCK, schema, { pr: 7, head: HEAD })).toBeNull();
  });
});
