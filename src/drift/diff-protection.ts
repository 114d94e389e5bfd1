import { z } from "zod";
import type { Config } from "../config/schema.js";
import type { DriftItem } from "./drift-item.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/**
 * The effective protection of one branch, with exactly the keys of `drift.protection`
 * (SPEC section 2), so that the declared protection, the baseline and what GitHub says compare
 * field by field.
 */
export type ProtectionSnapshot = Required<Config["drift"]["protection"]>;

export const protectionSnapshotSchema = z.object({
  required_status_checks: z.array(z.string()),
  required_approving_review_count: z.number().int().min(0),
  enforce_admins: z.boolean(),
  allow_force_pushes: z.boolean(),
  allow_deletions: z.boolean(),
  require_code_owner_reviews: z.boolean(),
  dismiss_stale_reviews: z.boolean(),
  required_linear_history: z.boolean(),
  required_signatures: z.boolean(),
  required_conversation_resolution: z.boolean(),
}) satisfies z.ZodType<ProtectionSnapshot>;

export type ProtectionField = keyof ProtectionSnapshot;

/** The order in which fields are compared and reported. */
export const PROTECTION_FIELDS = Object.keys(protectionSnapshotSchema.shape) as ProtectionField[];

/** What an unprotected branch allows: the weakest value of every field. */
export const UNPROTECTED: ProtectionSnapshot = {
  required_status_checks: [],
  required_approving_review_count: 0,
  enforce_admins: false,
  allow_force_pushes: true,
  allow_deletions: true,
  require_code_owner_reviews: false,
  dismiss_stale_reviews: false,
  required_linear_history: false,
  required_signatures: false,
  required_conversation_resolution: false,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One field of an API answer, or undefined when it is missing or malformed. Each field is
 * validated on its own: one odd field must not throw away the rest of the answer.
 */
function field<T>(parent: unknown, key: string, schema: z.ZodType<T>): T | undefined {
  if (!isRecord(parent)) return undefined;
  const parsed = schema.safeParse(parent[key]);
  return parsed.success ? parsed.data : undefined;
}

const enabledFlag = z.object({ enabled: z.boolean() }).transform((flag) => flag.enabled);
const names = z.array(z.string().min(1));
const contextList = z.array(z.object({ context: z.string().min(1) })).transform((checks) => checks.map((check) => check.context));
const count = z.number().int().min(0);
const flag = z.boolean();

/** A setting is "forbidden" only when the answer says so; a missing or malformed answer forbids nothing. */
function classicSnapshot(classic: unknown): ProtectionSnapshot {
  if (!isRecord(classic)) return { ...UNPROTECTED };
  const checks = classic.required_status_checks;
  const reviews = classic.required_pull_request_reviews;
  return {
    // `contexts` is the older list of names; `checks` adds the app id. A check may be in either.
    required_status_checks: [...(field(checks, "contexts", names) ?? []), ...(field(checks, "checks", contextList) ?? [])],
    required_approving_review_count: field(reviews, "required_approving_review_count", count) ?? 0,
    enforce_admins: field(classic, "enforce_admins", enabledFlag) ?? false,
    allow_force_pushes: field(classic, "allow_force_pushes", enabledFlag) ?? true,
    allow_deletions: field(classic, "allow_deletions", enabledFlag) ?? true,
    require_code_owner_reviews: field(reviews, "require_code_owner_reviews", flag) ?? false,
    dismiss_stale_reviews: field(reviews, "dismiss_stale_reviews", flag) ?? false,
    required_linear_history: field(classic, "required_linear_history", enabledFlag) ?? false,
    required_signatures: field(classic, "required_signatures", enabledFlag) ?? false,
    required_conversation_resolution: field(classic, "required_conversation_resolution", enabledFlag) ?? false,
  };
}

/** The strongest of two snapshots, field by field: a rule enforced by either source is in effect. */
function strongest(a: ProtectionSnapshot, b: ProtectionSnapshot): ProtectionSnapshot {
  return {
    required_status_checks: [...a.required_status_checks, ...b.required_status_checks],
    required_approving_review_count: Math.max(a.required_approving_review_count, b.required_approving_review_count),
    enforce_admins: a.enforce_admins || b.enforce_admins,
    allow_force_pushes: a.allow_force_pushes && b.allow_force_pushes,
    allow_deletions: a.allow_deletions && b.allow_deletions,
    require_code_owner_reviews: a.require_code_owner_reviews || b.require_code_owner_reviews,
    dismiss_stale_reviews: a.dismiss_stale_reviews || b.dismiss_stale_reviews,
    required_linear_history: a.required_linear_history || b.required_linear_history,
    required_signatures: a.required_signatures || b.required_signatures,
    required_conversation_resolution: a.required_conversation_resolution || b.required_conversation_resolution,
  };
}

/**
 * One active rule of `GET /repos/{owner}/{repo}/rules/branches/{branch}` as a snapshot of what it
 * enforces. That endpoint does not say who may bypass a ruleset, so rulesets never count as
 * `enforce_admins`: only classic protection sets it.
 */
function ruleSnapshot(rule: unknown): ProtectionSnapshot {
  const snapshot = { ...UNPROTECTED };
  const parameters = isRecord(rule) ? rule.parameters : undefined;
  switch (isRecord(rule) ? rule.type : undefined) {
    case "required_status_checks":
      snapshot.required_status_checks = field(parameters, "required_status_checks", contextList) ?? [];
      break;
    case "pull_request":
      snapshot.required_approving_review_count = field(parameters, "required_approving_review_count", count) ?? 0;
      snapshot.require_code_owner_reviews = field(parameters, "require_code_owner_review", flag) ?? false;
      snapshot.dismiss_stale_reviews = field(parameters, "dismiss_stale_reviews_on_push", flag) ?? false;
      snapshot.required_conversation_resolution = field(parameters, "required_review_thread_resolution", flag) ?? false;
      break;
    case "non_fast_forward":
      snapshot.allow_force_pushes = false;
      break;
    case "deletion":
      snapshot.allow_deletions = false;
      break;
    case "required_linear_history":
      snapshot.required_linear_history = true;
      break;
    case "required_signatures":
      snapshot.required_signatures = true;
      break;
  }
  return snapshot;
}

/**
 * The protection in effect on a branch, from classic branch protection
 * (`GET /repos/{owner}/{repo}/branches/{branch}/protection`; null when it answered 404) and the
 * active ruleset rules (`GET /repos/{owner}/{repo}/rules/branches/{branch}`). GitHub enforces
 * both, so each field is the strongest of the two. Never throws: a malformed part of an answer
 * counts as not enforcing anything, which reports drift rather than hiding it.
 */
export function normalizeProtection(classic: unknown, rulesets: readonly unknown[]): ProtectionSnapshot {
  const combined = (Array.isArray(rulesets) ? rulesets : []).map(ruleSnapshot).reduce(strongest, classicSnapshot(classic));
  return { ...combined, required_status_checks: [...new Set(combined.required_status_checks)].sort() };
}

/** Where the expected values come from: declared in the config, or seen at the first scan. */
export type ProtectionSource = "config" | "baseline";

/** Long lists are cut in a title (which is one line); the details list every name. */
const MAX_NAMES_IN_TITLE = 5;

function listOf(values: readonly string[], max = Number.POSITIVE_INFINITY): string {
  if (values.length === 0) return "(none)";
  const shown = values.slice(0, max).map((value) => inlineLiteral(value));
  if (values.length > max) shown.push(`…${values.length - max} more`);
  return shown.join(", ");
}

function valueText(value: ProtectionSnapshot[ProtectionField], max?: number): string {
  if (!Array.isArray(value)) return String(value);
  return value.length === 0 ? "(none)" : `[${listOf(value, max)}]`;
}

function sameValue(a: ProtectionSnapshot[ProtectionField], b: ProtectionSnapshot[ProtectionField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sortedA = [...new Set(a)].sort();
    const sortedB = [...new Set(b)].sort();
    return sortedA.length === sortedB.length && sortedA.every((name, index) => name === sortedB[index]);
  }
  return a === b;
}

function fixText(source: ProtectionSource): string {
  const intended =
    source === "config"
      ? "If the new value is intended, change `drift.protection` in `.github/pipeline-guard.yml` through a pull request."
      : "If the new value is intended, declare it in `drift.protection` in `.github/pipeline-guard.yml` through a pull request, or accept this item.";
  return `Restore the protection by re-applying it from the production branch (your settings-as-code pipeline), not by hand in the repository settings. ${intended}`;
}

/**
 * One item per field whose effective value differs from the expected one. Only fields present
 * in `expected` are compared: `drift.protection` may declare a few fields and leave the rest
 * free. An unprotected branch compares as the weakest value of every field.
 */
export function diffProtection(params: {
  branch: string;
  expected: Partial<ProtectionSnapshot>;
  actual: ProtectionSnapshot;
  source?: ProtectionSource;
}): DriftItem[] {
  const { branch, expected, actual, source = "config" } = params;
  const items: DriftItem[] = [];
  for (const name of PROTECTION_FIELDS) {
    const want = expected[name];
    const have = actual[name];
    if (want === undefined || sameValue(want, have)) continue;
    const details = [
      `Expected: ${valueText(want)} (${source === "config" ? "declared in `drift.protection`" : "baseline seen at the first scan"})`,
      `Actual: ${valueText(have)}`,
    ];
    if (Array.isArray(want) && Array.isArray(have)) {
      const missing = want.filter((check) => !have.includes(check));
      const extra = have.filter((check) => !want.includes(check));
      if (missing.length > 0) details.push(`No longer required: ${listOf(missing)}`);
      if (extra.length > 0) details.push(`Required but not expected: ${listOf(extra)}`);
    }
    items.push({
      id: `protection:${branch}:${name}`,
      kind: "protection",
      title: `${inlineLiteral(branch)}: ${name} is ${valueText(have, MAX_NAMES_IN_TITLE)}, expected ${valueText(want, MAX_NAMES_IN_TITLE)}`,
      details,
      fix: fixText(source),
    });
  }
  return items;
}

/**
 * GraphQL's classic rule in REST's shape (`GET .../branches/{branch}/protection`): REST leaves
 * `required_status_checks` out when checks are not required and `required_pull_request_reviews`
 * when reviews are not, so GraphQL's values count only under `requiresStatusChecks` and
 * `requiresApprovingReviews` (a rule keeps its old list when the requirement is switched off).
 */
function classicAsRest(rule: unknown): unknown {
  if (!isRecord(rule)) return null;
  const flagOf = (key: string) => ({ enabled: rule[key] });
  const contexts = [...(field(rule, "requiredStatusCheckContexts", z.array(z.string())) ?? []), ...(field(rule, "requiredStatusChecks", contextList) ?? [])];
  return {
    ...(rule.requiresStatusChecks === true ? { required_status_checks: { contexts } } : {}),
    ...(rule.requiresApprovingReviews === true
      ? {
          required_pull_request_reviews: {
            required_approving_review_count: rule.requiredApprovingReviewCount,
            require_code_owner_reviews: rule.requiresCodeOwnerReviews,
            dismiss_stale_reviews: rule.dismissesStaleReviews,
          },
        }
      : {}),
    enforce_admins: flagOf("isAdminEnforced"),
    allow_force_pushes: flagOf("allowsForcePushes"),
    allow_deletions: flagOf("allowsDeletions"),
    required_linear_history: flagOf("requiresLinearHistory"),
    required_signatures: flagOf("requiresCommitSignatures"),
    required_conversation_resolution: flagOf("requiresConversationResolution"),
  };
}

/** One node of GraphQL's `Ref.rules` in REST's shape (`GET .../rules/branches/{branch}`): types are upper case there, parameters camel case. */
function ruleAsRest(rule: unknown): unknown {
  if (!isRecord(rule) || typeof rule.type !== "string") return null;
  const type = rule.type.toLowerCase();
  const parameters = rule.parameters;
  if (type === "pull_request") {
    return {
      type,
      parameters: {
        required_approving_review_count: field(parameters, "requiredApprovingReviewCount", count),
        require_code_owner_review: field(parameters, "requireCodeOwnerReview", flag),
        dismiss_stale_reviews_on_push: field(parameters, "dismissStaleReviewsOnPush", flag),
        required_review_thread_resolution: field(parameters, "requiredReviewThreadResolution", flag),
      },
    };
  }
  if (type === "required_status_checks") return { type, parameters: { required_status_checks: field(parameters, "requiredStatusChecks", z.array(z.unknown())) } };
  return { type };
}

/**
 * The protection in effect on a branch from GraphQL (`Ref.branchProtectionRule`, null when no
 * classic rule applies, and the nodes of `Ref.rules`, as src/github/full-read-facts.ts asks for them): the same snapshot as `normalizeProtection`
 * gives for REST's answers about the same settings, because it is computed by it.
 */
export function normalizeGraphqlProtection(classic: unknown, rules: readonly unknown[]): ProtectionSnapshot {
  return normalizeProtection(classicAsRest(classic), (Array.isArray(rules) ? rules : []).map(ruleAsRest));
}
