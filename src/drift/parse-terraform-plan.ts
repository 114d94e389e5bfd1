/*
 * The reader of `terraform show -json PLANFILE` (and `tofu show -json`, the same format).
 * Where each rule comes from:
 * - [docs]: "JSON Output Format", developer.hashicorp.com/terraform/internals/json-format (plan,
 *   change and values representations); OpenTofu's copy, opentofu.org/docs/internals/json-format.
 * - [tf-src]: hashicorp/terraform internal/command/jsonplan/plan.go and resource.go (what is
 *   written and since which release tag), internal/command/jsonformat/plan.go (Terraform's own
 *   words for each case).
 * - [tofu-src]: the same files in opentofu/opentofu.
 */
import { z } from "zod";
import type { DriftItem } from "./drift-item.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { MAX_PLAN_FILE_BYTES } from "../github/terraform-artifact.js";
import { jsonComplexity } from "./json-complexity.js";
import { ACTION_REASONS, DEFERRED_REASONS } from "./plan-reasons.js";

/**
 * A plan's JSON is read whole into memory: past the artifact's file limit it is refused rather
 * than allowed to exhaust the process (the figure and its measurement are at MAX_PLAN_FILE_BYTES).
 */
export const MAX_PLAN_BYTES = MAX_PLAN_FILE_BYTES;

/**
 * Nesting the plan may have. Terraform's own output nests a resource's values as deep as its
 * schema (blocks in blocks: a few levels, a dozen for the deepest providers), plus five levels of
 * the plan around them; 64 leaves room for any of it. Deeper JSON is refused before it is parsed:
 * the walks over `before`/`after` recurse, and a plan 5,000 levels deep overflowed the stack.
 */
export const MAX_PLAN_NESTING = 64;

/**
 * Tokens the plan may hold (see jsonComplexity): what bounds the memory JSON.parse takes, where
 * the text's length does not. The costliest shape measured (objects with distinct keys, each a
 * new hidden class) takes about 77 bytes of memory per token: 38 MB at this count, which leaves
 * room in SPEC section 10 rule 8's 100 MB for the download's buffers and the text. A real plan
 * spends about 6 bytes of compact JSON per token: some 3 MB of plan (test/drift/plan-memory.test.ts).
 */
export const MAX_PLAN_TOKENS = 500_000;

/** An item lists this many changed attribute names at most; a resource can have hundreds. */
export const MAX_ATTRIBUTES_LISTED = 30;

/** Deferred changes named one by one; the count says how many there were (a plan can defer hundreds). */
export const MAX_DEFERRED_LISTED = 10;

/**
 * [docs] "We will increment the minor version for backward-compatible changes or additions.
 * Ignore any object properties with unrecognized names … Reject any input which reports an
 * unsupported major version." Versions written ([tf-src] FormatVersion at each release tag):
 * 0.1 by Terraform 0.12.0 to 1.0.0, 0.2 by 1.0.1 to 1.0.11, 1.0 by 1.1, 1.1 by 1.2 to 1.4, 1.2 by
 * 1.5 and later and by every OpenTofu (1.6 onward). A 0.x plan is a subset of 1.x: what 1.x added
 * (`before_sensitive` in 0.15, `resource_drift`, `replace_paths` and `action_reason` in 0.15.4,
 * `previous_address` in 1.1, `importing` in 1.5, `errored` in 1.6, `complete` in 1.8,
 * `deferred_changes` in 1.9) is optional here. 0.1 and 0.2 are the only 0.x versions there were.
 */
const SUPPORTED_FORMAT = /^(?:0\.[12]|1\.\d+)$/;

/**
 * Only what we read is validated; every other key is ignored (forward compatible, as [docs]
 * asks). The values (`before`, `after`, `importing`, `generated_config`) are never rendered:
 * `terraform show -json` prints sensitive values in clear, so they are only compared or tested
 * for presence, never shown.
 */
