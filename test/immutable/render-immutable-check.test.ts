import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { NotJudged } from "../../src/immutable/immutable-outcome.js";
import { MAX_FINDINGS_LISTED, renderImmutableCheck, replaceArgument } from "../../src/immutable/render-immutable-check.js";

const RUN = "https://github.com/o/r/actions/runs/1";
const render = (outcome: Parameters<typeof renderImmutableCheck>[0]["outcome"], mode: "enforce" | "report" = "enforce") =>
  renderImmutableCheck({ outcome, mode, immutable: DEFAULT_CONFIG.immutable, runUrl: RUN });

describe("renderImmutableCheck", () => {
  test.each<[NotJudged, string]>([
    [{ kind: "no-file" }, "The artifact `terraform-plan` holds no `plan.json`: nothing was checked"],
    [{ kind: "too-large", what: "artifact", bytes: 9 * 1024 * 1024, limit: 8 * 1024 * 1024 }, "The plan artifact `terraform-plan` is 9 MB, more than the 8 MB read: nothing was checked"],
    [{ kind: "too-large", what: "file", bytes: 7 * 1024 * 1024, limit: 6 * 1024 * 1024 }, "The plan file `plan.json` is 7 MB, more than the 6 MB read: nothing was checked"],
    [{ kind: "unreadable-artifact", error: "it holds more than one plan.json" }, "The artifact `terraform-plan` could not be read: nothing was checked"],
    [{ kind: "fork", headRepo: null }, "The plan comes from a fork's run: it is not read"],
  ])("%j is never a success: failure, or neutral in report mode", (why, title) => {
    expect(render({ kind: "not-judged", why })).toMatchObject({ conclusion: "failure", title });
    expect(render({ kind: "not-judged", why }, "report")).toMatchObject({ conclusion: "neutral", title });
  });

  test("no run found (Re-run): the workflow is named, and no plan link is written; a judged plan without a run says so", () => {
    const none = renderImmutableCheck({ outcome: { kind: "not-judged", why: { kind: "no-run", workflow: "plan.yml" } }, mode: "enforce", immutable: DEFAULT_CONFIG.immutable, runUrl: null });
    expect(none).toMatchObject({ conclusion: "failure", title: "No completed run of the plan workflow on this commit: nothing was checked" });
    expect(none.summary).toContain("`plan.yml`");
    expect(none.summary).not.toContain("Plan:");
    const judged = renderImmutableCheck({ outcome: { kind: "judged", judgement: { checked: 0, immutable: 0, incomplete: [], findings: [] } }, mode: "enforce", immutable: DEFAULT_CONFIG.immutable, runUrl: null });
    expect(judged.summary).toContain("Plan: no run");
  });

  test("a deleted fork is named as such", () => {
    expect(render({ kind: "not-judged", why: { kind: "fork", headRepo: null } }).summary).toContain("a deleted fork");
  });

  test("an unknown action list is named, escaped, and fails", () => {
    const check = render({ kind: "judged", judgement: { checked: 1, immutable: 1, incomplete: [], findings: [{ address: "aws_instance.web", kind: "unknown", actions: ["update", "re`boot"], attributes: "" }] } });
    expect(check.conclusion).toBe("failure");
    expect(check.title).toBe("`aws_instance.web` has unknown actions");
    expect(check.summary).toContain("`update`, re\\`boot");
  });

  test(`past ${MAX_FINDINGS_LISTED} findings the rest are counted`, () => {
    const findings = Array.from({ length: MAX_FINDINGS_LISTED + 3 }, (_, i) => ({ address: `aws_instance.web[${i}]`, kind: "update" as const, actions: ["update"], attributes: "" }));
    const check = render({ kind: "judged", judgement: { checked: findings.length, immutable: findings.length, incomplete: [], findings } });
    expect(check.summary).toContain("- …and 3 more");
    expect(check.summary).not.toContain(`aws_instance.web[${MAX_FINDINGS_LISTED}]`);
  });

  test("the replace argument is quoted for a shell only when the address needs it", () => {
    expect(replaceArgument("aws_instance.web")).toBe("terraform apply -replace=aws_instance.web");
    expect(replaceArgument('aws_instance.web["a"]')).toBe("terraform apply -replace='aws_instance.web[\"a\"]'");
    expect(replaceArgument("aws_instance.web[\"it's\"]")).toBe("terraform apply -replace='aws_instance.web[\"it'\\''s\"]'");
  });
});
