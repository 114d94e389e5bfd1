import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import type { FoundMarker, MarkerLocation } from "../../src/markers/collect-markers.js";
import { evaluateOverride, type OverrideDecision } from "../../src/overrides/evaluate-override.js";
import { describeLocation, describeLocations, markerNames, renderMarkerTable } from "../../src/overrides/describe-markers.js";
import { renderConfigErrors, renderOverrideSummary } from "../../src/overrides/render-override-summary.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const commit = (i: number): MarkerLocation => ({ source: "commit", sha: `${String(i).padStart(7, "0")}${SHA.slice(7)}` });

describe("describe-markers", () => {
  test.each([
    [{ source: "title" }, "PR title"],
    [{ source: "body" }, "PR body"],
    [{ source: "commit", sha: SHA }, "commit 0123456"],
  ] as Array<[MarkerLocation, string]>)("%o → %s", (location, text) => {
    expect(describeLocation(location)).toBe(text);
  });

  test("up to 5 locations listed", () => {
    expect(describeLocations([{ source: "title" }, commit(1), commit(2), commit(3), commit(4)])).toBe(
      "PR title, commit 0000001, commit 0000002, commit 0000003, commit 0000004",
    );
  });

  test("past 5: 'and N more'", () => {
    const locations = Array.from({ length: 8 }, (_, i) => commit(i));
    expect(describeLocations(locations)).toBe("commit 0000000, commit 0000001, commit 0000002, commit 0000003, commit 0000004 and 3 more");
  });

  test("a table row per marker, with the written form escaped", () => {
    const markers: FoundMarker[] = [
      { name: "skip-tests", written: "[skip ci]", locations: [commit(1)] },
      { name: "emergency-deploy", written: "[Hotfix|@x]", locations: [{ source: "title" }, { source: "body" }] },
    ];
    expect(renderMarkerTable(markers).split("\n")).toEqual([
      "| Marker | Written as | Found in |",
      "| --- | --- | --- |",
      "| `skip-tests` | \\[skip ci\\] | commit 0000001 |",
      "| `emergency-deploy` | \\[Hotfix\\|@\u200bx\\] | PR title, PR body |",
    ]);
  });

  test("markerNames", () => {
    expect(markerNames([{ name: "a" }, { name: "b" }])).toBe("a, b");
  });
});

function config(partial: { mode?: Config["mode"]; follow_up?: Partial<Config["follow_up"]> } = {}) {
  return { mode: partial.mode ?? ("enforce" as const), follow_up: { ...DEFAULT_CONFIG.follow_up, ...partial.follow_up } };
}

function decide(markers: FoundMarker[], partial: { mode?: Config["mode"]; justification?: string | null } = {}): OverrideDecision {
  return evaluateOverride({
    markers,
    actor: "alice",
    fromFork: false,
    authorization: { allowed: true, reason: "@alice has write permission (write needed)" },
    justification: partial.justification === undefined ? "why" : partial.justification,
    justificationWhere: "pull-request",
    config: { mode: partial.mode ?? "enforce", markers: DEFAULT_CONFIG.markers, overrides: DEFAULT_CONFIG.overrides },
  });
}

const SKIP: FoundMarker = { name: "skip-tests", written: "[skip-tests]", locations: [{ source: "title" }] };
const EMERGENCY: FoundMarker = { name: "emergency-deploy", written: "[hotfix]", locations: [{ source: "body" }] };

