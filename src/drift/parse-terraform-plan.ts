import { z } from "zod";
import type { DriftItem } from "./drift-item.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { MAX_PLAN_FILE_BYTES } from "../github/terraform-artifact.js";
import { jsonComplexity } from "./json-complexity.js";

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

/**
 * Terraform's JSON output format: "a minor version for backward-compatible additions; reject any
 * input which reports an unsupported major version". Plans of Terraform before 1.1 (0.x) are
 * refused too.
 */
const SUPPORTED_FORMAT = /^1\.\d+$/;

/**
 * Only what we read is validated; every other key is ignored (forward compatible). The values
 * (`before`, `after`) are never rendered: `terraform show -json` prints sensitive values in
 * clear, so they are only compared, never shown.
 */
const resourceChangeSchema = z.object({
  address: z.string().min(1),
  deposed: z.string().min(1).optional(),
  action_reason: z.string().optional(),
  change: z.object({
    actions: z.array(z.string()).min(1),
    before: z.unknown(),
    after: z.unknown(),
    after_unknown: z.unknown(),
    before_sensitive: z.unknown(),
    after_sensitive: z.unknown(),
    replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  }),
});
type ResourceChange = z.infer<typeof resourceChangeSchema>;

const planSchema = z.object({
  format_version: z.string(),
  errored: z.boolean().optional(),
  resource_drift: z.array(resourceChangeSchema).optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
});

export type ParsedPlan = { ok: true; items: DriftItem[] } | { ok: false; error: string };

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

interface ChangedAttribute {
  name: string;
  sensitive: boolean;
  unknown: boolean;
}

/**
 * Names of the attributes whose value differs between before and after, or becomes known only
 * at apply; one level of nested objects is opened (`tags.Owner`). A sensitive attribute is never
 * opened: even the keys of a sensitive map can be secret names.
 */
function changedAttributes(change: ResourceChange["change"]): ChangedAttribute[] {
  const { before, after, after_unknown: unknown, before_sensitive: beforeSensitive, after_sensitive: afterSensitive } = change;
  const keys = new Set([...(isRecord(before) ? Object.keys(before) : []), ...(isRecord(after) ? Object.keys(after) : []), ...(isRecord(unknown) ? Object.keys(unknown) : [])]);
  const changed: ChangedAttribute[] = [];
  for (const key of [...keys].sort()) {
    const oldValue = valueAt(before, key);
    const newValue = valueAt(after, key);
    const unknownMark = markAt(unknown, key);
    const sensitive = marks(markAt(beforeSensitive, key)) || marks(markAt(afterSensitive, key));
    if (!sensitive && isRecord(oldValue) && isRecord(newValue) && unknownMark !== true) {
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

/** "create", "update", "delete", "replace", "forget", or the actions joined for a combination Terraform may add later. */
type Action = string;

function actionOf(actions: readonly string[]): Action {
  const sorted = [...actions].sort().join(",");
  if (sorted === "create,delete") return "replace";
  return actions.length === 1 ? (actions[0] ?? "") : actions.join("+");
}

/** Terraform's own words for a planned change (its CLI's "will be created", "must be replaced"…). */
const PLANNED: Record<string, string> = {
  create: "would be created",
  update: "would be updated in place",
  delete: "would be destroyed",
  replace: "must be replaced",
  forget: "would be removed from the state",
};

/** `action_reason` values Terraform writes (internal/command/jsonplan), in words. */
const REASONS: Record<string, string> = {
  replace_because_tainted: "the object is tainted",
  replace_because_cannot_update: "an attribute cannot be updated in place",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "`replace_triggered_by` fired",
  delete_because_no_resource_config: "its configuration is gone",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "its count index is gone",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_module: "its module is gone",
  delete_because_no_move_target: "a moved block points at it but it has no configuration",
};

/** Terraform's action names are lower-case words; anything else in the file is shown escaped. */
function actionText(action: Action): string {
  return /^[a-z+-]{1,40}$/.test(action) ? action : escapeInlineText(action, 40);
}

function describeChange(entry: ResourceChange, action: Action): string[] {
  const details = [`Actions: ${entry.change.actions.map(actionText).join(", ")}`];
  if (entry.action_reason) details.push(`Reason: ${REASONS[entry.action_reason] ?? inlineLiteral(entry.action_reason, 60)}`);
  // A whole new or gone object changes every attribute: listing them says nothing.
  if (action !== "create" && action !== "delete") {
    const attributes = changedAttributes(entry.change);
    details.push(attributes.length > 0 ? `Changed attributes: ${attributeList(attributes)}` : "Changed attributes: none visible in the plan");
  }
  const replacePaths = entry.change.replace_paths ?? [];
  if (replacePaths.length > 0) {
    details.push(`Forces replacement: ${replacePaths.map((path) => inlineLiteral(pathText(path))).join(", ")}`);
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

function driftItem(entry: ResourceChange): DriftItem {
  const action = actionOf(entry.change.actions);
  const { id, shown } = subjectOf(entry);
  return {
    id,
    kind: "terraform",
    title: `${shown} drifted (${actionText(action)})`,
    details: ["Changed outside Terraform: the refreshed object differs from the last applied state.", ...describeChange(entry, action)],
    fix: `Re-apply from the production branch through the pipeline to put it back as Git says, or rebuild it: ${replaceCommand(entry.address)}. If the change should stay, write it into the Terraform code through a pull request.`,
  };
}

function changeItem(entry: ResourceChange): DriftItem {
  const action = actionOf(entry.change.actions);
  const { id, shown } = subjectOf(entry);
  const verb = PLANNED[action] ?? `would change (${actionText(action)})`;
  return {
    id,
    kind: "terraform",
    title: `${shown} ${verb}`,
    details: ["The plan of the production branch changes it: Git and production differ.", ...describeChange(entry, action)],
    fix:
      action === "replace" && entry.action_reason === "replace_because_tainted"
        ? `Let the pipeline rebuild it: apply from the production branch, or ${replaceCommand(entry.address)}.`
        : "Apply from the production branch through the pipeline (or revert the unapplied change through a pull request); never change it by hand.",
  };
}

function skipped(entry: ResourceChange): boolean {
  const actions = entry.change.actions;
  return actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read");
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
 * The drift items of `terraform show -json PLANFILE`: every `resource_drift` entry (changed
 * outside Terraform) and every `resource_changes` entry that is not a no-op or a data source
 * read (Git and production differ). One item per address: a resource both drifted and planned
 * keeps its drift title and gets the planned change in its details. Fails closed: a plan it
 * cannot fully read is an error for the caller to report, never an empty list.
 */
export function parseTerraformPlan(json: string): ParsedPlan {
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
  // An errored plan lists only what Terraform got to: reporting it would hide the rest.
  if (parsed.data.errored === true) return { ok: false, error: "the plan errored: Terraform could not finish it" };

  const items = new Map<string, DriftItem>();
  for (const entry of parsed.data.resource_drift ?? []) {
    const item = driftItem(entry);
    if (!items.has(item.id)) items.set(item.id, item);
  }
  for (const entry of parsed.data.resource_changes ?? []) {
    if (skipped(entry)) continue;
    const item = changeItem(entry);
    const drifted = items.get(item.id);
    if (drifted) {
      const action = actionOf(entry.change.actions);
      drifted.details.push(`The plan of the production branch also changes it: it ${PLANNED[action] ?? `would change (${actionText(action)})`}.`);
    } else {
      items.set(item.id, item);
    }
  }
  return { ok: true, items: [...items.values()] };
}
