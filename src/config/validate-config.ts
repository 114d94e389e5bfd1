import type { z } from "zod";
import { configSchema, finishConfig, type Config } from "./schema.js";

/**
 * One problem in a configuration file, at a readable key path such as `markers.skip-tests.follow_up[0]`.
 * `fallback: "strictest"` marks the note that a whole policy took its strictest setting (rule 11).
 */
export interface ConfigError {
  path: string;
  message: string;
  fallback?: "strictest";
}

/** The configuration to use, and what was wrong with the file (empty when nothing was). */
export interface ValidatedConfig {
  config: Config;
  errors: ConfigError[];
}

/**
 * Each pass resets the broken keys to their defaults and parses again. One pass repairs every issue
 * zod reports, since the schema has no refinements that only run once the rest is valid; the spare
 * passes are a guard, after which the whole of the defaults apply.
 */
const MAX_REPAIR_PASSES = 5;

/**
 * The errors shown are capped so that a huge, broken file cannot produce a check run summary or a
 * comment past GitHub's 65,536-character limits; the last entry says how many more there were.
 */
export const MAX_CONFIG_ERRORS = 100;

const ROOT_PATH = "(root)";

/**
 * Who may use markers and who may run commands: a broken value there falls back to the strictest
 * setting (admins only, no team, no user), not to the default, so that a typo such as
 * `permission: Admin` never lets more people through than the file meant (SPEC section 10, rule 11).
 */
const STRICTEST_ALLOWED: Config["overrides"]["allowed"] = { permission: "admin", teams: [], users: [] };
const STRICTEST_POLICIES: ReadonlyArray<{ path: readonly string[]; consequence: string; strictest: unknown; ownKeyOnly?: true }> = [
  { path: ["overrides", "allowed"], consequence: "only admins may use markers until it is fixed", strictest: STRICTEST_ALLOWED },
  { path: ["commands", "allowed"], consequence: "only admins may run commands until it is fixed", strictest: STRICTEST_ALLOWED },
  // The two-person rule: a broken `by` lets only admins approve; a broken `required` asks for one
  // approval, never none (a typo must not turn the rule off).
  { path: ["overrides", "approval", "by"], consequence: "only admins may approve overrides until it is fixed", strictest: STRICTEST_ALLOWED },
  { path: ["overrides", "approval", "required"], consequence: "an override needs 1 approval until it is fixed", strictest: 1 },
  // A broken `incident.required` asks for an incident (and a broken pattern then matches none).
  // Only the key itself: a broken container says nothing of incidents, and requiring one with no
  // pattern would block every emergency.
  { path: ["overrides", "incident", "required"], consequence: "an override must name an incident until it is fixed", strictest: true, ownKeyOnly: true },
];


type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;
type PathSegment = PropertyKey;
type Mapping = Record<string, unknown>;

/**
 * Validates a parsed `.github/pipeline-guard.yml`. Never throws: an invalid file never crashes
 * anything. Each broken key takes its default (the whole list that holds a broken item, the default
 * marker policy for a broken default marker) so that the rest of the file still applies, except
 * `overrides.allowed` and `commands.allowed`, which take their strictest setting as a whole and say
 * so; if the file cannot be repaired that way, every default applies, and the strictest setting to
 * both policies. `raw` is not modified.
 */
export function validateConfig(raw: unknown): ValidatedConfig {
  if (raw === null || raw === undefined) return { config: defaultConfig(), errors: [] };
  if (!isMapping(raw)) {
    return unreadableConfig({ path: ROOT_PATH, message: `the file must be a mapping of keys to values, got ${describeValue(raw)}` });
  }

  const errors = new ErrorList();
  const strictest = new Set<(typeof STRICTEST_POLICIES)[number]>();
  try {
    let current: Mapping = raw;
    for (let pass = 0; pass <= MAX_REPAIR_PASSES; pass++) {
      const result = configSchema.safeParse(current, { error: describeIssue });
      if (result.success) return { config: finishConfig(result.data), errors: [...errors.list(), ...strictestNotes(strictest)] };
      for (const issue of withoutFollowOnIssues(result.error.issues)) errors.add(...toConfigErrors(issue));
      const paths = result.error.issues.flatMap(brokenKeyPaths).map((path) => towardStrictest(path, strictest));
      const repaired = resetToDefaults(current, paths, (path) => fallbackAt(path, strictest));
      if (repaired === undefined) break;
      current = repaired;
    }
  } catch (error) {
    // Only an exotic input (a getter that throws, a cycle) gets here; the defaults still apply.
    errors.add({ path: ROOT_PATH, message: `could not be validated: ${error instanceof Error ? error.message : String(error)}` });
  }
  return unreadableConfig(...errors.list());
}

