/**
 * One difference between production and what Git says (SPEC section 6). The scan's parts
 * (protection, deployments, Terraform) each produce these; the report renders them and the
 * state keeps their first-seen times and acceptances by `id`.
 */
export type DriftKind = "record" | "protection" | "deployment" | "terraform" | "scan";

/**
 * The order in which the report lists kinds: a record of the app someone tampered with first (the
 * trail itself is in question), then what people change by hand, scan problems last.
 */
export const DRIFT_KINDS: readonly DriftKind[] = ["record", "protection", "deployment", "terraform", "scan"];

export interface DriftItem {
  /**
   * Stable across scans: kind + subject, e.g. `protection:main:enforce_admins`,
   * `deployment:production`, `terraform:aws_instance.prod_db`, `terraform:workflow`.
   * Raw (not escaped): it is a key of the state and what `/pipeline-guard accept ID` names.
   */
  id: string;
  kind: DriftKind;
  /** One line of markdown, already escaped. */
  title: string;
  /** Markdown lines, already escaped; the report shows each as a bullet under the item. */
  details: string[];
  /** How to fix it through the pipeline; markdown, already escaped. */
  fix: string;
  /**
   * An immutable resource changed by hand (issue #13): listed before the other items of its kind,
   * since the fix is a rebuild, not a re-apply.
   */
  snowflake?: true;
}

/** Kind order, snowflakes first within a kind, then id: the report and the state list items the same way at every scan. */
export function compareDriftItems(a: Pick<DriftItem, "kind" | "id" | "snowflake">, b: Pick<DriftItem, "kind" | "id" | "snowflake">): number {
  const byKind = DRIFT_KINDS.indexOf(a.kind) - DRIFT_KINDS.indexOf(b.kind);
  if (byKind !== 0) return byKind;
  const bySnowflake = (b.snowflake ? 1 : 0) - (a.snowflake ? 1 : 0);
  if (bySnowflake !== 0) return bySnowflake;
  // Code-unit order, not localeCompare: the same on every replica whatever its locale.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
