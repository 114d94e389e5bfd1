import { readFileSync } from "node:fs";
import { terraformItems } from "../../src/drift/terraform-items.js";
import type { PlanFetch, WorkflowRunFact } from "../../src/github/terraform-artifact.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const TERRAFORM = { workflow: "drift.yml", artifact: "terraform-plan", file: "plan.json", max_age_hours: 26, dispatch: false };
const RUN: WorkflowRunFact = { id: 1, conclusion: "success", status: "completed", html_url: "https://github.com/o/r/actions/runs/1", head_sha: "abc", updated_at: "2026-03-10T06:00:00Z" };
const plan = (name: string) => readFileSync(new URL(`../fixtures/terraform/${name}`, import.meta.url), "utf8");
const items = (fetch: PlanFetch, terraform = TERRAFORM) => terraformItems({ fetch, terraform, branch: "master", now: NOW });
const FIX = "Run `drift.yml` on `master` (it must upload the artifact `terraform-plan` holding `plan.json`).";

describe("terraformItems", () => {
  test.each<[string, PlanFetch, string, string[]]>([
    ["no run", { kind: "no-run" }, "No completed run of `drift.yml` on `master`: infrastructure drift is not checked", []],
    ["a failed run", { kind: "run-failed", run: { ...RUN, conclusion: "failure" } }, "The newest run of `drift.yml` ended failure", [`run: ${RUN.html_url}`]],
    ["a run without a conclusion", { kind: "run-failed", run: { ...RUN, conclusion: null } }, "The newest run of `drift.yml` ended unknown", [`run: ${RUN.html_url}`]],
    ["no artifact", { kind: "no-artifact", run: RUN }, "The newest run of `drift.yml` has no artifact `terraform-plan`", [`run: ${RUN.html_url}`]],
    ["no file", { kind: "no-file", run: RUN }, "The artifact `terraform-plan` holds no `plan.json`", [`run: ${RUN.html_url}`]],
    ["too large", { kind: "too-large", run: RUN, bytes: 50 * 1024 * 1024 }, "The plan artifact is 50 MB: too large to read", [`run: ${RUN.html_url}`]],
    ["not a zip", { kind: "unreadable", run: RUN, error: "invalid zip data" }, "The artifact `terraform-plan` could not be unzipped: invalid zip data", [`run: ${RUN.html_url}`]],
  ])("%s: one terraform:workflow scan item", (_name, fetch, title, details) => {
    expect(items(fetch)).toEqual([{ id: "terraform:workflow", kind: "scan", title, details, fix: FIX }]);
  });

  test("a plan's items, each terraform:<address>", () => {
    expect(items({ kind: "plan", run: RUN, text: plan("plan.replace.json") }).map((i) => [i.id, i.kind])).toEqual([
      ["terraform:aws_instance.prod_db", "terraform"],
      ["terraform:module.edge.aws_lb.this[0]", "terraform"],
    ]);
  });

  test("a plan without changes and fresh: nothing", () => {
    expect(items({ kind: "plan", run: RUN, text: plan("plan.no-op.json") })).toEqual([]);
  });

  test("a plan that cannot be read is one item that says why, never an empty list", () => {
    expect(items({ kind: "plan", run: RUN, text: plan("plan.format-2.json") })).toEqual([
      { id: "terraform:workflow", kind: "scan", title: "The plan could not be read: unsupported plan format\\_version 2.0", details: [`run: ${RUN.html_url}`], fix: FIX },
    ]);
    expect(items({ kind: "plan", run: RUN, text: '{"format_version":"1.2","resource_changes":[{"address":' })[0]?.title).toMatch(/^The plan could not be read: plan JSON could not be parsed: /);
  });

  test.each([
    ["2026-03-09T10:00:00Z", 26, false],
    ["2026-03-09T09:59:00Z", 26, true],
    ["2026-03-08T12:00:00Z", 26, true],
    ["2026-03-08T12:00:00Z", 48, false],
  ])("a run updated at %s with max_age_hours %d is stale: %s", (updatedAt, maxAge, stale) => {
    const found = items({ kind: "plan", run: { ...RUN, updated_at: updatedAt }, text: plan("plan.no-op.json") }, { ...TERRAFORM, max_age_hours: maxAge });
    expect(found.map((i) => i.id)).toEqual(stale ? ["terraform:stale"] : []);
  });

  test("stale and unreadable: both items, with their own ids", () => {
    const found = items({ kind: "plan", run: { ...RUN, updated_at: "2026-03-01T00:00:00Z" }, text: "not json" });
    expect(found.map((i) => i.id)).toEqual(["terraform:workflow", "terraform:stale"]);
    expect(found[1]?.title).toBe("The newest plan is 228 h old (more than 26 h): it may not show today's drift");
  });

  test("a workflow name that is not safe in a code span is escaped", () => {
    const [item] = items({ kind: "no-run" }, { ...TERRAFORM, workflow: "a`b.yml" });
    expect(item?.title).toBe("No completed run of a\\`b.yml on `master`: infrastructure drift is not checked");
  });
});
