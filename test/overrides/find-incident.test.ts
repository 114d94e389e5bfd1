import { findIncident, incidentRequirement, renderIncident } from "../../src/overrides/find-incident.js";

const PAGERDUTY = { required: true, pattern: "(INC|PD)-\\d+", url: "https://example.pagerduty.com/incidents/{id}" };

describe("findIncident", () => {
  test("the first id the pattern finds in the justification, with its link", () => {
    expect(findIncident("Customers locked out, see PD-4711 and INC-2.", PAGERDUTY)).toEqual({ id: "PD-4711", url: "https://example.pagerduty.com/incidents/PD-4711" });
  });

  test("without url: the id, no link", () => {
    expect(findIncident("INC-9", { ...PAGERDUTY, url: "" })).toEqual({ id: "INC-9", url: null });
  });

  test.each([
    ["an id that does not match the pattern", "see INCIDENT 42"],
    ["no justification", null],
  ])("%s: none", (_name, justification) => {
    expect(findIncident(justification, PAGERDUTY)).toBeNull();
  });

  test("no pattern: none, whatever the text", () => {
    expect(findIncident("INC-1", { ...PAGERDUTY, pattern: "" })).toBeNull();
  });

  test("the id is URL-encoded in the link and escaped in markdown: it is the author's text", () => {
    const incident = findIncident("x [@org/team](http://evil) y", { ...PAGERDUTY, pattern: "\\[.*\\)" })!;
    expect(incident.url).toBe(`https://example.pagerduty.com/incidents/${encodeURIComponent("[@org/team](http://evil)")}`);
    expect(renderIncident(incident)).not.toContain("[@org");
    expect(renderIncident(incident)).toMatch(/^\[\\\[@\u200borg\/team\\\]\\\(http:\u200b\/\/evil\\\)\]\(https:\/\/example\.pagerduty\.com\/incidents\/%5B%40org/);
  });

  test("an id longer than 100 characters is no id", () => {
    expect(findIncident("a".repeat(101), { ...PAGERDUTY, pattern: "a+" })).toBeNull();
  });

  test("a pattern with nested repetition runs in linear time on a long hostile text (RE2)", () => {
    const started = Date.now();
    expect(findIncident(`${"a".repeat(9_999)}b`, { ...PAGERDUTY, pattern: "^(a+)+$" })).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("a pattern RE2 cannot compile finds nothing (the schema refuses it first)", () => {
    expect(findIncident("INC-1", { ...PAGERDUTY, pattern: "(?<=I)NC" })).toBeNull();
  });
});

describe("incidentRequirement", () => {
  test("met, with the link", () => {
    expect(incidentRequirement({ id: "PD-1", url: "https://example.pagerduty.com/incidents/PD-1" }, PAGERDUTY)).toEqual({
      met: true,
      detail: "incident [PD-1](https://example.pagerduty.com/incidents/PD-1) named in the justification",
    });
  });

  test("unmet: says which pattern the justification must match", () => {
    expect(incidentRequirement(null, PAGERDUTY)).toEqual({ met: false, detail: "the justification names no incident matching `(INC|PD)-\\d+`" });
  });

  test("unmet without a pattern: no incident can be named (fail closed)", () => {
    expect(incidentRequirement(null, { ...PAGERDUTY, pattern: "" }).met).toBe(false);
  });
});
