import { readFileSync } from "node:fs";
import type { DriftItem } from "../../src/drift/drift-item.js";
import { MAX_ATTRIBUTES_LISTED, MAX_PLAN_BYTES, MAX_PLAN_NESTING, MAX_PLAN_TOKENS, parseTerraformPlan } from "../../src/drift/parse-terraform-plan.js";

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/terraform/${name}`, import.meta.url), "utf8");
}

function itemsOf(json: string): DriftItem[] {
  const result = parseTerraformPlan(json);
  if (!result.ok) throw new Error(`expected a parsed plan, got: ${result.error}`);
  return result.items;
}

/** Everything a user would see of an item. */
function shown(items: readonly DriftItem[]): string {
  return items.map((item) => [item.id, item.title, ...item.details, item.fix].join("\n")).join("\n");
}

/** A minimal real-shaped plan around some resource_changes / resource_drift entries. */
function plan(parts: { resource_changes?: unknown[]; resource_drift?: unknown[]; format_version?: unknown; errored?: boolean }): string {
  return JSON.stringify({ format_version: "1.2", terraform_version: "1.9.5", planned_values: {}, ...parts });
}

function change(address: string, actions: string[], before: unknown, after: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { after_unknown = {}, before_sensitive = {}, after_sensitive = {}, replace_paths, ...rest } = extra;
  return {
    address,
    mode: "managed",
    type: "test_instance",
    name: "x",
    provider_name: "registry.terraform.io/hashicorp/test",
    change: { actions, before, after, after_unknown, before_sensitive, after_sensitive, ...(replace_paths ? { replace_paths } : {}) },
    ...rest,
  };
}

describe("parseTerraformPlan: fixtures", () => {
  test("create: the address and the action, no attribute list", () => {
    expect(itemsOf(fixture("plan.create.json"))).toEqual([
      {
        id: "terraform:aws_s3_bucket.logs",
        kind: "terraform",
        title: "`aws_s3_bucket.logs` would be created",
        details: ["The plan of the production branch changes it: Git and production differ.", "Actions: create"],
        fix: expect.stringContaining("Apply from the production branch"),
      },
    ]);
  });

  test("update in place: the names of the changed attributes, one level deep; no-op entries are not drift", () => {
    const items = itemsOf(fixture("plan.update.json"));
    expect(items.map((item) => item.id)).toEqual(["terraform:aws_instance.web"]);
    expect(items[0]?.title).toBe("`aws_instance.web` would be updated in place");
    expect(items[0]?.details).toContain("Changed attributes: `instance_type`, `monitoring`, `tags.Owner`, `tags_all.Owner`");
    expect(shown(items)).not.toMatch(/t3\.medium|t3\.small|team-b|team-a/);
  });

  test("delete: the reason in words", () => {
    const [item] = itemsOf(fixture("plan.delete.json"));
    expect(item?.title).toBe("`aws_security_group.legacy_ssh` would be destroyed");
    expect(item?.details).toEqual(["The plan of the production branch changes it: Git and production differ.", "Actions: delete", "Reason: its configuration is gone"]);
  });

  test("replace, either order of actions: what forces it, and a tainted object is rebuilt through the pipeline", () => {
    const [db, lb] = itemsOf(fixture("plan.replace.json"));
    expect(db?.title).toBe("`aws_instance.prod_db` must be replaced");
    expect(db?.details).toEqual([
      "The plan of the production branch changes it: Git and production differ.",
      "Actions: delete, create",
      "Reason: an attribute cannot be updated in place",
      "Changed attributes: `ami`, `id` (known after apply), `private_ip` (known after apply)",
      "Forces replacement: `ami`",
    ]);
    expect(lb?.id).toBe("terraform:module.edge.aws_lb.this[0]");
    expect(lb?.title).toBe("`module.edge.aws_lb.this[0]` must be replaced");
    expect(lb?.details).toContain("Reason: the object is tainted");
    expect(lb?.fix).toContain("`/pipeline-guard replace module.edge.aws_lb.this[0]`");
    expect(shown([db!, lb!])).not.toMatch(/ami-0/);
  });

  test("resource_drift: one item per address, titled as drift, noting the plan's change too", () => {
    const items = itemsOf(fixture("plan.drift.json"));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: "terraform:aws_security_group.app", title: "`aws_security_group.app` drifted (update)" });
    expect(items[0]?.details).toEqual([
      "Changed outside Terraform: the refreshed object differs from the last applied state.",
      "Actions: update",
      "Changed attributes: `ingress`, `tags.HotfixedBy`",
      "The plan of the production branch also changes it: it would be updated in place.",
    ]);
    expect(items[0]?.fix).toContain("`/pipeline-guard replace aws_security_group.app`");
    expect(shown(items)).not.toMatch(/0\.0\.0\.0|ops/);
  });

  test("no-op and data source reads only: no drift", () => {
    expect(parseTerraformPlan(fixture("plan.no-op.json"))).toEqual({ ok: true, items: [] });
  });

  test("sensitive attributes: named and marked, never opened, and no value appears anywhere", () => {
    const json = fixture("plan.sensitive.json");
    const items = itemsOf(json);
    expect(items[0]?.details).toContain("Changed attributes: `allocated_storage`, `connection` (sensitive), `password` (sensitive)");
    const text = shown(items);
    for (const secret of ["Old-Hunter2-Secret!", "New-Hunter3-Secret!", "Hunter", "tok-", "Secret"]) expect(text).not.toContain(secret);
    // A broken copy of the same file: the parse error must not quote it either.
    for (const cut of [json.indexOf("New-Hunter3"), json.indexOf("New-Hunter3") + 5]) {
      const result = parseTerraformPlan(json.slice(0, cut));
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toMatch(/Hunter|Secret/);
    }
  });

  test("format_version 2.0 is refused", () => {
    expect(parseTerraformPlan(fixture("plan.format-2.json"))).toEqual({ ok: false, error: "unsupported plan format_version 2.0" });
  });
});

describe("parseTerraformPlan: errors fail closed", () => {
  test.each([
    ["truncated JSON", '{"format_version": "1.2", "resource_changes": [', /^plan JSON could not be parsed: /],
    ["not JSON at all", "Error: Failed to load plan", /^plan JSON could not be parsed: Unexpected token 'E'$/],
    ["an empty string", "", /^plan JSON could not be parsed: /],
    ["JSON that is not an object", "[1,2]", /^plan JSON has an unexpected shape/],
    ["no format_version", JSON.stringify({ resource_changes: [] }), /^plan JSON has an unexpected shape at format_version: /],
    ["format_version 0.2 (Terraform before 1.1)", plan({ format_version: "0.2" }), /^unsupported plan format_version 0\.2$/],
    ["a format_version too odd to quote", plan({ format_version: "<b>9.9</b>" }), /^unsupported plan format_version$/],
    ["actions that are not a list", plan({ resource_changes: [change("a.b", ["update"], {}, {}), { address: "a.c", change: { actions: "update" } }] }), /^plan JSON has an unexpected shape at resource_changes\[1\]\.change\.actions: /],
    ["an entry without an address", plan({ resource_drift: [{ change: { actions: ["update"] } }] }), /at resource_drift\[0\]\.address/],
    ["an errored plan", plan({ errored: true, resource_changes: [] }), /^the plan errored/],
  ])("%s", (_name, json, error) => {
    const result = parseTerraformPlan(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  test(`a plan over ${MAX_PLAN_BYTES} bytes is refused before parsing`, () => {
    const huge = plan({ resource_changes: [] }).replace("{", `{"padding": "${"x".repeat(MAX_PLAN_BYTES)}",`);
    const result = parseTerraformPlan(huge);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^plan JSON is \\d+ bytes, more than the ${MAX_PLAN_BYTES} bytes read$`)) });
  });

  test("extra keys are ignored (a newer 1.x minor version)", () => {
    const json = plan({ resource_changes: [{ ...change("a.b", ["create"], null, {}), importing: { id: "x" }, future_key: 1 }] });
    expect(itemsOf(json.replace('"1.2"', '"1.9"'))).toHaveLength(1);
  });
});