const changeSchema = z.object({
  actions: z.array(z.string()).min(1),
  // Each may be absent: Terraform omits what a version does not write (no `*_sensitive` before
  // 0.15) and what is empty ([tf-src] `omitempty`). Zod's unknown() alone would require the key.
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  // [docs]: present "only when the object is being imported"; [tf-src]: "the actual contents of
  // the Importing struct is subject to change … treat any values in here as strictly optional".
  importing: z.unknown().optional(),
  generated_config: z.unknown().optional(),
});

const resourceChangeSchema = z.object({
  address: z.string().min(1),
  // [docs]: "Included only if the address has changed, e.g. by handling a "moved" block".
  previous_address: z.string().min(1).optional(),
  deposed: z.string().min(1).optional(),
  action_reason: z.string().optional(),
  // [docs]: "mode can be "managed", for resources, or "data", for data resources"; `type` is the
  // resource type. Optional: only the immutable check reads them, and it falls back on the address.
  mode: z.string().optional(),
  type: z.string().optional(),
  module_address: z.string().optional(),
  change: changeSchema,
});
type ResourceChange = z.infer<typeof resourceChangeSchema>;
type Change = ResourceChange["change"];

/** [tf-src] DeferredResourceChange: `{reason, resource_change}`; only the address is shown. */
const deferredChangeSchema = z.object({
  reason: z.string().optional(),
  resource_change: z.object({ address: z.string().min(1), deposed: z.string().min(1).optional() }),
});

/**
 * The plan's top level. Not read, on purpose: `output_changes` (outputs are not infrastructure),
 * `relevant_attributes` (a filter of `resource_drift` for display: every drift counts here),
 * `checks` (conditions, not drift), `applyable` (whether applying would change anything: the
 * entries say what), `action_invocations` (Terraform 1.14 actions run at apply, they are not
 * state), and `prior_state`, `planned_values`, `configuration` and `variables` (values, and the
 * configuration Git already holds).
 */
const planSchema = z.object({
  format_version: z.string(),
  // [docs] "complete indicates that Terraform expects that after applying this plan the actual
  // state will match the desired state"; [tf-src] context_plan.go sets it only for a plan without
  // errors, `-target` or deferrals. Absent before Terraform 1.8 and in every OpenTofu plan.
  complete: z.boolean().optional(),
  // [docs] "errored indicates whether planning failed".
  errored: z.boolean().optional(),
  resource_drift: z.array(resourceChangeSchema).optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  deferred_changes: z.array(deferredChangeSchema).optional(),
  // Present in every plan Terraform or OpenTofu writes (a struct, never omitted): a file with none
  // of these is not a plan (`terraform show -json` of a state has `values` instead).
  planned_values: z.unknown().optional(),
});
type Plan = z.infer<typeof planSchema>;

/**
 * `incomplete`: why the plan does not cover every resource (markdown lines, already escaped);
 * empty when it does. The items of an incomplete plan are real, but its silence proves nothing.
 */
