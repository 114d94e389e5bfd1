/**
 * Budget-aware pacing of the scheduled scan (`DRIFT_SCAN_BUDGET`): per installation and rate-limit
 * resource (`core` for REST, `graphql`), the scan may spend this share of what remained when it
 * first saw the resource's headers in the current window; past it, it waits for the window's
 * reset, so that webhooks always keep the rest. It also stays under GitHub's secondary limit
 * for REST (900 points a minute) by spacing repositories by what they cost.
 */
export const DEFAULT_SCAN_BUDGET = 0.2;
/** GitHub: "no more than 900 points per minute are allowed for REST API endpoints" (secondary rate limits). */
export const SECONDARY_POINTS_PER_MINUTE = 900;
/** Spent when a window's reset is passed before its new headers arrive, and a margin after a reset. */
const RESET_MARGIN_MS = 1000;

/** `DRIFT_SCAN_BUDGET`: `20%` (the default), `5%`…`100%`. Anything else is an error, so that a typo cannot lift the cap. */
export function parseScanBudget(text: string | undefined): number {
  const value = (text ?? "").trim();
  if (value === "") return DEFAULT_SCAN_BUDGET;
  const match = /^(\d{1,3}(?:\.\d+)?)%$/.exec(value);
  const share = match ? Number(match[1]) / 100 : NaN;
  if (!(share > 0 && share <= 1)) throw new Error(`DRIFT_SCAN_BUDGET "${value}" is not a share such as 20% (more than 0%, at most 100%)`);
  return share;
}

/** What one answer's headers say about an installation's rate limit. */
export interface RateObservation {
  installationId: number;
  resource: string;
  remaining: number;
  /** When the window resets, ms since the epoch. */
  resetAt: number;
}

/** `x-ratelimit-*` headers of an answer, or null when they are missing or unreadable. */
export function readRateHeaders(installationId: number, headers: Record<string, unknown>): RateObservation | null {
  const remaining = Number(headers["x-ratelimit-remaining"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  const resource = typeof headers["x-ratelimit-resource"] === "string" ? headers["x-ratelimit-resource"] : "core";
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || headers["x-ratelimit-remaining"] === undefined) return null;
  return { installationId, resource, remaining, resetAt: reset * 1000 };
}

interface Window {
  /** What remained at the first answer of this window. */
  start: number;
  remaining: number;
  resetAt: number;
}

export interface ScanPacer {
  /** Every answer's headers. */
  observe(observation: RateObservation): void;
  /** Before a repository of `installationId` is read in full: how long to wait first (ms), 0 for at once. */
  delayBefore(installationId: number, now: number): number;
  /** After it: the points it cost, which space the next one under the secondary limit. */
  spent(points: number, now: number): void;
}

export function createScanPacer(params: { budget: number }): ScanPacer {
  const windows = new Map<string, Window>();
  let nextAt = 0;
  return {
    observe(o) {
      const key = `${o.installationId}:${o.resource}`;
      const known = windows.get(key);
      // A new window (GitHub's reset passed): the budget is a share of what remains in it.
      if (!known || o.resetAt > known.resetAt + RESET_MARGIN_MS) windows.set(key, { start: o.remaining, remaining: o.remaining, resetAt: o.resetAt });
      else known.remaining = Math.min(known.remaining, o.remaining);
    },
    delayBefore(installationId, now) {
      let wait = Math.max(0, nextAt - now);
      for (const [key, w] of windows) {
        if (!key.startsWith(`${installationId}:`) || w.resetAt <= now) continue;
        const used = w.start - w.remaining;
        if (used >= w.start * params.budget) wait = Math.max(wait, w.resetAt - now + RESET_MARGIN_MS);
      }
      return wait;
    },
    spent(points, now) {
      nextAt = now + Math.ceil((points * 60_000) / SECONDARY_POINTS_PER_MINUTE);
    },
  };
}
