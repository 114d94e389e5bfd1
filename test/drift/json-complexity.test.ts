import { jsonComplexity } from "../../src/drift/json-complexity.js";

const LIMITS = { maxNesting: 3, maxTokens: 10 };

describe("jsonComplexity: one pass over the text, before JSON.parse", () => {
  test.each<[string, string, ReturnType<typeof jsonComplexity>]>([
    ["three levels", "[[[]]]", null],
    ["four levels", "[[[[]]]]", "nesting"],
    ["objects and arrays alike", '{"a":[{"b":1}]}', null],
    ["depth goes back down between siblings", "[[[]],[[]],[[]]]", null],
    ["brackets in a string", '["[[[[{{{{"]', null],
    ["an escaped quote does not end the string", '["\\"[[[[[["]', null],
    ["an escaped backslash before the closing quote does", '["\\\\", [[[[]]]]]', "nesting"],
    ["ten tokens: strings, opening brackets, commas, colons", '{"a":1,"b":[2,3,4,5]}', null],
    ["eleven tokens", '{"a":1,"b":[2,3,4,5,6]}', "tokens"],
    ["numbers alone are not tokens, their commas are", "[1,2,3,4,5,6,7,8,9,10]", null],
    ["closing brackets are not tokens", "[[[]]]", null],
  ])("%s", (_name, json, expected) => {
    // The cases are real JSON: what the scan claims of them, JSON.parse agrees with.
    expect(() => JSON.parse(json)).not.toThrow();
    expect(jsonComplexity(json, LIMITS)).toBe(expected);
  });

  test("text that is not JSON is left for JSON.parse to refuse (an unclosed string, more closing than opening)", () => {
    expect(jsonComplexity('["[[[[', LIMITS)).toBeNull();
    expect(jsonComplexity("]]]]][[[", LIMITS)).toBeNull();
  });
});