export type ParsedPlan = { ok: true; items: DriftItem[]; incomplete: string[] } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a `*_sensitive` or `after_unknown` marker holds `true` anywhere. */
function marks(marker: unknown): boolean {
  if (marker === true) return true;
  if (Array.isArray(marker)) return marker.some(marks);
  if (isRecord(marker)) return Object.values(marker).some(marks);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => deepEqual(value, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function valueAt(parent: unknown, key: string): unknown {
  return isRecord(parent) ? parent[key] : undefined;
}

/** A marker of `true` covers everything under it: a whole sensitive object marks each attribute. */
function markAt(marker: unknown, key: string): unknown {
  return marker === true ? true : valueAt(marker, key);
}

/** One step of a path (an attribute or map key, or a list index) into a marker. */
function markStep(marker: unknown, step: string | number): unknown {
  if (marker === true) return true;
  if (typeof step === "number") return Array.isArray(marker) ? marker[step] : undefined;
  return valueAt(marker, step);
}

/**
 * [docs] `before_sensitive`/`after_sensitive` "should be combined with before and after to
 * prevent accidental display of sensitive values". Plans of Terraform before 0.15 (format 0.1)
 * have neither ([tf-src] v0.14 wrote no sensitivity at all): there, nothing can be known to be
 * safe below an attribute's own name, which comes from the provider's schema.
 */
function marksKnown(change: Change): boolean {
  return change.before_sensitive != null || change.after_sensitive != null;
}

interface ChangedAttribute {
  name: string;
  sensitive: boolean;
  unknown: boolean;
}

/**
 * Names of the attributes whose value differs between before and after, or becomes known only
 * at apply; one level of nested objects is opened (`tags.Owner`) when the plan marks sensitive
 * values. A sensitive attribute is never opened: even the keys of a sensitive map can be secret.
 */
function changedAttributes(change: Change): ChangedAttribute[] {
  const { before, after, after_unknown: unknown, before_sensitive: beforeSensitive, after_sensitive: afterSensitive } = change;
  const open = marksKnown(change);
  const keys = new Set([...(isRecord(before) ? Object.keys(before) : []), ...(isRecord(after) ? Object.keys(after) : []), ...(isRecord(unknown) ? Object.keys(unknown) : [])]);
  const changed: ChangedAttribute[] = [];
  for (const key of [...keys].sort()) {
    const oldValue = valueAt(before, key);
    const newValue = valueAt(after, key);
    const unknownMark = markAt(unknown, key);
    const sensitive = marks(markAt(beforeSensitive, key)) || marks(markAt(afterSensitive, key));
    if (open && !sensitive && isRecord(oldValue) && isRecord(newValue) && unknownMark !== true) {
      const subKeys = new Set([...Object.keys(oldValue), ...Object.keys(newValue), ...(isRecord(unknownMark) ? Object.keys(unknownMark) : [])]);
      for (const subKey of [...subKeys].sort()) {
        const subUnknown = marks(markAt(unknownMark, subKey));
        if (subUnknown || !deepEqual(oldValue[subKey], newValue[subKey])) changed.push({ name: `${key}.${subKey}`, sensitive: false, unknown: subUnknown });
      }
      continue;
    }
    const isUnknown = marks(unknownMark);
    if (isUnknown || !deepEqual(oldValue, newValue)) changed.push({ name: key, sensitive, unknown: isUnknown });
  }
  return changed;
}

function attributeList(attributes: readonly ChangedAttribute[]): string {
  const shown = attributes.slice(0, MAX_ATTRIBUTES_LISTED).map((attribute) => {
    const notes = [attribute.sensitive ? "sensitive" : "", attribute.unknown ? "known after apply" : ""].filter(Boolean);
    return notes.length > 0 ? `${inlineLiteral(attribute.name)} (${notes.join(", ")})` : inlineLiteral(attribute.name);
  });
  if (attributes.length > MAX_ATTRIBUTES_LISTED) shown.push(`…${attributes.length - MAX_ATTRIBUTES_LISTED} more`);
  return shown.join(", ");
}

/** `["ebs_block_device", 0, "volume_size"]` → `ebs_block_device[0].volume_size`: names and indices, never values. */
function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((step, index) => (typeof step === "number" ? `[${step}]` : index === 0 ? step : `.${step}`)).join("");
}

/**
 * The paths that force a replacement ([docs] `replace_paths`: steps are attribute names, map
 * keys and list indices), each cut at its first step whose value is marked sensitive: below a
 * sensitive map, the keys themselves can be secret (`map.key_two.id` shows `map` (sensitive)).
 * Without sensitivity marks every path is cut after its first step, the attribute's own name.
 */
function replacePaths(change: Change): string[] {
  const known = marksKnown(change);
  const shown = new Set<string>();
  for (const path of change.replace_paths ?? []) {
    let cut = known ? path.length : Math.min(path.length, 1);
    let sensitive = false;
    let before = change.before_sensitive;
    let after = change.after_sensitive;
    for (let index = 0; known && index < path.length; index++) {
      const step = path[index] as string | number;
      before = markStep(before, step);
      after = markStep(after, step);
      if (before === true || after === true) {
        cut = index + 1;
        sensitive = true;
        break;
      }
    }
    shown.add(`${inlineLiteral(pathText(path.slice(0, cut)))}${sensitive ? " (sensitive)" : ""}`);
  }
  return [...shown];
}

/**
 * The documented action lists: [docs] `["no-op"]`, `["create"]`, `["read"]`, `["update"]`,
 * `["delete","create"]`, `["create","delete"]`, `["delete"]`; [tf-src] adds `["forget"]` (1.7,
 * a `removed` block with `destroy = false`) and `["create","forget"]` (a replacement whose old
 * object is kept); [tofu-src] writes `["forget"]` (1.7) and `["forget","create"]` (1.12,
 * `lifecycle { destroy = false }`). Any other list is a combination a later version may add.
 */
type ActionKind = "create" | "update" | "delete" | "replace" | "forget" | "replace-forget" | "no-op" | "read" | "other";

function actionKind(actions: readonly string[]): ActionKind {
  switch (actions.join(",")) {
    case "create":
    case "update":
    case "delete":
    case "forget":
    case "no-op":
    case "read":
      return actions[0] as ActionKind;
    case "delete,create":
    case "create,delete":
      return "replace";
    case "create,forget":
    case "forget,create":
      return "replace-forget";
    default:
      return "other";
  }
}

/** Terraform's action names are lower-case words; anything else in the file is shown escaped. */
function actionText(action: string): string {
  return /^[a-z+-]{1,40}$/.test(action) ? action : escapeInlineText(action, 40);
}

/** The words of Terraform's own plan ([tf-src] jsonformat: "will be created", "must be replaced"…). */
function plannedVerb(kind: ActionKind, actions: readonly string[]): string {
  switch (kind) {
    case "create":
      return "would be created";
    case "update":
      return "would be updated in place";
    case "delete":
      return "would be destroyed";
    case "replace":
      return "must be replaced";
    case "forget":
      return "would be removed from the state, not destroyed";
    case "replace-forget":
      return "must be replaced; the old object would be removed from the state, not destroyed";
    case "no-op":
    case "read":
    case "other":
      return `would change (${actions.map(actionText).join("+")})`;
  }
}

function movedFrom(entry: ResourceChange): string | null {
  return entry.previous_address !== undefined && entry.previous_address !== entry.address ? entry.previous_address : null;
}

/** [docs] "importing is present only when the object is being imported"; its content is never shown. */
function isImported(entry: ResourceChange): boolean {
  return entry.change.importing != null;
}

function reasonText(code: string): string {
  return Object.hasOwn(ACTION_REASONS, code) ? (ACTION_REASONS[code] as string) : inlineLiteral(code, 60);
}

/** What the plan says about one entry that changes something (never a no-op: see moveItem, importItem). */
function describeChange(entry: ResourceChange, kind: ActionKind): string[] {
  const { change } = entry;
  const details = [`Actions: ${change.actions.map(actionText).join(", ")}`];
  if (entry.action_reason) details.push(`Reason: ${reasonText(entry.action_reason)}`);
  const moved = movedFrom(entry);
  if (moved) details.push(`Moved from ${inlineLiteral(moved)} (a \`moved\` block): the move is recorded at the next apply.`);
  if (isImported(entry)) {
    details.push("It would be imported first (an `import` block); the import ID is not shown.");
    if (kind === "replace") details.push("Warning: the plan imports the object, then destroys it.");
  }
  if (typeof change.generated_config === "string" && change.generated_config.length > 0) details.push("Its configuration would be generated (`-generate-config-out`); the generated text is not shown.");
  // A whole new, gone or forgotten object changes every attribute: listing them says nothing.
  const listsAttributes = kind === "update" || kind === "replace" || kind === "replace-forget" || kind === "other";
  if (listsAttributes) {
    const attributes = changedAttributes(change);
    details.push(attributes.length > 0 ? `Changed attributes: ${attributeList(attributes)}` : "Changed attributes: none visible in the plan");
  }
  const paths = replacePaths(change);
  if (paths.length > 0) details.push(`Forces replacement: ${paths.join(", ")}`);
  if ((listsAttributes || paths.length > 0) && !marksKnown(change)) {
    details.push("This plan marks no value as sensitive (Terraform before 0.15): only attribute names from the provider's schema are shown.");
  }
  return details;
}

/** `aws_instance.web`, or `aws_instance.web (deposed 00000001)` for an object left by create_before_destroy. */
function subjectOf(entry: ResourceChange): { id: string; shown: string } {
  if (!entry.deposed) return { id: `terraform:${entry.address}`, shown: inlineLiteral(entry.address) };
  return { id: `terraform:${entry.address}#deposed=${entry.deposed}`, shown: `${inlineLiteral(entry.address)} (deposed object ${inlineLiteral(entry.deposed, 40)})` };
}

function replaceCommand(address: string): string {
  return inlineLiteral(`/pipeline-guard replace ${address}`, 300);
}

const APPLY = "Apply from the production branch through the pipeline";

/**
 * What the plan does to an entry, in the words of Terraform's own plan ([tf-src] jsonformat: "will
 * be created", "must be replaced", "has moved to", "will be imported"…), with the move and the
 * import it carries: "would be updated in place (moved from `x`; imported first)".
 */
function plannedPhrase(entry: ResourceChange, kind: ActionKind): string {
  const moved = movedFrom(entry);
  const movedNote = moved ? `moved from ${inlineLiteral(moved)}` : "";
  if (kind === "no-op") {
    if (isImported(entry)) return `would be imported${moved ? ` (${movedNote})` : ""}`;
    // Callers show a no-op only for an import or a move.
    return `${movedNote}, not yet applied`;
  }
  const notes = [movedNote, isImported(entry) ? "imported first" : ""].filter(Boolean);
  return `${plannedVerb(kind, entry.change.actions)}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

/**
 * A `moved` block not applied yet, and nothing else. [tf-src] jsonplan.Marshal: "In refresh-only
 * mode, we render all resources marked as drifted, including those which have moved without
 * other changes": such an entry of `resource_drift` has the actions `["no-op"]` and is no drift;
 * a plan of another mode lists the same move in `resource_changes`. The object is not touched.
 */
function moveItem(entry: ResourceChange): DriftItem {
  const { id, shown } = subjectOf(entry);
  return {
    id,
    kind: "terraform",
    title: `${shown} ${plannedPhrase(entry, "no-op")}`,
    details: ["A `moved` block on the production branch gives it this address; the object itself does not change. Terraform records the move at the next apply."],
    fix: `${APPLY} to record the move; nothing is rebuilt.`,
  };
}

/**
 * An import and nothing else: [tf-src] renders `["no-op"]` with `importing` as "will be imported"
 * (Terraform 1.5 and later, OpenTofu 1.6 and later: an `import` block). The object is not touched.
 */
function importItem(entry: ResourceChange): DriftItem {
  const { id, shown } = subjectOf(entry);
  const moved = movedFrom(entry);
  const details = ["An `import` block on the production branch brings an existing object under Terraform; the object itself does not change. The import ID is not shown."];
  if (moved) details.push(`Moved from ${inlineLiteral(moved)} (a \`moved\` block): the move is recorded at the next apply.`);
  return { id, kind: "terraform", title: `${shown} ${plannedPhrase(entry, "no-op")}`, details, fix: `${APPLY} to complete the import.` };
}

/** A `resource_changes` entry as an item; null for what changes nothing (a data source read, a no-op). */
function changeItem(entry: ResourceChange): DriftItem | null {
  const kind = actionKind(entry.change.actions);
  if (kind === "read") return null;
  if (kind === "no-op") {
    if (isImported(entry)) return importItem(entry);
    return movedFrom(entry) ? moveItem(entry) : null;
  }
  const { id, shown } = subjectOf(entry);
  let fix = `${APPLY} (or revert the unapplied change through a pull request); never change it by hand.`;
  if ((kind === "replace" || kind === "replace-forget") && entry.action_reason === "replace_because_tainted") {
    fix = `Let the pipeline rebuild it: apply from the production branch, or ${replaceCommand(entry.address)}.`;
  } else if (kind === "forget" || kind === "replace-forget") {
    fix = `${APPLY}. The object it lets go of keeps running unmanaged: destroy it or import it again through the pipeline, never by hand.`;
  }
  return {
    id,
    kind: "terraform",
    title: `${shown} ${plannedPhrase(entry, kind)}`,
    details: ["The plan of the production branch changes it: Git and production differ.", ...describeChange(entry, kind)],
    fix,
  };
}

/**
 * A `resource_drift` entry ([docs] "the changes Terraform detected when it compared the most
 * recent state to the prior saved state"): `["update"]` changed, `["delete"]` deleted outside
 * Terraform ([tf-src] "has changed", "has been deleted"); `["no-op"]` is a move (moveItem) or,
 * without one, nothing.
 */
function driftItem(entry: ResourceChange, isImmutable: (resource: PlannedResource) => boolean): DriftItem | null {
  const kind = actionKind(entry.change.actions);
  const moved = movedFrom(entry);
  if (kind === "no-op") return moved ? moveItem(entry) : null;
  if (isImmutable(plannedResource(entry))) return snowflakeItem(entry, kind);
  const { id, shown } = subjectOf(entry);
  const action = kind === "other" || kind === "read" ? entry.change.actions.map(actionText).join("+") : kind;
  const what =
    kind === "delete"
      ? "Deleted outside Terraform: the object of the last applied state no longer exists."
      : "Changed outside Terraform: the refreshed object differs from the last applied state.";
  return {
    id,
    kind: "terraform",
    title: `${shown} drifted (${action})${moved ? `, moved from ${inlineLiteral(moved)}` : ""}`,
    details: [what, ...describeChange(entry, kind)],
    fix: `Re-apply from the production branch through the pipeline to put it back as Git says, or rebuild it: ${replaceCommand(entry.address)}. If the change should stay, write it into the Terraform code through a pull request.`,
  };
}

/**
 * A `resource_drift` entry of an immutable resource (`immutable.resources`, issue #13): someone
 * fixed it while it ran, which makes it a snowflake. It is not patched back: it is rebuilt from
 * the production branch's code. Same id as any drift of the address, so acceptances carry over.
 */
function snowflakeItem(entry: ResourceChange, kind: ActionKind): DriftItem {
  const { id, shown } = subjectOf(entry);
  const moved = movedFrom(entry);
  const what =
    kind === "delete"
      ? "Deleted outside Terraform: the object of the last applied state no longer exists."
      : "Changed outside Terraform while it ran: it no longer is what the code builds.";
  return {
    id,
    kind: "terraform",
    title: `${shown} is a snowflake: an immutable resource ${kind === "delete" ? "deleted" : "changed"} by hand${moved ? `, moved from ${inlineLiteral(moved)}` : ""}`,
    details: [what, "It is immutable (`immutable.resources`): it is replaced by a new one built from code, never patched back in place.", ...describeChange(entry, kind)],
    fix: `Replace it through the pipeline: ${replaceCommand(entry.address)}. If the change should stay, write it into the Terraform code through a pull request; the replacement then builds it.`,
    snowflake: true,
  };
}

function deferredReasonText(code: string | undefined): string {
  if (code === undefined) return DEFERRED_REASONS.unknown as string;
  return Object.hasOwn(DEFERRED_REASONS, code) ? (DEFERRED_REASONS[code] as string) : inlineLiteral(code, 60);
}

/**
 * Why the plan does not cover every resource ([docs] `errored`, `complete`; [tf-src]
 * `deferred_changes`, "This plan requires another plan to be applied first"). OpenTofu and
 * Terraform before 1.8 write no `complete`: their `-target` plans cannot be told apart.
 */
function incompleteReasons(plan: Plan): string[] {
  const reasons: string[] = [];
  if (plan.errored === true) {
    reasons.push("The plan errored (`errored: true`): Terraform stopped before it finished; what it lists is partial, and what it did not reach is unknown.");
  } else if (plan.complete === false) {
    reasons.push("The plan is not complete (`complete: false`): it was made with `-target`, or it leaves changes for a later plan; resources outside it were not checked.");
  }
  const deferred = plan.deferred_changes ?? [];
  if (deferred.length > 0) {
    reasons.push(`${deferred.length === 1 ? "1 change was" : `${deferred.length} changes were`} deferred to a later plan (\`deferred_changes\`): what they would change is not known yet.`);
    for (const { reason, resource_change: change } of deferred.slice(0, MAX_DEFERRED_LISTED)) {
      const shown = change.deposed ? `${inlineLiteral(change.address)} (deposed object ${inlineLiteral(change.deposed, 40)})` : inlineLiteral(change.address);
      reasons.push(`deferred: ${shown} (${deferredReasonText(reason)})`);
    }
    if (deferred.length > MAX_DEFERRED_LISTED) reasons.push(`…and ${deferred.length - MAX_DEFERRED_LISTED} more deferred`);
  }
  return reasons;
}

/**
 * V8 quotes the start of the input in some JSON.parse errors (`Unexpected token 'h', "hunter2"
 * is not valid JSON`): a plan holds secrets in clear, so the quote is cut away.
 */
function parseErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/,?\s*".*$/s, "").slice(0, 200);
}

