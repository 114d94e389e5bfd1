import { allowedMarkers, parseOverrideVerdict, renderOverrideVerdict } from "../../src/overrides/override-verdict.js";

const HEAD = "e".repeat(40);
const met = { id: "authorized" as const, met: true, detail: "ok" };
const unmet = { id: "justified" as const, met: false, detail: "no justification" };

describe("the override verdict another check reads back", () => {
  test("only an override whose every requirement is met names its markers", () => {
    const markers = [{ name: "emergency-deploy" }, { name: "skip-tests" }, { name: "emergency-deploy" }];
    expect(allowedMarkers({ isOverride: true, conclusion: "success", requirements: [met] }, markers)).toEqual(["emergency-deploy", "skip-tests"]);
    expect(allowedMarkers({ isOverride: true, conclusion: "failure", requirements: [met, unmet] }, markers)).toEqual([]);
    // Report mode: unmet requirements end neutral, and still allow nothing.
    expect(allowedMarkers({ isOverride: true, conclusion: "neutral", requirements: [unmet] }, markers)).toEqual([]);
    expect(allowedMarkers({ isOverride: false, conclusion: "success", requirements: [] }, [])).toEqual([]);
  });

  test("read back only for its PR and head, and never from a block that does not parse", () => {
    const text = `memory\n${renderOverrideVerdict({ pr: 2, head: HEAD, allowed: ["emergency-deploy"] })}`;
    expect(parseOverrideVerdict(text, { pr: 2, head: HEAD.toUpperCase() })).toEqual({ pr: 2, head: HEAD, allowed: ["emergency-deploy"] });
    expect(parseOverrideVerdict(text, { pr: 3, head: HEAD })).toBeNull();
    expect(parseOverrideVerdict(text, { pr: 2, head: "f".repeat(40) })).toBeNull();
    expect(parseOverrideVerdict("<!-- pipeline-guard:override-verdict {not json} -->", { pr: 2, head: HEAD })).toBeNull();
    expect(parseOverrideVerdict('<!-- pipeline-guard:override-verdict {"v":1,"pr":2,"head":"x","allowed":[]} -->', { pr: 2, head: HEAD })).toBeNull();
    expect(parseOverrideVerdict(null, { pr: 2, head: HEAD })).toBeNull();
  });

  test("a marker name cannot close the hidden block", () => {
    const text = renderOverrideVerdict({ pr: 2, head: HEAD, allowed: ["a-->b<"] });
    expect(text.indexOf("-->")).toBe(text.length - 3);
  });
});
