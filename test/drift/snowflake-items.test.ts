import { compareDriftItems } from "../../src/drift/drift-item.js";
import { terraformItems } from "../../src/drift/terraform-items.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { planEntry, SCHEDULED_PLAN_RUN } from "../helpers/plans.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const TERRAFORM = DEFAULT_CONFIG.drift.terraform;
const RUN = SCHEDULED_PLAN_RUN;

/** A refresh-only plan (format 1.2) whose `resource_drift` holds these entries. */
function driftPlan(drift: Array<{ address: string; actions: string[] }>, changes: Array<{ address: string; actions: string[] }> = []): string {
  return JSON.stringify({ format_version: "1.2", planned_values: {}, resource_drift: drift.map(planEntry), resource_changes: changes.map(planEntry), complete: true });
}

const ENABLED = { ...DEFAULT_CONFIG.immutable, enabled: true };
const items = (text: string, immutable: typeof ENABLED | undefined = ENABLED) =>
  terraformItems({ fetch: { kind: "plan", run: RUN, text }, terraform: TERRAFORM, branch: "master", now: NOW, immutable }).sort(compareDriftItems);

describe("drift of an immutable resource is a snowflake (issue #13)", () => {
  test("resource_drift on an immutable resource: a snowflake whose fix is the replace command, listed before other Terraform items", () => {
    const [first, second, third] = items(
      driftPlan(
        [
          { address: "aws_security_group.app", actions: ["update"] },
          { address: "module.web.aws_instance.this[0]", actions: ["update"] },
        ],
        [{ address: "aws_db_instance.main", actions: ["update"] }],
      ),
    );
    expect(first).toMatchObject({
      id: "terraform:module.web.aws_instance.this[0]",
      kind: "terraform",
      snowflake: true,
      title: "`module.web.aws_instance.this[0]` is a snowflake: an immutable resource changed by hand",
      fix: "Replace it through the pipeline: `/pipeline-guard replace module.web.aws_instance.this[0]`. If the change should stay, write it into the Terraform code through a pull request; the replacement then builds it.",
    });
    expect(first?.details).toContain("It is immutable (`immutable.resources`): it is replaced by a new one built from code, never patched back in place.");
    expect(first?.details.join("\n")).toContain("Changed attributes: `instance_type`");
    expect(first?.details.join("\n")).not.toContain("t3.medium");
    expect(second).toMatchObject({ id: "terraform:aws_db_instance.main" });
    expect(second?.snowflake).toBeUndefined();
    expect(third).toMatchObject({ id: "terraform:aws_security_group.app", title: "`aws_security_group.app` drifted (update)" });
  });

  test("an immutable resource deleted by hand is a snowflake too", () => {
    expect(items(driftPlan([{ address: "aws_instance.web", actions: ["delete"] }]))[0]).toMatchObject({ title: "`aws_instance.web` is a snowflake: an immutable resource deleted by hand", snowflake: true });
  });

  test("with immutable off (the default) the same drift is ordinary drift", () => {
    const [item] = items(driftPlan([{ address: "aws_instance.web", actions: ["update"] }]), { ...DEFAULT_CONFIG.immutable });
    expect(item).toMatchObject({ id: "terraform:aws_instance.web", title: "`aws_instance.web` drifted (update)" });
    expect(item?.snowflake).toBeUndefined();
  });

  test("a planned change alone (no drift) is no snowflake: Git changed, not production", () => {
    const [item] = items(driftPlan([], [{ address: "aws_instance.web", actions: ["update"] }]));
    expect(item?.snowflake).toBeUndefined();
  });
});