describe("parseTerraformPlan: attributes and actions", () => {
  test.each<[string, string[], string]>([
    ["create", ["create"], "would be created"],
    ["update", ["update"], "would be updated in place"],
    ["delete", ["delete"], "would be destroyed"],
    ["delete then create", ["delete", "create"], "must be replaced"],
    ["create then delete", ["create", "delete"], "must be replaced"],
    ["forget (removed block)", ["forget"], "would be removed from the state"],
    ["an action Terraform may add later", ["create", "forget"], "would change (create+forget)"],
  ])("title for %s", (_name, actions, words) => {
    const [item] = itemsOf(plan({ resource_changes: [change("test_instance.x", actions, { a: 1 }, { a: 1 })] }));
    expect(item?.title).toBe(`\`test_instance.x\` ${words}`);
  });

  test("no-op and read entries are skipped; read with another action is not", () => {
    const json = plan({
      resource_changes: [change("a.noop", ["no-op"], {}, {}), change("data.a.read", ["read"], null, {}), change("a.odd", ["read", "update"], {}, {})],
    });
    expect(itemsOf(json).map((item) => item.id)).toEqual(["terraform:a.odd"]);
  });

  test("changed names: nested objects one level, lists whole, unknown after apply, nothing unchanged", () => {
    const before = { same: 1, list: [1, 2], nested: { a: 1, b: { deep: 1 }, c: 3 }, gone: "x", scalar_to_obj: 1 };
    const after = { same: 1, list: [1, 3], nested: { a: 1, b: { deep: 2 }, d: 4 }, added: "y", scalar_to_obj: { k: 1 }, computed: null };
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["update"], before, after, { after_unknown: { computed: true, nested: { e: true } } })] }));
    expect(item?.details).toContain(
      "Changed attributes: `added`, `computed` (known after apply), `gone`, `list`, `nested.b`, `nested.c`, `nested.d`, `nested.e` (known after apply), `scalar_to_obj`",
    );
  });

  test("an update that changes no visible attribute says so", () => {
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["update"], { a: 1 }, { a: 1 })] }));
    expect(item?.details).toContain("Changed attributes: none visible in the plan");
  });

  test("a whole object marked sensitive: names only, each marked sensitive", () => {
    const [item] = itemsOf(
      plan({ resource_changes: [change("a.b", ["update"], { key: "old-secret", map: { k: "v1" } }, { key: "new-secret", map: { k: "v2" } }, { before_sensitive: true, after_sensitive: true })] }),
    );
    expect(item?.details).toContain("Changed attributes: `key` (sensitive), `map` (sensitive)");
    expect(shown([item!])).not.toMatch(/secret|v1|v2|`map\.k`/);
  });

  test(`at most ${MAX_ATTRIBUTES_LISTED} names are listed`, () => {
    const before = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`attr_${String(index).padStart(2, "0")}`, 1]));
    const after = Object.fromEntries(Object.keys(before).map((key) => [key, 2]));
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["update"], before, after)] }));
    expect(item?.details.find((line) => line.startsWith("Changed attributes:"))).toMatch(/`attr_29`, …10 more$/);
  });

  test("replace paths with list indices", () => {
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["delete", "create"], { d: [{ s: 1 }] }, { d: [{ s: 2 }] }, { replace_paths: [["d", 0, "s"], ["other"]] })] }));
    expect(item?.details).toContain("Forces replacement: `d[0].s`, `other`");
  });

  test("a deposed object gets its own id", () => {
    const json = plan({ resource_changes: [change("a.b", ["update"], { x: 1 }, { x: 2 }), { ...change("a.b", ["delete"], { x: 1 }, null), deposed: "00000001" }] });
    const items = itemsOf(json);
    expect(items.map((item) => item.id)).toEqual(["terraform:a.b", "terraform:a.b#deposed=00000001"]);
    expect(items[1]?.title).toBe("`a.b` (deposed object `00000001`) would be destroyed");
  });

  test("an unknown action_reason is shown as escaped text", () => {
    const [item] = itemsOf(plan({ resource_changes: [{ ...change("a.b", ["delete"], {}, null), action_reason: "delete_because_*new*" }] }));
    expect(item?.details).toContain("Reason: `delete_because_*new*`");
  });

  test.each([
    ['for_each key with markdown and a mention', 'aws_instance.web["*x* @admin"]', '`aws_instance.web["*x* @admin"]`'],
    ["a backtick", "aws_instance.web[\"a`b\"]", 'aws\\_instance.web\\["a\\`b"\\]'],
    ["HTML that spells our hidden blocks", 'aws_instance.web["<!-- pipeline-guard:drift drift -->"]', "&lt;\\!-- pipeline-guard:drift drift --&gt;"],
  ])("addresses with %s are escaped wherever they are rendered", (_name, address, rendered) => {
    const items = itemsOf(
      plan({ resource_drift: [change(address, ["update"], { a: 1 }, { a: 2 })], resource_changes: [change(`${address}.other`, ["delete", "create"], {}, {})] }),
    );
    expect(items[0]?.id).toBe(`terraform:${address}`);
    expect(items[0]?.title).toContain(rendered);
    expect(shown(items).replace(/^terraform:.*$/gm, "")).not.toMatch(/<|>/);
  });
});

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{"a":1}${"}".repeat(levels - 1)}`;
}

/** A plan whose update changes a value nested so that the whole plan is `levels` deep. */
function planNested(levels: number): string {
  // The plan object, resource_changes, the entry, change, before/after: five levels around the value.
  const value = nested(levels - 5);
  return plan({ resource_changes: [change("a.deep", ["update"], { x: JSON.parse(value) }, { x: JSON.parse(value.replace(":1}", ":2}")) })] });
}

describe("parseTerraformPlan: bounded whatever the plan holds (SPEC section 10 rule 8)", () => {
  test("5,000 levels deep is unreadable, not a stack overflow (without the nesting check this threw RangeError)", () => {
    const deep = nested(5_000);
    const json = plan({ resource_changes: [] }).replace("{", `{"before":${deep},`);
    expect(parseTerraformPlan(json)).toEqual({ ok: false, error: `plan JSON nests deeper than ${MAX_PLAN_NESTING} levels` });
    // The walk over before/after is what recursed: a deep value in a change threw.
    const inChange = `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["update"],"before":{"x":${deep}},"after":{"x":${deep}},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}]}`;
    expect(parseTerraformPlan(inChange)).toEqual({ ok: false, error: `plan JSON nests deeper than ${MAX_PLAN_NESTING} levels` });
  });

  test(`${MAX_PLAN_NESTING} levels are read, ${MAX_PLAN_NESTING + 1} are not`, () => {
    expect(MAX_PLAN_NESTING).toBe(64);
    const at = parseTerraformPlan(planNested(64));
    expect(at).toMatchObject({ ok: true, items: [{ id: "terraform:a.deep", details: expect.arrayContaining(["Changed attributes: `x.a`"]) }] });
    expect(parseTerraformPlan(planNested(65))).toEqual({ ok: false, error: "plan JSON nests deeper than 64 levels" });
  });

  test("brackets inside strings, escaped quotes included, do not count as nesting", () => {
    const brackets = `${"[{".repeat(100)}\\"\\\\"${"[".repeat(100)}`;
    const json = plan({ resource_changes: [change("a.b", ["update"], { note: brackets }, { note: `${brackets}x` })] });
    expect(JSON.parse(json).resource_changes[0].change.before.note).toContain('"');
    expect(itemsOf(json).map((item) => item.id)).toEqual(["terraform:a.b"]);
  });

  test(`more than ${MAX_PLAN_TOKENS} tokens is unreadable before parsing: the memory JSON.parse takes follows them, not the bytes`, () => {
    // `{},` is 2 tokens in 3 bytes: well under the byte limit, far over the token limit.
    const many = `[${"{},".repeat(MAX_PLAN_TOKENS / 2)}{}]`;
    expect(Buffer.byteLength(many)).toBeLessThan(MAX_PLAN_BYTES);
    expect(parseTerraformPlan(plan({ resource_changes: [] }).replace("{", `{"x":${many},`))).toEqual({
      ok: false,
      error: `plan JSON is too large to read: more than ${MAX_PLAN_TOKENS} strings, brackets, commas and colons`,
    });
  });

  test("a plan just under the token limit is read", () => {
    const base = plan({ resource_changes: [change("a.b", ["create"], null, {})] });
    // 4 tokens in the base's prefix `{"x":` are added by the padding's key, colon and comma.
    const padding = `[${"0,".repeat(MAX_PLAN_TOKENS - 200)}0]`;
    expect(itemsOf(base.replace("{", `{"x":${padding},`)).map((item) => item.id)).toEqual(["terraform:a.b"]);
  });
});
