import { readFileSync } from "node:fs";
import type { DriftItem } from "../../src/drift/drift-item.js";
import { MAX_ATTRIBUTES_LISTED, MAX_DEFERRED_LISTED, MAX_PLAN_BYTES, MAX_PLAN_NESTING, MAX_PLAN_TOKENS, parseTerraformPlan } from "../../src/drift/parse-terraform-plan.js";

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
function plan(parts: {
  resource_changes?: unknown[];
  resource_drift?: unknown[];
  deferred_changes?: unknown[];
  format_version?: unknown;
  errored?: boolean;
  complete?: unknown;
}): string {
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

/** An entry of `change()` with more keys in its `change` object (importing, generated_config). */
function inChange(entry: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...entry, change: { ...(entry.change as Record<string, unknown>), ...extra } };
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
    expect(lb?.details).toContain("Reason: the object is tainted (its creation failed part-way, or `terraform taint` marked it)");
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
    expect(parseTerraformPlan(fixture("plan.no-op.json"))).toEqual({ ok: true, items: [], incomplete: [] });
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

/** What the plan says about its own coverage; a test fails if the plan cannot be read. */
function incompleteOf(json: string): string[] {
  const result = parseTerraformPlan(json);
  if (!result.ok) throw new Error(`expected a parsed plan, got: ${result.error}`);
  return result.incomplete;
}

const NOT_COMPLETE =
  "The plan is not complete (`complete: false`): it was made with `-target`, or it leaves changes for a later plan; resources outside it were not checked.";
const ERRORED = "The plan errored (`errored: true`): Terraform stopped before it finished; what it lists is partial, and what it did not reach is unknown.";
const CHANGES = "The plan of the production branch changes it: Git and production differ.";
const APPLY_FIX = "Apply from the production branch through the pipeline (or revert the unapplied change through a pull request); never change it by hand.";
const FORGET_FIX = "Apply from the production branch through the pipeline. The object it lets go of keeps running unmanaged: destroy it or import it again through the pipeline, never by hand.";
const MOVE_DETAIL = "A `moved` block on the production branch gives it this address; the object itself does not change. Terraform records the move at the next apply.";
const MOVE_FIX = "Apply from the production branch through the pipeline to record the move; nothing is rebuilt.";

describe("parseTerraformPlan: every shape Terraform and OpenTofu write (issue #15)", () => {
  test("refresh-only plan with moves: a no-op move is a move, not drift (before: 'changed outside Terraform' and a rebuild suggested); a moved and drifted object says where from", () => {
    const json = fixture("plan.refresh-only-move.json");
    expect(itemsOf(json)).toEqual([
      {
        id: "terraform:aws_instance.api",
        kind: "terraform",
        title: "`aws_instance.api` drifted (update), moved from `aws_instance.app`",
        details: [
          "Changed outside Terraform: the refreshed object differs from the last applied state.",
          "Actions: update",
          "Moved from `aws_instance.app` (a `moved` block): the move is recorded at the next apply.",
          "Changed attributes: `instance_type`, `tags.ResizedBy`, `tags_all.ResizedBy`",
        ],
        fix: "Re-apply from the production branch through the pipeline to put it back as Git says, or rebuild it: `/pipeline-guard replace aws_instance.api`. If the change should stay, write it into the Terraform code through a pull request.",
      },
      { id: "terraform:aws_s3_bucket.access_logs", kind: "terraform", title: "`aws_s3_bucket.access_logs` moved from `aws_s3_bucket.logs`, not yet applied", details: [MOVE_DETAIL], fix: MOVE_FIX },
    ]);
    expect(incompleteOf(json)).toEqual([]);
    expect(shown(itemsOf(json))).not.toMatch(/t3\.2xlarge|t3\.small|console-ops-kim|acme-logs/);
  });

  test("moves in a plan: previous_address is read (before: a moved and updated resource showed only its new address), a rename alone is listed as a move", () => {
    expect(itemsOf(fixture("plan.moved-update.json"))).toEqual([
      { id: "terraform:aws_iam_role.deployer", kind: "terraform", title: "`aws_iam_role.deployer` moved from `aws_iam_role.deploy`, not yet applied", details: [MOVE_DETAIL], fix: MOVE_FIX },
      {
        id: "terraform:module.network.aws_vpc.main",
        kind: "terraform",
        title: "`module.network.aws_vpc.main` would be updated in place (moved from `aws_vpc.main`)",
        details: [CHANGES, "Actions: update", "Moved from `aws_vpc.main` (a `moved` block): the move is recorded at the next apply.", "Changed attributes: `tags.Tier`, `tags_all.Tier`"],
        fix: APPLY_FIX,
      },
    ]);
  });

  test("a targeted plan (complete: false): its items, and that it does not cover everything (before: read as complete)", () => {
    const json = fixture("plan.targeted.json");
    expect(itemsOf(json).map((item) => item.title)).toEqual(["`aws_instance.web` would be updated in place"]);
    expect(incompleteOf(json)).toEqual([NOT_COMPLETE]);
  });

  test("deferred changes: no items, but each deferred change named with its reason in words (before: 'no items'); no value of theirs is shown", () => {
    const json = fixture("plan.deferred.json");
    const result = parseTerraformPlan(json);
    expect(result).toEqual({
      ok: true,
      items: [],
      incomplete: [
        NOT_COMPLETE,
        "3 changes were deferred to a later plan (`deferred_changes`): what they would change is not known yet.",
        "deferred: `aws_instance.workers[*]` (the number of its instances is not known yet)",
        "deferred: `kubernetes_namespace.apps` (its provider configuration is not known yet)",
        "deferred: `aws_s3_bucket.imported` (its configuration is not known yet)",
      ],
    });
    expect(JSON.stringify(result)).not.toMatch(/dEf3rr3d|S3cr3t|c7g\.large|ami-0/);
  });

  test("an errored plan: what it planned before the error, and that it errored (before: refused whole)", () => {
    const json = fixture("plan.errored.json");
    expect(itemsOf(json).map((item) => item.id)).toEqual(["terraform:aws_instance.web"]);
    expect(incompleteOf(json)).toEqual([ERRORED]);
  });

  test("a sensitive map forced to replace: replace_paths cut at the first sensitive step (before: 'Forces replacement: `map.key_two.id`')", () => {
    const json = fixture("plan.sensitive-replace.json");
    const [cluster, partial] = itemsOf(json);
    expect(cluster?.details).toEqual([
      CHANGES,
      "Actions: delete, create",
      "Reason: an attribute cannot be updated in place",
      "Changed attributes: `id` (known after apply), `map` (sensitive)",
      "Forces replacement: `map` (sensitive)",
    ]);
    // Only the leaf is sensitive there: the map's keys are shown as Terraform shows them.
    expect(partial?.details).toContain("Forces replacement: `labels.alpha.token` (sensitive)");
    expect(shown(itemsOf(json))).not.toMatch(/key_one|key_two|tenant-|tok-Partial/);
  });

  test("an import and nothing else (before: skipped as a no-op): 'would be imported', the ID never shown", () => {
    const items = itemsOf(fixture("plan.import-no-op.json"));
    expect(items).toEqual([
      {
        id: "terraform:aws_s3_bucket.legacy",
        kind: "terraform",
        title: "`aws_s3_bucket.legacy` would be imported",
        details: ["An `import` block on the production branch brings an existing object under Terraform; the object itself does not change. The import ID is not shown."],
        fix: "Apply from the production branch through the pipeline to complete the import.",
      },
    ]);
    expect(shown(items)).not.toContain("acme-legacy-bucket-1999");
  });

  test("an import with an update (before: the import went unmentioned)", () => {
    const items = itemsOf(fixture("plan.import-update.json"));
    expect(items).toEqual([
      {
        id: "terraform:aws_instance.bastion",
        kind: "terraform",
        title: "`aws_instance.bastion` would be updated in place (imported first)",
        details: [CHANGES, "Actions: update", "It would be imported first (an `import` block); the import ID is not shown.", "Changed attributes: `tags.Name`, `tags_all.Name`"],
        fix: APPLY_FIX,
      },
    ]);
    expect(shown(items)).not.toMatch(/i-0badc0ffee0ddf00d|bastion-by-hand/);
  });

  test("Terraform's forget forms: ['forget'] and ['create','forget'] (before: 'would change (create+forget)')", () => {
    expect(itemsOf(fixture("plan.forget.json"))).toEqual([
      {
        id: "terraform:aws_instance.gateway",
        kind: "terraform",
        title: "`aws_instance.gateway` must be replaced; the old object would be removed from the state, not destroyed",
        details: [CHANGES, "Actions: create, forget", "Reason: an attribute cannot be updated in place", "Changed attributes: `ami`, `id` (known after apply)", "Forces replacement: `ami`"],
        fix: FORGET_FIX,
      },
      { id: "terraform:aws_s3_bucket.old_logs", kind: "terraform", title: "`aws_s3_bucket.old_logs` would be removed from the state, not destroyed", details: [CHANGES, "Actions: forget"], fix: FORGET_FIX },
    ]);
  });

  test("OpenTofu: ['forget','create'] and its reasons in words (before: raw codes)", () => {
    const json = fixture("plan.opentofu.json");
    const items = itemsOf(json);
    expect(items.map((item) => [item.title, item.details.find((line) => line.startsWith("Reason: "))])).toEqual([
      ["`aws_instance.canary` would be destroyed", "Reason: its `enabled` argument is false"],
      ["`aws_instance.gateway` must be replaced; the old object would be removed from the state, not destroyed", "Reason: an attribute cannot be updated in place"],
      ["`aws_s3_bucket.audit` would be removed from the state, not destroyed", "Reason: `lifecycle { destroy = false }` was set before it was removed from the configuration"],
      ["`aws_s3_bucket.old_logs` would be removed from the state, not destroyed", "Reason: `lifecycle { destroy = false }` is set in the configuration"],
    ]);
    expect(shown(items)).not.toMatch(/delete_because|forgot_because|replace_because/);
    // OpenTofu writes no `complete`: absent is not incomplete.
    expect(incompleteOf(json)).toEqual([]);
  });

  test("format 0.2 (Terraform 1.0.1–1.0.11) is read (before: refused); a sensitive password stays out", () => {
    const json = fixture("plan.format-0.2.json");
    const items = itemsOf(json);
    expect(items.map((item) => item.title)).toEqual(["`aws_security_group.web` drifted (update)", "`aws_db_instance.legacy` would be updated in place"]);
    expect(items[0]?.details).toContain("The plan of the production branch also changes it: it would be updated in place.");
    expect(items[1]?.details).toContain("Changed attributes: `instance_class`");
    expect(shown(items)).not.toMatch(/Format02|203\.0\.113/);
  });

  test("format 0.1 (Terraform 0.12–1.0.0, no sensitivity marks): read, attribute names only, a map's keys never opened", () => {
    const json = fixture("plan.format-0.1.json");
    const items = itemsOf(json);
    const note = "This plan marks no value as sensitive (Terraform before 0.15): only attribute names from the provider's schema are shown.";
    expect(items.map((item) => [item.title, item.details.slice(1)])).toEqual([
      ["`aws_instance.node` must be replaced", ["Actions: delete, create", "Changed attributes: `ami`, `id` (known after apply)", note]],
      ["`kubernetes_secret.app` would be updated in place", ["Actions: update", "Changed attributes: `data`", note]],
    ]);
    expect(shown(items)).not.toMatch(/STRIPE|sk_live|Format01/);
    expect(incompleteOf(json)).toEqual([]);
  });
});

describe("parseTerraformPlan: moves, imports, forgets, replace paths and coverage, rule by rule", () => {
  test.each<[string, unknown, unknown, Array<Array<string | number>>, string]>([
    ["a sensitive map: cut at the map", { map: true }, { map: true }, [["map", "key_two", "id"]], "`map` (sensitive)"],
    ["marked after only", {}, { map: true }, [["map", "key_two", "id"]], "`map` (sensitive)"],
    ["a whole object marked sensitive: cut at the first step", true, true, [["map", "key_two"]], "`map` (sensitive)"],
    ["only the leaf sensitive: the whole path, marked", { map: { k: { id: true } } }, { map: { k: { id: true } } }, [["map", "k", "id"]], "`map.k.id` (sensitive)"],
    ["a sensitive list element: cut at its index", { list: [false, true] }, { list: [false, true] }, [["list", 1, "secret_key"]], "`list[1]` (sensitive)"],
    ["nothing sensitive: the whole path", { other: true }, { other: true }, [["block", 0, "size"]], "`block[0].size`"],
    ["two paths cut to the same step: listed once", { map: true }, { map: true }, [["map", "a"], ["map", "b"]], "`map` (sensitive)"],
  ])("replace_paths, %s", (_name, beforeSensitive, afterSensitive, paths, expected) => {
    const [item] = itemsOf(
      plan({ resource_changes: [change("a.b", ["delete", "create"], { x: 1 }, { x: 2 }, { before_sensitive: beforeSensitive, after_sensitive: afterSensitive, replace_paths: paths })] }),
    );
    expect(item?.details).toContain(`Forces replacement: ${expected}`);
  });

  test("replace_paths without sensitivity marks (a plan of Terraform before 0.15): cut after the attribute's name", () => {
    const entry = { address: "a.b", change: { actions: ["delete", "create"], before: { data: { k: 1 } }, after: { data: { k: 2 } }, replace_paths: [["data", "SECRET_NAME"], ["size"]] } };
    const [item] = itemsOf(plan({ resource_changes: [entry] }));
    expect(item?.details).toContain("Forces replacement: `data`, `size`");
    expect(shown([item!])).not.toContain("SECRET_NAME");
  });

  test("resource_drift: a no-op without a move changes nothing and is no item; a delete says it was deleted", () => {
    const items = itemsOf(plan({ resource_drift: [change("a.same", ["no-op"], { a: 1 }, { a: 1 }), change("a.gone", ["delete"], { a: 1 }, null)] }));
    expect(items.map((item) => [item.id, item.title, item.details[0]])).toEqual([
      ["terraform:a.gone", "`a.gone` drifted (delete)", "Deleted outside Terraform: the object of the last applied state no longer exists."],
    ]);
  });

  test("a no-op with previous_address equal to its address is no move", () => {
    expect(itemsOf(plan({ resource_changes: [change("a.b", ["no-op"], {}, {}, { previous_address: "a.b" })] }))).toEqual([]);
  });

  test("a move-only change of a drifted object: the drift item says the plan moves it", () => {
    const items = itemsOf(
      plan({ resource_drift: [change("a.new", ["update"], { a: 1 }, { a: 2 }, { previous_address: "a.old" })], resource_changes: [change("a.new", ["no-op"], { a: 2 }, { a: 2 }, { previous_address: "a.old" })] }),
    );
    expect(items).toHaveLength(1);
    expect(items[0]?.details.at(-1)).toBe("The plan of the production branch also changes it: it moved from `a.old`, not yet applied.");
  });

  test("an import that is also moved; an import replaced at once carries Terraform's warning; generated configuration is mentioned, never shown", () => {
    const items = itemsOf(
      plan({
        resource_changes: [
          inChange(change("a.moved", ["no-op"], { a: 1 }, { a: 1 }, { previous_address: "a.old" }), { importing: { id: "IMPORT-ID-1" } }),
          inChange(change("a.replaced", ["delete", "create"], { a: 1 }, { a: 2 }), { importing: { id: "IMPORT-ID-2" }, generated_config: 'resource "x" "y" { password = "GEN-SECRET" }' }),
        ],
      }),
    );
    expect(items[0]?.title).toBe("`a.moved` would be imported (moved from `a.old`)");
    expect(items[0]?.details).toContain("Moved from `a.old` (a `moved` block): the move is recorded at the next apply.");
    expect(items[1]?.title).toBe("`a.replaced` must be replaced (imported first)");
    expect(items[1]?.details).toEqual(
      expect.arrayContaining([
        "It would be imported first (an `import` block); the import ID is not shown.",
        "Warning: the plan imports the object, then destroys it.",
        "Its configuration would be generated (`-generate-config-out`); the generated text is not shown.",
      ]),
    );
    expect(shown(items)).not.toMatch(/IMPORT-ID|GEN-SECRET/);
  });

  test("a forgotten object that was tainted is rebuilt through the pipeline", () => {
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["forget", "create"], { a: 1 }, { a: 1 }, { action_reason: "replace_because_tainted" })] }));
    expect(item?.fix).toBe("Let the pipeline rebuild it: apply from the production branch, or `/pipeline-guard replace a.b`.");
  });

  test.each([
    "replace_because_tainted",
    "replace_because_cannot_update",
    "replace_by_request",
    "replace_by_triggers",
    "delete_because_no_resource_config",
    "delete_because_wrong_repetition",
    "delete_because_count_index",
    "delete_because_each_key",
    "delete_because_no_module",
    "delete_because_no_move_target",
    "read_because_config_unknown",
    "read_because_dependency_pending",
    "read_because_check_nested",
    "delete_because_enabled_false",
    "forgot_because_lifecycle_destroy_in_config",
    "forgot_because_lifecycle_destroy_in_state",
  ])("the reason %s is said in words, never as its code", (reason) => {
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["delete"], { a: 1 }, null, { action_reason: reason })] }));
    const line = item?.details.find((detail) => detail.startsWith("Reason: "));
    expect(line).toMatch(/^Reason: [a-z`]/);
    expect(line).not.toContain(reason);
  });

  describe("coverage: complete, errored, deferred_changes", () => {
    const deferred = (address: string, reason?: string) => ({ ...(reason === undefined ? {} : { reason }), resource_change: change(address, ["create"], null, { token: "DEFERRED-VALUE" }) });

    test.each<[string, Parameters<typeof plan>[0], string[]]>([
      ["complete: true", { complete: true }, []],
      ["no `complete` (Terraform before 1.8, OpenTofu)", {}, []],
      ["complete: false", { complete: false }, [NOT_COMPLETE]],
      ["errored (complete: false too): said once, as errored", { errored: true, complete: false }, [ERRORED]],
      ["errored: false", { errored: false, complete: true }, []],
      [
        "a deferred change in a plan that claims complete: the deferred change counts",
        { complete: true, deferred_changes: [deferred("a.b", "absent_prereq")] },
        ["1 change was deferred to a later plan (`deferred_changes`): what they would change is not known yet.", "deferred: `a.b` (something it depends on has not been created yet)"],
      ],
      [
        "deferred reasons missing, unknown or new",
        { deferred_changes: [deferred("a.x"), deferred("a.y", "unknown"), deferred("a.z", "some_new_*reason*"), { reason: "deferred_prereq", resource_change: { ...change("a.w", ["delete"], {}, null), deposed: "00ab" } }] },
        [
          "4 changes were deferred to a later plan (`deferred_changes`): what they would change is not known yet.",
          "deferred: `a.x` (for a reason Terraform does not name)",
          "deferred: `a.y` (for a reason Terraform does not name)",
          "deferred: `a.z` (`some_new_*reason*`)",
          "deferred: `a.w` (deposed object `00ab`) (something it depends on was deferred)",
        ],
      ],
    ])("%s", (_name, parts, expected) => {
      const json = plan(parts);
      expect(incompleteOf(json)).toEqual(expected);
      expect(JSON.stringify(parseTerraformPlan(json))).not.toContain("DEFERRED-VALUE");
    });

    test(`at most ${MAX_DEFERRED_LISTED} deferred changes are named, the rest counted`, () => {
      const lines = incompleteOf(plan({ deferred_changes: Array.from({ length: MAX_DEFERRED_LISTED + 2 }, (_, index) => deferred(`a.r${index}`, "unknown")) }));
      expect(lines[0]).toBe(`${MAX_DEFERRED_LISTED + 2} changes were deferred to a later plan (\`deferred_changes\`): what they would change is not known yet.`);
      expect(lines.slice(1, -1)).toHaveLength(MAX_DEFERRED_LISTED);
      expect(lines.at(-1)).toBe("…and 2 more deferred");
    });
  });
});

