import { readFileSync } from "node:fs";
import { terraformItems } from "../../src/drift/terraform-items.js";
import type { NoTrustedRun, SkippedRun } from "../../src/drift/trusted-run.js";
import type { PlanFetch } from "../../src/github/terraform-artifact.js";
import { SCHEDULED_PLAN_RUN } from "../helpers/plans.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const TERRAFORM = { workflow: "drift.yml", artifact: "terraform-plan", file: "plan.json", max_age_hours: 26, dispatch: false };
const RUN = SCHEDULED_PLAN_RUN;
const MB = 1024 * 1024;
const plan = (name: string) => readFileSync(new URL(`../fixtures/terraform/${name}`, import.meta.url), "utf8");
const items = (fetch: PlanFetch | NoTrustedRun, terraform = TERRAFORM) => terraformItems({ fetch, terraform, branch: "master", now: NOW });
const FIX = "Run `drift.yml` on `master` (it must upload the artifact `terraform-plan` holding `plan.json`).";

describe("terraformItems", () => {
  test.each<[string, PlanFetch | NoTrustedRun, string, string[]]>([
    ["no run", { kind: "no-run", skipped: [] }, "No completed run of `drift.yml` on `master`: infrastructure drift is not checked", []],
    ["a failed run", { kind: "run-failed", run: { ...RUN, conclusion: "failure" } }, "The newest run of `drift.yml` ended failure", [`run: ${RUN.html_url}`]],
    ["a run without a conclusion", { kind: "run-failed", run: { ...RUN, conclusion: null } }, "The newest run of `drift.yml` ended unknown", [`run: ${RUN.html_url}`]],
    ["no artifact", { kind: "no-artifact", run: RUN }, "The newest run of `drift.yml` has no artifact `terraform-plan`", [`run: ${RUN.html_url}`]],
    ["no file", { kind: "no-file", run: RUN }, "The artifact `terraform-plan` holds no `plan.json`", [`run: ${RUN.html_url}`]],
    ["an artifact too large", { kind: "too-large", run: RUN, what: "artifact", bytes: 50 * MB, limit: 8 * MB }, "The plan artifact `terraform-plan` is 50 MB, more than the 8 MB read: too large to read", [`run: ${RUN.html_url}`]],
    ["a download cut past the limit", { kind: "too-large", run: RUN, what: "artifact", bytes: 8 * MB + 1, limit: 8 * MB }, "The plan artifact `terraform-plan` is 9 MB, more than the 8 MB read: too large to read", [`run: ${RUN.html_url}`]],
    ["a file too large", { kind: "too-large", run: RUN, what: "file", bytes: 7 * MB, limit: 6 * MB }, "The plan file `plan.json` is 7 MB, more than the 6 MB read: too large to read", [`run: ${RUN.html_url}`]],
    ["not a zip", { kind: "unreadable", run: RUN, error: "invalid zip data" }, "The artifact `terraform-plan` could not be read: invalid zip data", [`run: ${RUN.html_url}`]],
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

  const INCOMPLETE_FIX = "Make `drift.yml` plan every resource on `master`: no `-target`, and no error in the run's log. A deferred change clears once what it waits for is applied through the pipeline.";

  test("a targeted plan (complete: false): its items and a terraform:incomplete scan item that says it cannot be trusted as clean", () => {
    expect(items({ kind: "plan", run: RUN, text: plan("plan.targeted.json") }).map((i) => (i.kind === "scan" ? i : i.id))).toEqual([
      "terraform:aws_instance.web",
      {
        id: "terraform:incomplete",
        kind: "scan",
        title: "The newest plan of `drift.yml` is incomplete: it cannot be trusted as clean",
        details: [
          "The plan is not complete (`complete: false`): it was made with `-target`, or it leaves changes for a later plan; resources outside it were not checked.",
          `run: ${RUN.html_url}`,
        ],
        fix: INCOMPLETE_FIX,
      },
    ]);
  });

  test.each([
    ["deferred changes only (before: no items at all, read as clean)", "plan.deferred.json", ["terraform:incomplete"]],
    ["an errored plan (before: its planned changes were dropped)", "plan.errored.json", ["terraform:aws_instance.web", "terraform:incomplete"]],
    ["a complete plan", "plan.update.json", ["terraform:aws_instance.web"]],
    ["an OpenTofu plan (no `complete`)", "plan.opentofu.json", ["terraform:aws_instance.canary", "terraform:aws_instance.gateway", "terraform:aws_s3_bucket.audit", "terraform:aws_s3_bucket.old_logs"]],
  ])("%s: never an empty list for a plan that does not cover everything", (_name, fixture, ids) => {
    expect(items({ kind: "plan", run: RUN, text: plan(fixture) }).map((i) => i.id)).toEqual(ids);
  });

  test("stale and incomplete: both items, with their own ids", () => {
    const found = items({ kind: "plan", run: { ...RUN, updated_at: "2026-03-01T00:00:00Z" }, text: plan("plan.deferred.json") });
    expect(found.map((i) => i.id)).toEqual(["terraform:incomplete", "terraform:stale"]);
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
    const [item] = items({ kind: "no-run", skipped: [] }, { ...TERRAFORM, workflow: "a`b.yml" });
    expect(item?.title).toBe("No completed run of a\\`b.yml on `master`: infrastructure drift is not checked");
  });

  test("no trusted run: the untrusted runs skipped are counted, the first five listed with why", () => {
    const skipped: SkippedRun[] = Array.from({ length: 7 }, (_, i) => ({ run: { ...RUN, id: i, html_url: `https://github.com/o/r/actions/runs/${i}` }, why: { kind: "fork" } }));
    skipped[1] = { run: { ...skipped[1]!.run, head_sha: "0123456789abcdef" }, why: { kind: "unverified" } };
    skipped[2] = { run: skipped[2]!.run, why: { kind: "branch", branch: null } };
    const [item] = items({ kind: "no-run", skipped });
    expect(item?.title).toBe("No completed run of `drift.yml` on `master`: infrastructure drift is not checked (7 untrusted runs skipped)");
    expect(item?.details.slice(1)).toEqual([
      "skipped: https://github.com/o/r/actions/runs/0 (from a fork)",
      "skipped: https://github.com/o/r/actions/runs/1 (its commit `0123456789ab` could not be checked against `master` this time)",
      "skipped: https://github.com/o/r/actions/runs/2 (on no branch)",
      "skipped: https://github.com/o/r/actions/runs/3 (from a fork)",
      "skipped: https://github.com/o/r/actions/runs/4 (from a fork)",
      "…and 2 more skipped",
    ]);
  });
});