/**
 * The configuration when the file could not be read or repaired at all: the defaults, except that
 * who may use markers and run commands is unknown, so it takes the strictest setting (fail closed).
 */
export function unreadableConfig(...errors: ConfigError[]): ValidatedConfig {
  const config = defaultConfig();
  config.overrides.allowed = structuredClone(STRICTEST_ALLOWED);
  config.commands.allowed = structuredClone(STRICTEST_ALLOWED);
  config.overrides.approval = { required: 1, by: structuredClone(STRICTEST_ALLOWED) };
  return { config, errors: [...errors, ...strictestNotes(new Set(STRICTEST_POLICIES.filter((p) => !p.ownKeyOnly)))] };
}

/**
 * `markers.skip-tests.follow_up[0]: expected one of retest, postmortem, review`, and for a policy
 * that took its strictest setting: `overrides.allowed is invalid: only admins may use markers until it is fixed`.
 */
export function formatConfigError(e: ConfigError): string {
  return e.fallback === "strictest" ? `${e.path} is invalid: ${e.message}` : `${e.path}: ${e.message}`;
}

function strictestNotes(policies: ReadonlySet<(typeof STRICTEST_POLICIES)[number]>): ConfigError[] {
  return STRICTEST_POLICIES.filter((p) => policies.has(p)).map((p) => ({ path: formatPath(p.path), message: p.consequence, fallback: "strictest" }));
}

const startsWith = (path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean =>
  prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === segment);

/**
 * A broken key under a strict policy breaks the whole policy (a team that is not a string must not
 * leave the other keys standing); a broken container of one (`overrides: 5`) breaks it too. Each
 * policy so broken is remembered, for its fallback and its note.
 */
function towardStrictest(path: PathSegment[], strictest: Set<(typeof STRICTEST_POLICIES)[number]>): PathSegment[] {
  for (const policy of STRICTEST_POLICIES) {
    if (startsWith(path, policy.path)) {
      strictest.add(policy);
      return [...policy.path];
    }
    if (startsWith(policy.path, path) && !policy.ownKeyOnly) strictest.add(policy);
  }
  return path;
}

/** The value a broken key takes: its default, with every broken strict policy inside it at its strictest. */
function fallbackAt(path: readonly PathSegment[], strictest: ReadonlySet<(typeof STRICTEST_POLICIES)[number]>): unknown {
  const fallback = structuredClone(valueAt(parsedDefaults, path));
  for (const policy of strictest) {
    if (!startsWith(policy.path, path)) continue;
    if (policy.path.length === path.length) return structuredClone(policy.strictest);
    const parent = valueAt(fallback, policy.path.slice(path.length, -1));
    if (isMapping(parent)) parent[policy.path[policy.path.length - 1]!] = structuredClone(policy.strictest);
  }
  return fallback;
}

/** A fresh copy each time, so that no caller can change another's defaults. */
function defaultConfig(): Config {
  return finishConfig(configSchema.parse({}));
}

/** The parsed defaults, used to put a broken key back to its default value. */
const parsedDefaults: unknown = configSchema.parse({});