function shapeErrorText(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue ? issue.path.map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`)).join("").replace(/^\./, "") : "";
  return `plan JSON has an unexpected shape${path ? ` at ${path}` : ""}: ${issue?.message ?? "invalid"}`;
}

/**
 * The drift items of `terraform show -json PLANFILE`: every `resource_drift` entry (changed or
 * deleted outside Terraform; a no-op there is a pending move), and every `resource_changes`
 * entry that changes something, moves or imports (Git and production differ); data source reads
 * and no-ops are skipped. One item per address: a resource both drifted and planned keeps its
 * drift title and gets the planned change in its details. Fails closed: a plan it cannot fully
 * read is an error for the caller to report, never an empty list; a plan that does not cover
 * every resource says so in `incomplete`. `isImmutable`: the resources whose drift is a snowflake.
 */
export function parseTerraformPlan(json: string, options: { isImmutable?: (resource: PlannedResource) => boolean } = {}): ParsedPlan {
  const read = readPlan(json);
  if (!read.ok) return read;
  const { plan } = read;
  const isImmutable = options.isImmutable ?? (() => false);
  const items = new Map<string, DriftItem>();
  for (const entry of plan.resource_drift ?? []) {
    const item = driftItem(entry, isImmutable);
    if (item && !items.has(item.id)) items.set(item.id, item);
  }
  for (const entry of plan.resource_changes ?? []) {
    const item = changeItem(entry);
    if (!item) continue;
    const drifted = items.get(item.id);
    if (drifted) {
      drifted.details.push(`The plan of the production branch also changes it: it ${plannedPhrase(entry, actionKind(entry.change.actions))}.`);
    } else {
      items.set(item.id, item);
    }
  }
  return { ok: true, items: [...items.values()], incomplete: incompleteReasons(plan) };
}

/**
 * The plan, within the bounds of SPEC section 10 rule 8 (bytes, nesting, tokens), of a supported
 * format and shape. Fails closed: whatever cannot be fully read is an error, never an empty plan.
 */
function readPlan(json: string): { ok: true; plan: Plan } | { ok: false; error: string } {
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > MAX_PLAN_BYTES) return { ok: false, error: `plan JSON is ${bytes} bytes, more than the ${MAX_PLAN_BYTES} bytes read` };
  const complexity = jsonComplexity(json, { maxNesting: MAX_PLAN_NESTING, maxTokens: MAX_PLAN_TOKENS });
  if (complexity === "nesting") return { ok: false, error: `plan JSON nests deeper than ${MAX_PLAN_NESTING} levels` };
  if (complexity === "tokens") return { ok: false, error: `plan JSON is too large to read: more than ${MAX_PLAN_TOKENS} strings, brackets, commas and colons` };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return { ok: false, error: `plan JSON could not be parsed: ${parseErrorText(error)}` };
  }
  const version = isRecord(raw) ? raw.format_version : undefined;
  if (typeof version === "string" && !SUPPORTED_FORMAT.test(version)) {
    const shown = /^[\w.-]{1,20}$/.test(version) ? ` ${version}` : "";
    return { ok: false, error: `unsupported plan format_version${shown}` };
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: shapeErrorText(parsed.error) };
  const plan = parsed.data;
  if (plan.planned_values === undefined && plan.resource_changes === undefined && plan.resource_drift === undefined) {
    return { ok: false, error: "the JSON holds no plan (no planned_values, resource_changes or resource_drift): is it `terraform show -json` of a state?" };
  }
  return { ok: true, plan: parsed.data };
}

/**
 * One entry of a plan's `resource_changes` or `resource_drift`, as the immutable check reads it
 * (issue #13): what happens to which resource, and the *names* of what changes, never a value.
 */
export interface PlannedResource {
  address: string;
  /** The address within its module: `aws_instance.this[0]` of `module.db.aws_instance.this[0]`. */
  localAddress: string;
  /** The resource type (`aws_instance`): the entry's `type`, else read from the address. */
  type: string;
  /** `data` for a data source, which the plan only reads. */
  mode: "managed" | "data";
  actions: string[];
  previousAddress: string | null;
  deposed: string | null;
  actionReason: string | null;
  /** The changed attribute names, rendered (escaped, sensitive and unknown ones marked); "" when none is visible. */
  attributes: string;
  /** What forces a replacement (`replace_paths`, cut at sensitive steps), rendered. */
  replacePaths: string[];
}

export type PlanResources = { ok: true; changes: PlannedResource[]; drift: PlannedResource[]; incomplete: string[] } | { ok: false; error: string };

/** One module step of an address: `module.db.`, `module.db[0].`, `module.db["a.b"].`. */
const MODULE_STEP = /^module\.[A-Za-z0-9_-]+(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\./;

/** The address without its module path (Terraform's own module_address is used when present). */
function localAddressOf(entry: ResourceChange): string {
  const prefix = entry.module_address ? `${entry.module_address}.` : "";
  if (prefix && entry.address.startsWith(prefix)) return entry.address.slice(prefix.length);
  let rest = entry.address;
  for (let step = MODULE_STEP.exec(rest); step; step = MODULE_STEP.exec(rest)) rest = rest.slice(step[0].length);
  return rest;
}

function plannedResource(entry: ResourceChange): PlannedResource {
  const localAddress = localAddressOf(entry);
  const data = entry.mode === "data" || (entry.mode === undefined && localAddress.startsWith("data."));
  const typeFromAddress = (data ? localAddress.slice("data.".length) : localAddress).split(".")[0] ?? "";
  return {
    address: entry.address,
    localAddress,
    type: entry.type ?? typeFromAddress,
    mode: data ? "data" : "managed",
    actions: entry.change.actions,
    previousAddress: movedFrom(entry),
    deposed: entry.deposed ?? null,
    actionReason: entry.action_reason ?? null,
    attributes: attributeList(changedAttributes(entry.change)),
    replacePaths: replacePaths(entry.change),
  };
}

/**
 * The plan's entries one by one, read with the same bounds and rules as parseTerraformPlan (the
 * drift scan's reader), for a check that judges each resource (src/immutable/). Fails closed the
 * same way; `incomplete` says why the plan does not cover every resource.
 */
export function readPlanResources(json: string): PlanResources {
  const read = readPlan(json);
  if (!read.ok) return read;
  const { plan } = read;
  return {
    ok: true,
    changes: (plan.resource_changes ?? []).map(plannedResource),
    drift: (plan.resource_drift ?? []).map(plannedResource),
    incomplete: incompleteReasons(plan),
  };
}