describe("renderOverrideSummary", () => {
  test("no markers: one sentence, no table", () => {
    const summary = renderOverrideSummary({ markers: [], decision: decide([]), config: config(), configErrors: [] });
    expect(summary).toBe("No override marker was found in the title, the body or the commits of this pull request.");
  });

  test("an override: table, requirements with their marks, what happens at merge", () => {
    const summary = renderOverrideSummary({ markers: [EMERGENCY, SKIP], decision: decide([EMERGENCY, SKIP], { justification: null }), config: config(), configErrors: [] });
    expect(summary).toContain("| `emergency-deploy` | \\[hotfix\\] | PR body |");
    expect(summary).toContain("| `skip-tests` | \\[skip-tests\\] | PR title |");
    expect(summary).toContain("### Requirements\n- ✅ **Authorized**: @alice has write permission (write needed)\n- ❌ **Justification**: no justification");
    expect(summary).toContain("### At merge\n- labels stay: `emergency-deploy`, `skip-tests`");
    expect(summary).toContain("- a follow-up issue is opened with: retest, postmortem, review; due 48 h after the merge; assigned to author, merger");
    expect(summary).toContain("- no `follow_up.retest_workflow` is set: a person ticks the retest box");
    expect(summary).not.toContain("Report mode");
  });

  test("a retest workflow is named", () => {
    const summary = renderOverrideSummary({ markers: [SKIP], decision: decide([SKIP]), config: config({ follow_up: { retest_workflow: "ci.yml" } }), configErrors: [] });
    expect(summary).toContain("- `ci.yml` is dispatched on the merge commit; its result ticks the retest box");
  });

  test("no retest item: no retest line", () => {
    const summary = renderOverrideSummary({ markers: [EMERGENCY], decision: decide([EMERGENCY]), config: config(), configErrors: [] });
    expect(summary).not.toContain("retest");
  });

  test("markers that ask for no follow-up work: the issue only records the override", () => {
    const decision: OverrideDecision = { ...decide([SKIP]), followUpItems: [] };
    const summary = renderOverrideSummary({ markers: [SKIP], decision, config: config(), configErrors: [] });
    expect(summary).toContain("### At merge\n- labels stay: `skip-tests`\n- a follow-up issue records the override");
    expect(summary).not.toContain("is opened with");
  });

  test("report mode: a note", () => {
    const summary = renderOverrideSummary({ markers: [SKIP], decision: decide([SKIP], { mode: "report" }), config: config({ mode: "report" }), configErrors: [] });
    expect(summary).toContain("_Report mode: nothing is blocked; this check ends neutral when a requirement is unmet._");
  });

  test("configuration errors: a section with each key path, with or without markers", () => {
    const configErrors = [
      { path: "markers.skip-tests.follow_up[0]", message: "expected one of retest, postmortem, review" },
      { path: "mode", message: "expected one of enforce, report" },
    ];
    for (const markers of [[], [SKIP]]) {
      const summary = renderOverrideSummary({ markers, decision: decide(markers), config: config(), configErrors });
      const section = summary.slice(summary.indexOf("### Configuration errors"));
      expect(section.split("\n")).toEqual([
        "### Configuration errors",
        "`.github/pipeline-guard.yml` on the default branch is invalid; the defaults apply to these keys:",
        "- markers.skip-tests.follow\\_up\\[0\\]: expected one of retest, postmortem, review",
        "- mode: expected one of enforce, report",
      ]);
    }
  });

  test("no configuration errors: no section", () => {
    expect(renderConfigErrors([])).toBe("");
    expect(renderOverrideSummary({ markers: [SKIP], decision: decide([SKIP]), config: config(), configErrors: [] })).not.toContain("Configuration errors");
  });

  test("a fork's requirement is named", () => {
    const decision = evaluateOverride({
      markers: [SKIP],
      actor: "mallory",
      fromFork: true,
      authorization: null,
      justification: null,
      justificationWhere: "pull-request",
      config: { mode: "enforce", markers: DEFAULT_CONFIG.markers, overrides: { ...DEFAULT_CONFIG.overrides, justification: { required: false, headings: [] } } },
    });
    const summary = renderOverrideSummary({ markers: [SKIP], decision, config: config(), configErrors: [] });
    expect(summary).toContain("- ❌ **Not from a fork**: markers in a pull request from a fork are never honored");
  });
});
