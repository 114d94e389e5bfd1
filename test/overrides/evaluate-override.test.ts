import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import type { FoundMarker } from "../../src/markers/collect-markers.js";
import { evaluateOverride, failClosedConclusion, type OverrideFacts } from "../../src/overrides/evaluate-override.js";

const marker = (name: string, written = `[${name}]`): FoundMarker => ({ name, written, locations: [{ source: "title" }] });

function config(overrides: Partial<Pick<Config, "mode" | "markers">> & { justificationRequired?: boolean } = {}): OverrideFacts["config"] {
  return {
    mode: overrides.mode ?? "enforce",
    markers: overrides.markers ?? DEFAULT_CONFIG.markers,
    overrides: {
      ...DEFAULT_CONFIG.overrides,
      justification: { ...DEFAULT_CONFIG.overrides.justification, required: overrides.justificationRequired ?? true },
    },
  };
}

function facts(partial: Partial<OverrideFacts> = {}): OverrideFacts {
  return {
    markers: [marker("skip-tests")],
    actor: "alice",
    fromFork: false,
    authorization: { allowed: true, reason: "@alice has write permission (write needed)" },
    justification: "The database is down.",
    justificationWhere: "pull-request",
    config: config(),
    ...partial,
  };
}

describe("evaluateOverride", () => {
  test("no markers: success, not an override, nothing to do", () => {
    expect(evaluateOverride(facts({ markers: [], authorization: null, justification: null }))).toEqual({
      isOverride: false,
      conclusion: "success",
      title: "No override markers",
      requirements: [],
      labels: [],
      followUpItems: [],
      incident: null,
    });
  });

  test("allowed and justified: success, every requirement met", () => {
    const decision = evaluateOverride(facts({ markers: [marker("emergency-deploy"), marker("skip-tests")] }));
    expect(decision.isOverride).toBe(true);
    expect(decision.conclusion).toBe("success");
    expect(decision.title).toBe("Override allowed: emergency-deploy, skip-tests");
    expect(decision.requirements).toEqual([
      { id: "authorized", met: true, detail: "@alice has write permission (write needed)" },
      { id: "justified", met: true, detail: "justification given" },
    ]);
  });

  test.each([
    ["not authorized", { authorization: { allowed: false, reason: "@alice has read permission (write needed)" } }, ["authorized"], 1],
    ["authorization not looked up (null) fails closed", { authorization: null }, ["authorized"], 1],
    ["no justification", { justification: null }, ["justified"], 1],
    ["an empty justification", { justification: "" }, ["justified"], 1],
    ["neither", { authorization: { allowed: false, reason: "no" }, justification: null }, ["authorized", "justified"], 2],
  ] as const)("%s: failure naming the unmet count", (_name, partial, unmetIds, count) => {
    const decision = evaluateOverride(facts(partial as Partial<OverrideFacts>));
    expect(decision.conclusion).toBe("failure");
    expect(decision.requirements.filter((r) => !r.met).map((r) => r.id)).toEqual(unmetIds);
    expect(decision.title).toBe(`Override not allowed: skip-tests (${count} requirement${count === 1 ? "" : "s"} unmet)`);
  });

  test("authorization that could not be checked says so", () => {
    const decision = evaluateOverride(facts({ authorization: null }));
    expect(decision.requirements[0]).toEqual({ id: "authorized", met: false, detail: "could not be checked" });
  });

  test("a missing justification says where to put it: PR body headings or a commit body line", () => {
    const pr = evaluateOverride(facts({ justification: null }));
    expect(pr.requirements.find((r) => r.id === "justified")?.detail).toBe(
      'no justification: add a "## Justification" or "## Incident" section with text under it in the PR body',
    );
    const commit = evaluateOverride(facts({ justification: null, justificationWhere: "commit" }));
    expect(commit.requirements.find((r) => r.id === "justified")?.detail).toBe('no justification: add a "Justification: …" line in the commit message body');
  });

  test("report mode: an unmet requirement ends neutral, and the title says report mode", () => {
    const decision = evaluateOverride(facts({ justification: null, config: config({ mode: "report" }) }));
    expect(decision.conclusion).toBe("neutral");
    expect(decision.title).toBe("Report mode: override of skip-tests has 1 requirement unmet");
  });

  test("report mode with every requirement met is still a success", () => {
    expect(evaluateOverride(facts({ config: config({ mode: "report" }) })).conclusion).toBe("success");
  });

  test("a fork: the not-fork requirement fails and authorization is not a requirement", () => {
    const decision = evaluateOverride(facts({ fromFork: true, authorization: null }));
    expect(decision.conclusion).toBe("failure");
    expect(decision.requirements.map((r) => r.id)).toEqual(["not-fork", "justified"]);
    expect(decision.requirements[0]).toEqual({ id: "not-fork", met: false, detail: "markers in a pull request from a fork are never honored" });
  });

  test("a fork fails even when an authorization was (wrongly) passed in", () => {
    const decision = evaluateOverride(facts({ fromFork: true }));
    expect(decision.requirements.some((r) => r.id === "authorized")).toBe(false);
    expect(decision.conclusion).toBe("failure");
  });

  test("justification not required: no justified requirement, success without one", () => {
    const decision = evaluateOverride(facts({ justification: null, config: config({ justificationRequired: false }) }));
    expect(decision.requirements.map((r) => r.id)).toEqual(["authorized"]);
    expect(decision.conclusion).toBe("success");
  });

  test("labels: in marker order, without repeats when two markers share a label", () => {
    const markers = {
      ...DEFAULT_CONFIG.markers,
      hotfix: { label: "emergency-deploy", aliases: [], follow_up: ["review" as const] },
    };
    const decision = evaluateOverride(
      facts({ markers: [marker("hotfix"), marker("skip-tests"), marker("emergency-deploy")], config: config({ markers }) }),
    );
    expect(decision.labels).toEqual(["emergency-deploy", "skip-tests"]);
  });

  test("follow-up items: retest, postmortem, review order, without repeats", () => {
    const markers = {
      a: { label: "a", aliases: [], follow_up: ["review" as const, "postmortem" as const] },
      b: { label: "b", aliases: [], follow_up: ["review" as const, "retest" as const] },
    };
    const decision = evaluateOverride(facts({ markers: [marker("a"), marker("b")], config: config({ markers }) }));
    expect(decision.followUpItems).toEqual(["retest", "postmortem", "review"]);
  });

  test("a marker whose name is not in the config gives no label and no follow-up item", () => {
    const decision = evaluateOverride(facts({ markers: [marker("skip-tests"), marker("gone")] }));
    expect(decision.labels).toEqual(["skip-tests"]);
    expect(decision.followUpItems).toEqual(["retest"]);
  });
});

describe("failClosedConclusion", () => {
  test.each([
    ["enforce", "failure"],
    ["report", "neutral"],
  ] as const)("%s → %s", (mode, conclusion) => {
    expect(failClosedConclusion(mode)).toBe(conclusion);
  });
});
