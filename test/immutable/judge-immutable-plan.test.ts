import { readPlanResources } from "../../src/drift/parse-terraform-plan.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { isImmutableResource } from "../../src/immutable/is-immutable-resource.js";
import { judgeImmutablePlan } from "../../src/immutable/judge-immutable-plan.js";
import { planJson, type PlanEntry } from "../helpers/plans.js";
import { terraformFixture } from "../helpers/scan-github.js";

const IMMUTABLE = DEFAULT_CONFIG.immutable;

function judge(entries: PlanEntry[], immutable: Partial<typeof IMMUTABLE> = {}, extra = {}) {
  const read = readPlanResources(planJson(entries, extra));
  if (!read.ok) throw new Error(read.error);
  return judgeImmutablePlan({ changes: read.changes, incomplete: read.incomplete, immutable: { ...IMMUTABLE, ...immutable } });
}

describe("readPlanResources", () => {
  test("each entry with its address, address within its module, type, mode and actions; names of changed attributes, never values", () => {
    const read = readPlanResources(terraformFixture("plan.update.json"));
    expect(read.ok && read.changes[0]).toMatchObject({ address: "aws_instance.web", localAddress: "aws_instance.web", type: "aws_instance", mode: "managed", actions: ["update"] });
    const attributes = read.ok ? (read.changes[0]?.attributes ?? "") : "";
    expect(attributes).toContain("`instance_type`");
    expect(attributes).not.toContain("t3.medium");
  });

  test("a module's address, a data source and the type read from the address when the entry has none", () => {
    const read = readPlanResources(
      JSON.stringify({
        format_version: "1.2",
        resource_changes: [
          { address: 'module.db["a.b"].module.inner.aws_instance.this[0]', change: { actions: ["update"] } },
          { address: "module.net.data.aws_ami.ubuntu", change: { actions: ["read"] } },
        ],
      }),
    );
    expect(read.ok && read.changes.map(({ localAddress, type, mode }) => ({ localAddress, type, mode }))).toEqual([
      { localAddress: "aws_instance.this[0]", type: "aws_instance", mode: "managed" },
      { localAddress: "data.aws_ami.ubuntu", type: "aws_ami", mode: "data" },
    ]);
  });

  test("the same bounds and errors as the drift scan's reader", () => {
    expect(readPlanResources("[".repeat(100))).toEqual({ ok: false, error: "plan JSON nests deeper than 64 levels" });
    expect(readPlanResources(terraformFixture("plan.format-2.json"))).toEqual({ ok: false, error: "unsupported plan format_version 2.0" });
    expect(readPlanResources('{"format_version":"1.2","values":{}}')).toMatchObject({ ok: false });
  });

  test("an errored plan says it is incomplete", () => {
    const read = readPlanResources(terraformFixture("plan.errored.json"));
    expect(read.ok && read.incomplete.length).toBeGreaterThan(0);
  });
});

describe("isImmutableResource", () => {
  const resource = (address: string, type: string, localAddress = address, mode: "managed" | "data" = "managed") => ({ address, localAddress, type, mode });

  test.each([
    ["aws_instance.*", resource("aws_instance.web", "aws_instance"), true],
    ["aws_instance.*", resource("module.db.aws_instance.this[0]", "aws_instance", "aws_instance.this[0]"), true],
    ["aws_instance", resource("module.db.aws_instance.this[0]", "aws_instance", "aws_instance.this[0]"), true],
    ["aws_*", resource("aws_launch_template.web", "aws_launch_template"), true],
    ["aws_instance.web[0]", resource("aws_instance.web[0]", "aws_instance"), true],
    ["aws_instance.web[0]", resource("aws_instance.web0", "aws_instance"), false],
    ["module.db.*", resource("module.db.aws_db_instance.main", "aws_db_instance", "aws_db_instance.main"), true],
    ["module.db.*", resource("aws_db_instance.main", "aws_db_instance"), false],
    ["aws_instance.*", resource("aws_security_group.web", "aws_security_group"), false],
    ["aws_instance", resource("aws_instance_profile.x", "aws_iam_instance_profile"), false],
    ["aws_ami.*", resource("data.aws_ami.ubuntu", "aws_ami", "data.aws_ami.ubuntu", "data"), false],
  ])("%s matches %j: %s", (glob, candidate, expected) => {
    expect(isImmutableResource(candidate, [glob])).toBe(expected);
  });
});

describe("judgeImmutablePlan", () => {
  test("an in-place update of a matching resource fails, with its changed attribute names", () => {
    const judgement = judge([{ address: "aws_instance.web", actions: ["update"] }]);
    expect(judgement).toMatchObject({ checked: 1, immutable: 1, findings: [{ address: "aws_instance.web", kind: "update", actions: ["update"] }] });
    expect(judgement.findings[0]?.attributes).toBe("`instance_type`");
  });

  test("a replacement destroyed first fails with create_before_destroy; created first passes", () => {
    expect(judge([{ address: "aws_instance.web", actions: ["delete", "create"] }]).findings).toMatchObject([{ kind: "destroy-first" }]);
    expect(judge([{ address: "aws_instance.web", actions: ["create", "delete"] }]).findings).toEqual([]);
  });

  test("without create_before_destroy a replacement in either order passes", () => {
    expect(judge([{ address: "aws_instance.web", actions: ["delete", "create"] }], { create_before_destroy: false }).findings).toEqual([]);
  });

  test("a resource that does not match may be updated in place", () => {
    expect(judge([{ address: "aws_security_group.web", actions: ["update"] }])).toMatchObject({ checked: 1, immutable: 0, findings: [] });
  });

  test("a module's instance is judged like any other", () => {
    expect(judge([{ address: "module.db.aws_instance.this[0]", actions: ["update"] }]).findings).toMatchObject([{ address: "module.db.aws_instance.this[0]", kind: "update" }]);
  });

  test("creating, deleting, forgetting, no-ops, reads and a deposed object pass; data sources are not counted", () => {
    const judgement = judge([
      { address: "aws_instance.new", actions: ["create"] },
      { address: "aws_instance.gone", actions: ["delete"] },
      { address: "aws_instance.kept", actions: ["no-op"] },
      { address: "aws_instance.let_go", actions: ["forget"] },
      { address: "aws_instance.swap", actions: ["create", "forget"] },
      { address: "aws_instance.old", actions: ["delete"], deposed: "00000001" },
      { address: "data.aws_ami.ubuntu", actions: ["read"] },
    ]);
    expect(judgement).toMatchObject({ checked: 6, immutable: 6, findings: [] });
  });

  test("an action list it does not know fails closed", () => {
    expect(judge([{ address: "aws_instance.web", actions: ["update", "reboot"] }]).findings).toMatchObject([{ kind: "unknown" }]);
  });

  test("an incomplete plan is carried to the check", () => {
    expect(judge([], {}, { complete: false }).incomplete).toHaveLength(1);
  });
});
