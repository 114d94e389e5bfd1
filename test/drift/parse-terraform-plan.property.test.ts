import fc from "fast-check";
import { emptyDriftState, mergeScan } from "../../src/drift/drift-state.js";
import { driftBlock } from "../../src/drift/record.js";
import { renderDriftReport, renderNewItemsComment } from "../../src/drift/render-drift-report.js";
import { terraformItems } from "../../src/drift/terraform-items.js";
import type { WorkflowRunFact } from "../../src/github/terraform-artifact.js";

const RUNS = { numRuns: 300 };
const NOW = new Date("2026-11-20T12:00:00Z");
const RUN: WorkflowRunFact = {
  id: 1,
  conclusion: "success",
  status: "completed",
  html_url: "https://github.com/acme/shop/actions/runs/1",
  head_sha: "abc",
  head_branch: "main",
  event: "schedule",
  fromThisRepository: true,
  updated_at: "2026-11-20T06:00:00Z",
};
const TERRAFORM = { workflow: "drift.yml", artifact: "terraform-plan", file: "plan.json", max_age_hours: 26, dispatch: false };
const REPORT = { owner: "acme", repo: "shop" };

const hex = (prefix: string) => fc.string({ unit: fc.constantFrom(..."0123456789ABCDEF"), minLength: 10, maxLength: 10 }).map((digits) => `${prefix}${digits}`);
/** A value: nothing else the report writes looks like one, so that any leak is seen. */
const secretValue = hex("V");
/** A key that may be secret: a key of a map marked sensitive, or of a plan that marks nothing. */
const secretKey = hex("K");
const LEAKS = /[VK][0-9A-F]{10}/;
/** Attribute names and the keys of maps that are not sensitive: shown by design. */
const plainName = fc.string({ unit: fc.constantFrom(..."abcdefgh_"), minLength: 1, maxLength: 6 });

type Sensitivity = "none" | "whole" | "leaf";

interface Attribute {
  name: string;
  before: unknown;
  after: unknown;
  /** The mark of this attribute in before_sensitive/after_sensitive (undefined: none). */
  mark: unknown;
  keys: string[];
}

/** Values of one shape: a scalar, a list, a map of scalars or a map of objects, every leaf a secret. */
function valueOf(shape: "scalar" | "list" | "map" | "nested", keys: readonly string[]): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(secretValue, fc.integer(), fc.boolean(), fc.constant(null));
  switch (shape) {
    case "scalar":
      return leaf;
    case "list":
      return fc.array(secretValue, { maxLength: 3 });
    case "map":
      return fc.tuple(...keys.map(() => fc.option(secretValue, { nil: undefined }))).map((values) => Object.fromEntries(keys.flatMap((key, i) => (values[i] === undefined ? [] : [[key, values[i]]]))));
    case "nested":
      return fc.tuple(...keys.map(() => secretValue)).map((values) => Object.fromEntries(keys.map((key, i) => [key, { id: values[i] }])));
  }
}

function markOf(sensitivity: Sensitivity, shape: string, keys: readonly string[]): unknown {
  if (sensitivity === "whole") return true;
  if (sensitivity === "none") return undefined;
  if (shape === "map") return Object.fromEntries(keys.map((key) => [key, true]));
  if (shape === "nested") return Object.fromEntries(keys.map((key) => [key, { id: true }]));
  return shape === "list" ? [true, true, true] : true;
}

function attribute(marksKnown: boolean): fc.Arbitrary<Attribute> {
  return fc
    .record({
      name: plainName,
      shape: fc.constantFrom("scalar", "list", "map", "nested") as fc.Arbitrary<"scalar" | "list" | "map" | "nested">,
      sensitivity: fc.constantFrom<Sensitivity>("none", "whole", "leaf"),
      plainKeys: fc.uniqueArray(plainName, { minLength: 1, maxLength: 3 }),
      secretKeys: fc.uniqueArray(secretKey, { minLength: 1, maxLength: 3 }),
    })
    .chain(({ name, shape, sensitivity, plainKeys, secretKeys }) => {
      // Keys are secret under a whole sensitive mark, and wherever the plan marks nothing.
      const keys = sensitivity === "whole" || !marksKnown ? secretKeys : plainKeys;
      return fc.record({ before: valueOf(shape, keys), after: valueOf(shape, keys) }).map(({ before, after }) => ({ name, before, after, mark: markOf(sensitivity, shape, keys), keys }));
    });
}

const ACTIONS = [["no-op"], ["create"], ["read"], ["update"], ["delete", "create"], ["create", "delete"], ["delete"], ["forget"], ["create", "forget"], ["forget", "create"], ["read", "update"]];
const REASONS = ["replace_because_tainted", "replace_because_cannot_update", "delete_because_enabled_false", "forgot_because_lifecycle_destroy_in_state", "some_future_reason"];

