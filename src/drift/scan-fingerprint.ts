import { createHash } from "node:crypto";
import type { RepositoryFacts } from "../github/repository-fingerprints.js";

/**
 * A full reconciliation at least this often: a fact that changed without any webhook reaching
 * the app (a missed delivery, a change GitHub sends no event for) is found within a day.
 */
export const FULL_SCAN_MAX_AGE_MS = 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** What the scan remembers of a repository between scans (see `src/infrastructure/scan-memory.ts`). */
export interface ScanMemoryEntry {
  /** The fingerprint read just before the last full scan; null: unknown, the next scan reads in full. */
  fingerprint: string | null;
  /** The production branches the last full scan read: the fingerprint covers their heads. */
  branches: string[];
  /** When the last full scan ran (ISO time). */
  fullScanAt: string;
  /** A time-bound fact is due (a follow-up's due date, an acceptance running out, a plan going stale): read in full from then on. */
  recheckAt: string | null;
  /** Set by a webhook (push, protection, ruleset, deployment, workflow run, a record's issue event): read in full at the next scan. */
  dirtyAt: string | null;
}

/** What a full scan tells the memory about the repository, beyond its items. */
export interface ScanWatch {
  branches: string[];
  /** The earliest moment a time-bound fact needs a full read again; null: none. */
  recheckAt: string | null;
  /** `drift.terraform.workflow` and `max_age_hours`, when set. */
  terraform: { workflow: string; maxAgeHours: number; dispatch: boolean } | null;
}

/** Key order does not change a fingerprint; every value does. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  return value;
}

/** A digest of every fact the scan's decision depends on; two equal digests mean nothing the scan reads changed. */
export function fingerprintOf(facts: RepositoryFacts): string {
  return createHash("sha256").update(JSON.stringify(canonical(facts))).digest("hex");
}

export type ScanNeed = { full: true; why: string } | { full: false };

/**
 * Whether a repository must be read in full before any fingerprint is asked for. Fails toward a
 * full read: no memory, a dirty mark, a stale reconciliation, a due time, or an unreadable time.
 */
export function fullScanNeed(entry: ScanMemoryEntry | undefined, now: Date): ScanNeed {
  if (!entry) return { full: true, why: "first scan" };
  if (entry.dirtyAt !== null) return { full: true, why: "changed (webhook)" };
  if (entry.fingerprint === null) return { full: true, why: "fingerprint unknown" };
  const fullAt = Date.parse(entry.fullScanAt);
  if (!(now.getTime() - fullAt < FULL_SCAN_MAX_AGE_MS)) return { full: true, why: "daily reconciliation" };
  if (entry.recheckAt !== null && !(now.getTime() < Date.parse(entry.recheckAt))) return { full: true, why: "due" };
  return { full: false };
}

/**
 * When a plan of the Terraform workflow turns stale: the newest completed run of it on the
 * production branch's head, plus `max_age_hours`. Null when no run of it is on the head (then
 * the scan cannot tell the plan's age from the fingerprint, and reads in full each time).
 */
export function terraformStaleAt(facts: RepositoryFacts, terraform: NonNullable<ScanWatch["terraform"]>): Date | null {
  const runs = facts.suites.filter((s) => s.status === "COMPLETED" && s.run?.path?.split("/").pop() === terraform.workflow);
  const newest = runs.map((s) => Date.parse(s.updatedAt)).filter((t) => !Number.isNaN(t));
  if (newest.length === 0) return null;
  return new Date(Math.max(...newest) + terraform.maxAgeHours * 3_600_000);
}

/**
 * The memory after a successful full scan. `fingerprint`: the one read before the scan for
 * `guessed` branches; it is kept only when the scan read those same branches (else the next
 * scan reads in full once more, with the branches now known). A webhook that marked the
 * repository while the scan ran keeps it dirty.
 */
export function rememberScan(params: {
  previous: ScanMemoryEntry | undefined;
  startedAt: Date;
  now: Date;
  facts: RepositoryFacts | null;
  guessed: readonly string[];
  watch: ScanWatch;
}): ScanMemoryEntry {
  const { facts, watch, now } = params;
  const sameBranches = watch.branches.length === params.guessed.length && watch.branches.every((b, i) => b === params.guessed[i]);
  let fingerprint = facts && sameBranches ? fingerprintOf(facts) : null;
  const due: number[] = watch.recheckAt ? [Date.parse(watch.recheckAt)] : [];
  if (watch.terraform) {
    const staleAt = facts ? terraformStaleAt(facts, watch.terraform) : null;
    // Dispatching the plan is the scan's job, and a plan whose age is unknown may turn stale at any time: read in full each time.
    if (watch.terraform.dispatch || !staleAt) fingerprint = null;
    else due.push(staleAt.getTime());
  }
  const recheck = due.filter((t) => !Number.isNaN(t));
  const dirtyAt = params.previous?.dirtyAt && Date.parse(params.previous.dirtyAt) >= params.startedAt.getTime() ? params.previous.dirtyAt : null;
  return {
    fingerprint,
    branches: [...watch.branches],
    fullScanAt: now.toISOString(),
    recheckAt: recheck.length > 0 ? new Date(Math.min(...recheck)).toISOString() : null,
    dirtyAt,
  };
}

/**
 * The earliest time-bound fact of a scan: an open follow-up's due date (or, past it, the next
 * daily reminder), an acceptance running out.
 */
export function recheckTime(params: { now: Date; followUpsDue: readonly string[]; acceptancesUntil: ReadonlyArray<string | null> }): string | null {
  const { now } = params;
  const times: number[] = [];
  for (const due of params.followUpsDue) {
    const at = Date.parse(due);
    // An unreadable due date: read again at the next scan.
    times.push(Number.isNaN(at) ? now.getTime() : at > now.getTime() ? at : now.getTime() + DAY_MS);
  }
  for (const until of params.acceptancesUntil) {
    if (until === null) continue;
    const end = /^\d{4}-\d{2}-\d{2}$/.test(until) ? Date.parse(`${until}T00:00:00Z`) + DAY_MS : Date.parse(until);
    times.push(Number.isNaN(end) ? now.getTime() : end);
  }
  return times.length > 0 ? new Date(Math.min(...times)).toISOString() : null;
}