describe("parseTerraformPlan: errors fail closed", () => {
  test.each([
    ["truncated JSON", '{"format_version": "1.2", "resource_changes": [', /^plan JSON could not be parsed: /],
    ["not JSON at all", "Error: Failed to load plan", /^plan JSON could not be parsed: Unexpected token 'E'$/],
    ["an empty string", "", /^plan JSON could not be parsed: /],
    ["JSON that is not an object", "[1,2]", /^plan JSON has an unexpected shape/],
    ["no format_version", JSON.stringify({ resource_changes: [] }), /^plan JSON has an unexpected shape at format_version: /],
    ["format_version 0.3 (never written: 0.1 and 0.2 were the only 0.x)", plan({ format_version: "0.3" }), /^unsupported plan format_version 0\.3$/],
    ["format_version 0.12 (a Terraform version, not a format)", plan({ format_version: "0.12" }), /^unsupported plan format_version 0\.12$/],
    ["format_version 1 (no minor)", plan({ format_version: "1" }), /^unsupported plan format_version 1$/],
    ["format_version 1.2.0", plan({ format_version: "1.2.0" }), /^unsupported plan format_version 1\.2\.0$/],
    ["a format_version too odd to quote", plan({ format_version: "<b>9.9</b>" }), /^unsupported plan format_version$/],
    ["actions that are not a list", plan({ resource_changes: [change("a.b", ["update"], {}, {}), { address: "a.c", change: { actions: "update" } }] }), /^plan JSON has an unexpected shape at resource_changes\[1\]\.change\.actions: /],
    ["an entry without an address", plan({ resource_drift: [{ change: { actions: ["update"] } }] }), /at resource_drift\[0\]\.address/],
    ["complete that is not a boolean", plan({ complete: "false" }), /^plan JSON has an unexpected shape at complete: /],
    ["a deferred change without an address", plan({ deferred_changes: [{ reason: "unknown", resource_change: {} }] }), /at deferred_changes\[0\]\.resource_change\.address/],
    [
      "the JSON of a state, not of a plan (`terraform show -json` without a plan file): before, read as a plan without drift",
      JSON.stringify({ format_version: "1.0", terraform_version: "1.9.5", values: { root_module: { resources: [] } } }),
      /^the JSON holds no plan \(no planned_values, resource_changes or resource_drift\): is it `terraform show -json` of a state\?$/,
    ],
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
    ["forget (a removed block with destroy = false)", ["forget"], "would be removed from the state, not destroyed"],
    ["create then forget (Terraform: a replacement that keeps the old object; before: would change (create+forget))", ["create", "forget"], "must be replaced; the old object would be removed from the state, not destroyed"],
    ["forget then create (OpenTofu's order of the same)", ["forget", "create"], "must be replaced; the old object would be removed from the state, not destroyed"],
    ["an action Terraform may add later", ["delete", "forget"], "would change (delete+forget)"],
  ])("title for %s", (_name, actions, words) => {
    const [item] = itemsOf(plan({ resource_changes: [change("test_instance.x", actions, { a: 1 }, { a: 1 })] }));
    expect(item?.title).toBe(`\`test_instance.x\` ${words}`);
  });

  test("an action that is not a lower-case word is shown escaped", () => {
    const [item] = itemsOf(plan({ resource_changes: [change("a.b", ["*Bold*"], {}, {})] }));
    expect(item?.title).toBe("`a.b` would change (\\*Bold\\*)");
    expect(item?.details).toContain("Actions: \\*Bold\\*");
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