/** One resource_changes / resource_drift entry built from random attributes, marks, moves and imports. */
function entry(index: number, marksKnown: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      attributes: fc.uniqueArray(attribute(marksKnown), { maxLength: 4, selector: (a) => a.name }),
      actions: fc.constantFrom(...ACTIONS),
      moved: fc.boolean(),
      reason: fc.option(fc.constantFrom(...REASONS), { nil: undefined }),
      importing: fc.option(fc.oneof(secretValue.map((id) => ({ id })), fc.constant({ unknown: true }), secretValue.map((id) => ({ identity: { id } }))), { nil: undefined }),
      generated: fc.option(secretValue, { nil: undefined }),
      unknownFirst: fc.boolean(),
      pathDepth: fc.nat({ max: 3 }),
      deposed: fc.option(fc.constant("00000001"), { nil: undefined }),
    })
    .map(({ attributes, actions, moved, reason, importing, generated, unknownFirst, pathDepth, deposed }) => {
      const before = Object.fromEntries(attributes.map((a) => [a.name, a.before]));
      const after = Object.fromEntries(attributes.map((a) => [a.name, a.after]));
      const marks = Object.fromEntries(attributes.flatMap((a) => (a.mark === undefined ? [] : [[a.name, a.mark]])));
      // Paths into every attribute, through its keys (and a list index): where keys can leak.
      const paths = attributes.map((a) => [a.name, ...(a.keys[0] ? [a.keys[0]] : []), 0, "id"].slice(0, 1 + pathDepth));
      const change: Record<string, unknown> = {
        actions,
        before,
        after,
        after_unknown: unknownFirst && attributes[0] ? { [attributes[0].name]: true } : {},
        ...(marksKnown ? { before_sensitive: marks, after_sensitive: marks } : {}),
        ...(paths.length > 0 ? { replace_paths: paths } : {}),
        ...(importing ? { importing } : {}),
        ...(generated ? { generated_config: `resource "x" "y" { password = "${generated}" }` } : {}),
      };
      return {
        address: `test_instance.r${index}`,
        ...(moved ? { previous_address: `test_instance.old${index}` } : {}),
        ...(deposed ? { deposed } : {}),
        mode: "managed",
        type: "test_instance",
        name: `r${index}`,
        provider_name: "registry.terraform.io/hashicorp/test",
        change,
        ...(reason ? { action_reason: reason } : {}),
      };
    });
}

const entries = (marksKnown: boolean, from: number) => fc.integer({ min: 0, max: 4 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => entry(from + i, marksKnown))));

/** A plan of any documented version, with random resources, attributes and sensitivity marks. */
const anyPlan = fc.boolean().chain((marksKnown) =>
  fc
    .record({
      format_version: marksKnown ? fc.constantFrom("0.1", "0.2", "1.0", "1.1", "1.2", "1.9") : fc.constant("0.1"),
      resource_drift: entries(marksKnown, 0),
      resource_changes: entries(marksKnown, 2),
      deferred: entries(marksKnown, 10),
      deferredReason: fc.constantFrom("instance_count_unknown", "absent_prereq", "new_reason"),
      complete: fc.option(fc.boolean(), { nil: undefined }),
      errored: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ deferred, deferredReason, complete, errored, ...plan }) => ({
      ...plan,
      planned_values: {},
      ...(deferred.length > 0 ? { deferred_changes: deferred.map((resource_change) => ({ reason: deferredReason, resource_change })) } : {}),
      ...(complete === undefined ? {} : { complete }),
      ...(errored === undefined ? {} : { errored }),
    })),
);

/** Everything the app writes from the plan: the report's body and the comment naming new items. */
function rendered(planJson: string): string {
  const items = terraformItems({ fetch: { kind: "plan", run: RUN, text: planJson }, terraform: TERRAFORM, branch: "main", now: NOW });
  const merged = mergeScan({ previous: emptyDriftState(), found: items, now: NOW });
  const body = renderDriftReport({ ...REPORT, open: merged.open, accepted: merged.accepted, state: merged.state, block: driftBlock(REPORT, 7, merged.state), now: NOW });
  return `${body}\n${renderNewItemsComment(merged.newItems)}`;
}

/*
 * Checked to fail, each time with a counterexample, when the reader: cut no replace path at its
 * sensitive step; printed `importing`; opened nested objects of a plan without marks; cut no
 * replace path of such a plan.
 */
describe("parseTerraformPlan properties: no value of the plan reaches the report", () => {
  test("for any plan of random resources, attributes and sensitivity marks, no `before`, `after` or `importing` value (nor a sensitive map's key) appears in the rendered report", () => {
    fc.assert(
      fc.property(anyPlan, (plan) => {
        const json = JSON.stringify(plan);
        const text = rendered(json);
        // The plan did hold secrets, and was read (not refused as unreadable).
        expect(text).not.toContain("could not be read");
        expect(text).not.toMatch(LEAKS);
      }),
      RUNS,
    );
  });
});
