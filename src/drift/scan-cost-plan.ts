import { FULL_READ_BATCH } from "../github/full-read-facts.js";
import { FINGERPRINT_BATCH } from "../github/repository-fingerprints.js";

/**
 * What the scheduled scan's full read of one repository costs with one production branch
 * (README "What a scan costs"): its records' listing (1 REST call, the report's look-up giving
 * the open issues too) and its share of the two batch queries of `FULL_READ_BATCH` repositories
 * (configuration 1 point, facts about 6: 0.28 a repository), rounded up with room for a changed
 * repository's writes. The bench measures 1.73 a repository, drifted ones' writes included.
 */
export const FULL_READ_POINTS = 2;
/** GitHub's formula for one fingerprint query of a full batch: 4 connections per repository, 200 requests, 2 points. */
export const FINGERPRINT_QUERY_POINTS = 2;
/** The installation's repositories are listed 100 a page. */
const LISTING_PAGE = 100;

export interface PlannedRepository {
  repository: string;
  installationId: number;
  archived: boolean;
}

export interface RateLeft {
  installationId: number;
  remaining: number;
  resetAt: Date;
}

/**
 * The cost plan `pipeline-guard scan --dry-run` prints: per repository what its full read costs,
 * the fingerprint batches a scheduled scan would send, and per installation how many full reads
 * fit in its share (`DRIFT_SCAN_BUDGET`) of what remains before the scan waits for the reset.
 */
export function planScanCost(params: { repositories: readonly PlannedRepository[]; budget: number; rates: readonly RateLeft[] }): string[] {
  const lines: string[] = [];
  const scanned = params.repositories.filter((r) => !r.archived);
  for (const r of params.repositories) lines.push(`${r.repository}: ${r.archived ? "archived, not read (0 points)" : `full read, about ${FULL_READ_POINTS} points`}`);
  const installations = [...new Set(params.repositories.map((r) => r.installationId))];
  let batches = 0;
  let listing = 0;
  for (const id of installations) {
    const own = scanned.filter((r) => r.installationId === id).length;
    batches += Math.ceil(own / FINGERPRINT_BATCH);
    listing += Math.max(1, Math.ceil(params.repositories.filter((r) => r.installationId === id).length / LISTING_PAGE));
    const rate = params.rates.find((x) => x.installationId === id);
    if (rate) {
      const share = Math.floor(rate.remaining * params.budget);
      const fit = Math.floor(share / FULL_READ_POINTS);
      const waits = own > fit ? `; the other ${own - fit} wait for the reset at ${rate.resetAt.toISOString()}` : "";
      lines.push(`installation ${id}: ${rate.remaining} points left, the scan's share ${share} (${Math.round(params.budget * 100)}%): ${Math.min(fit, own)} of ${own} full reads fit${waits}`);
    }
  }
  const full = scanned.length * FULL_READ_POINTS;
  lines.push(
    `plan: ${scanned.length} repositories; a first scan (or pipeline-guard scan, which remembers nothing) costs about ${listing + full} points (${listing} listing, ${full} full reads, batched ${FULL_READ_BATCH} repositories a query); ` +
      `a scheduled scan with nothing changed costs about ${listing + batches * FINGERPRINT_QUERY_POINTS} points (${listing} listing, ${batches} fingerprint ${batches === 1 ? "query" : "queries"} of up to ${FINGERPRINT_BATCH} repositories, ${FINGERPRINT_QUERY_POINTS} points each), plus about ${FULL_READ_POINTS} points per repository that changed`,
  );
  return lines;
}
