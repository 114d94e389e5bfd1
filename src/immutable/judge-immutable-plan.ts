import type { PlannedResource } from "../drift/parse-terraform-plan.js";
import type { Config } from "../config/schema.js";
import { isImmutableResource } from "./is-immutable-resource.js";

/**
 * Why an immutable resource fails: `update` (`["update"]`, patched in place); `destroy-first`
 * (`["delete","create"]` with `create_before_destroy: true`: the old object is destroyed before
 * the new one exists); `unknown` (an action list Terraform may add later, which cannot be shown
 * to replace rather than patch: fails closed).
 */
export type ImmutableFindingKind = "update" | "destroy-first" | "unknown";

export interface ImmutableFinding {
  address: string;
  kind: ImmutableFindingKind;
  actions: string[];
  /** Changed attribute names, rendered by the plan reader (never values); "" when none is visible. */
  attributes: string;
}

export interface ImmutableJudgement {
  /** Managed resources the plan lists (data sources left out). */
  checked: number;
  /** Of those, the ones `immutable.resources` names. */
  immutable: number;
  findings: ImmutableFinding[];
  /** Why the plan does not cover every resource (already escaped); empty when it does. */
  incomplete: string[];
}

/**
 * Action lists that replace or leave the object alone ([docs] and [tf-src], see
 * parse-terraform-plan.ts): creating, destroying, forgetting, reading and no-ops are not patches;
 * `create,delete` builds the new object first; `create,forget` and `forget,create` leave the old
 * object running while the new one is built.
 */
const PASSING_ACTIONS = new Set(["no-op", "read", "create", "delete", "forget", "create,delete", "create,forget", "forget,create"]);

function findingKind(actions: readonly string[], createBeforeDestroy: boolean): ImmutableFindingKind | null {
  const key = actions.join(",");
  if (key === "update") return "update";
  if (key === "delete,create") return createBeforeDestroy ? "destroy-first" : null;
  return PASSING_ACTIONS.has(key) ? null : "unknown";
}

/**
 * Judges a PR's plan (issue #13): each resource that `immutable.resources` names must be replaced,
 * never updated in place, and, with `create_before_destroy`, replaced new-first. A deposed object
 * (left by an earlier create_before_destroy) is only ever destroyed: it is not judged.
 */
export function judgeImmutablePlan(params: {
  changes: readonly PlannedResource[];
  incomplete: readonly string[];
  immutable: Pick<Config["immutable"], "resources" | "create_before_destroy">;
}): ImmutableJudgement {
  const { changes, immutable } = params;
  const managed = changes.filter((resource) => resource.mode === "managed");
  const matching = managed.filter((resource) => isImmutableResource(resource, immutable.resources));
  const findings: ImmutableFinding[] = [];
  for (const resource of matching) {
    if (resource.deposed) continue;
    const kind = findingKind(resource.actions, immutable.create_before_destroy);
    if (kind) findings.push({ address: resource.address, kind, actions: resource.actions, attributes: resource.attributes });
  }
  return { checked: managed.length, immutable: matching.length, findings, incomplete: [...params.incomplete] };
}