class ErrorList {
  private readonly errors: ConfigError[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  add(...errors: ConfigError[]): void {
    for (const error of errors) {
      const key = formatConfigError(error);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (this.errors.length < MAX_CONFIG_ERRORS) this.errors.push(error);
      else this.dropped++;
    }
  }

  list(): ConfigError[] {
    if (this.dropped === 0) return [...this.errors];
    return [...this.errors, { path: "(more)", message: `and ${this.dropped} more errors` }];
  }
}

/**
 * zod still runs a value's checks after its type is wrong (`[]` for a string is also "too short"):
 * once a key has the wrong type, that is the only thing worth saying about it.
 */
function withoutFollowOnIssues(issues: Issue[]): Issue[] {
  const wrongType = new Set(issues.filter((issue) => issue.code === "invalid_type").map((issue) => formatPath(issue.path)));
  return issues.filter((issue) => issue.code === "invalid_type" || !wrongType.has(formatPath(issue.path)));
}

function toConfigErrors(issue: Issue): ConfigError[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown key" }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/** The key paths a failed issue breaks: a broken list item breaks the whole list. */
function brokenKeyPaths(issue: Issue): PathSegment[][] {
  const index = issue.path.findIndex((segment) => typeof segment === "number");
  const path = index === -1 ? issue.path : issue.path.slice(0, index);
  if (issue.code === "unrecognized_keys" && index === -1) return issue.keys.map((key) => [...path, key]);
  return [path];
}

/**
 * A copy of `root` where each path holds its default value, or is gone where there is none.
 * Containers along the paths are copied once each (copy on write), so `root` is untouched and a
 * huge file with many broken keys costs no more than one copy of it. `undefined`: cannot repair.
 */
function resetToDefaults(root: Mapping, paths: PathSegment[][], fallbackFor: (path: PathSegment[]) => unknown): Mapping | undefined {
  if (paths.some((path) => path.length === 0)) return undefined;
  const copies = new WeakSet<object>();
  const copy = (value: Mapping): Mapping => {
    const result = { ...value };
    copies.add(result);
    return result;
  };
  const result = copy(root);
  let changed = false;
  for (const path of paths) {
    let parent = result;
    let reachable = true;
    for (const segment of path.slice(0, -1)) {
      const key = String(segment);
      const child = Object.hasOwn(parent, key) ? parent[key] : undefined;
      if (!isMapping(child)) {
        reachable = false;
        break;
      }
      const owned = copies.has(child) ? child : copy(child);
      parent[key] = owned;
      parent = owned;
    }
    const last = path[path.length - 1];
    if (!reachable || last === undefined) continue;
    const key = String(last);
    const fallback = fallbackFor(path);
    if (fallback === undefined) {
      if (Object.hasOwn(parent, key)) {
        delete parent[key];
        changed = true;
      }
    } else if (!Object.hasOwn(parent, key) || !isDeepEqual(parent[key], fallback)) {
      parent[key] = fallback;
      changed = true;
    }
  }
  return changed ? result : undefined;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (!isMapping(current)) return undefined;
    const key = String(segment);
    current = Object.hasOwn(current, key) ? current[key] : undefined;
  }
  return current;
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => Object.hasOwn(b, key) && isDeepEqual((a as Mapping)[key], (b as Mapping)[key]))
  );
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain key is written as is (`skip-tests`); any other key is quoted (`["a.b"]`); an index is `[0]`. */
function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return ROOT_PATH;
  let result = "";
  for (const segment of path) {
    if (typeof segment === "number") result += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(segment)) result += result === "" ? segment : `.${segment}`;
    else result += `[${JSON.stringify(String(segment))}]`;
  }
  return result;
}

/**
 * Our own wording for zod's issues, in the words of a YAML file (mapping, list). zod uses a
 * message given in the schema itself first (the marker name's), then this; `undefined` keeps zod's.
 */
function describeIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int" && typeof issue.input === "number") return `expected a whole number, got ${issue.input}`;
      return `expected ${describeType(issue.expected)}, got ${describeValue(issue.input)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join(", ")}`;
    case "invalid_key":
      return `invalid name: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    case "too_small":
      return describeBound({ origin: issue.origin, bound: Number(issue.minimum), inclusive: issue.inclusive ?? true, direction: "min" });
    case "too_big":
      return describeBound({ origin: issue.origin, bound: Number(issue.maximum), inclusive: issue.inclusive ?? true, direction: "max" });
    case "invalid_format":
      return issue.format === "regex" && "pattern" in issue ? `must match ${String(issue.pattern)}` : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

function describeBound({ origin, bound, inclusive, direction }: { origin: string; bound: number; inclusive: boolean; direction: "min" | "max" }): string {
  const atLeast = direction === "min";
  switch (origin) {
    case "string":
      if (atLeast && bound === 1) return "must not be empty";
      return `must be ${atLeast ? "at least" : "at most"} ${bound} characters long`;
    case "array":
      if (atLeast && bound === 1) return "must not be an empty list";
      return `must have ${atLeast ? "at least" : "at most"} ${bound} items`;
    default:
      if (inclusive) return `must be ${atLeast ? "at least" : "at most"} ${bound}`;
      return `must be ${atLeast ? "greater" : "less"} than ${bound}`;
  }
}

function describeType(expected: string): string {
  switch (expected) {
    case "object":
    case "record":
      return "a mapping";
    case "array":
      return "a list";
    case "boolean":
      return "true or false";
    case "int":
      return "a whole number";
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "object":
      return "a mapping";
    case "boolean":
      return `${value}`;
    case "number":
      return "a number";
    case "string":
      return "a string";
    default:
      return `a ${typeof value}`;
  }
}
