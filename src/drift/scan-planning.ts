import type { Probot } from "probot";
import type { GitHubClient } from "../github/gateway.js";
import { FINGERPRINT_BATCH, getRepositoryFacts, type RepositoryFacts } from "../github/repository-fingerprints.js";
import { observeResponses } from "../github/response-headers.js";
import type { ScanMemory } from "../infrastructure/scan-memory.js";
import { readRateHeaders, type ScanPacer } from "./scan-pacing.js";
import { fingerprintOf, fullScanNeed, rememberScan, type ScanMemoryEntry, type ScanWatch } from "./scan-fingerprint.js";
import type { InstalledRepository } from "./scan-job.js";

/**
 * What the change detection decided for one repository, shared by the in-process schedule
 * (`runScheduledScan`) and the BullMQ firing (`scan-queue.ts`), and what a full read of it needs
 * to remember afterwards (`rememberFullScan`).
 */
export interface ScanPlan {
  target: InstalledRepository;
  /** `owner/name` in lower case: the memory's key. */
  key: string;
  /** The branches the fingerprint covers: the last full scan's, or the default branch for a repository never scanned. */
  branches: string[];
  /** Why it is read in full; null: its fingerprint is unchanged, it is skipped. */
  why: string | null;
  /** The fingerprint's facts read for `branches` before the scan; null: not read (or unreadable). */
  facts: RepositoryFacts | null;
}

export function seeRate(pacer: ScanPacer, installationId: number, headers: Record<string, unknown>): void {
  const observation = readRateHeaders(installationId, headers);
  if (observation) pacer.observe(observation);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `items` by installation, each group in the items' order: a batch query or job is made with one installation's token. */
function groupByInstallation<T>(items: readonly T[], installationOf: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(installationOf(item));
    if (group) group.push(item);
    else groups.set(installationOf(item), [item]);
  }
  return groups;
}

/** `items` grouped by installation (in the order each first appears) and cut into batches of at most `size`. */
export function batchesByInstallation<T>(items: readonly T[], installationOf: (item: T) => number, size: number): T[][] {
  return [...groupByInstallation(items, installationOf).values()].flatMap((group) => chunks(group, size));
}

type PlanLog = Pick<Probot["log"], "warn">;

/**
 * The fingerprints of `planned` repositories, one query per `FINGERPRINT_BATCH` of one
 * installation. A query that fails leaves its repositories without facts: they are read in full.
 */
async function readFacts(app: Pick<Probot, "auth" | "log">, planned: readonly ScanPlan[], pacer: ScanPacer | undefined): Promise<void> {
  for (const [installationId, group] of groupByInstallation(planned, (p) => p.target.installationId)) {
    let octokit: GitHubClient;
    try {
      octokit = (await app.auth(installationId)) as unknown as GitHubClient;
      if (pacer) observeResponses(octokit, (headers) => seeRate(pacer, installationId, headers));
    } catch (error) {
      app.log.warn({ err: error, installation: installationId }, "no token for the fingerprint query; the repositories are read in full");
      continue;
    }
    for (const batch of chunks(group, FINGERPRINT_BATCH)) {
      try {
        const facts = await getRepositoryFacts({ octokit }, { targets: batch.map((p) => ({ owner: p.target.owner, repo: p.target.repo, branches: p.branches })) });
        batch.forEach((p, i) => (p.facts = facts[i] ?? null));
      } catch (error) {
        app.log.warn({ err: error, installation: installationId, repositories: batch.length }, "fingerprint query failed; the repositories are read in full");
      }
    }
  }
}

/**
 * Reads the memory's entry; a memory that does not answer (Redis away) reads as "unreadable",
 * which reads the repository in full: nothing is skipped on a memory it could not read.
 */
async function readEntry(memory: ScanMemory, key: string, log: PlanLog, failures: { logged: boolean }): Promise<{ entry: ScanMemoryEntry | undefined } | null> {
  try {
    return { entry: await memory.get(key) };
  } catch (error) {
    if (!failures.logged) log.warn({ err: error }, "the scan memory could not be read; its repositories are read in full");
    failures.logged = true;
    return null;
  }
}

export const MEMORY_UNREADABLE = "memory unreadable";

/**
 * Which repositories a scan reads in full, and the fingerprints it needs to remember them. A
 * repository is read in full when the memory does not know it, a webhook marked it, its last full
 * read is a day old, a time-bound fact is due, or its fingerprint (one aliased GraphQL query per
 * 50 repositories) differs from the one read before its last full scan; otherwise it is skipped
 * as unchanged. Without a memory (null) every repository is read in full and no fingerprint is
 * asked for. Fails toward a full read: an unreadable fingerprint or memory never skips one.
 */
export async function planScans(params: {
  app: Pick<Probot, "auth" | "log">;
  targets: readonly InstalledRepository[];
  memory: ScanMemory | null;
  now: Date;
  pacer?: ScanPacer;
}): Promise<ScanPlan[]> {
  const { app, memory, now } = params;
  const failures = { logged: false };
  const planned: ScanPlan[] = [];
  for (const target of params.targets) {
    const key = `${target.owner}/${target.repo}`.toLowerCase();
    const read = memory ? await readEntry(memory, key, app.log, failures) : null;
    const entry = read?.entry;
    const need = !memory ? { full: true as const, why: "full" } : !read ? { full: true as const, why: MEMORY_UNREADABLE } : fullScanNeed(entry, now);
    const branches = entry && entry.branches.length > 0 ? entry.branches : [target.defaultBranch || "main"];
    planned.push({ target, key, branches, why: need.full ? need.why : null, facts: null });
  }
  if (!memory) return planned;
  await readFacts(app, planned.filter((p) => !p.target.archived), params.pacer);
  for (const p of planned) {
    if (p.why !== null) continue;
    // Read again after the fingerprint query: a mark that arrived meanwhile is honoured now.
    const read = await readEntry(memory, p.key, app.log, failures);
    const need = read ? fullScanNeed(read.entry, now) : { full: true as const, why: MEMORY_UNREADABLE };
    if (need.full) p.why = need.why;
    else if (!(p.facts && read?.entry?.fingerprint === fingerprintOf(p.facts))) p.why = p.facts ? "changed" : "fingerprint unreadable";
  }
  return planned;
}

/**
 * After a successful full read: the memory's entry, with the fingerprint read before it. The
 * write keeps any mark made since the scan started (atomically in the memory: see `ScanMemory.set`).
 * A memory that cannot be written keeps its old entry, which never skips a change (its mark or
 * its fingerprint from before this scan reads the repository in full again): logged, not thrown,
 * so that the scan itself still counts as done.
 */
export async function rememberFullScan(
  memory: ScanMemory,
  plan: Pick<ScanPlan, "key" | "facts" | "branches">,
  scan: { startedAt: Date; now: Date; watch: ScanWatch; log: PlanLog },
): Promise<boolean> {
  try {
    const previous = await memory.get(plan.key);
    const entry = rememberScan({ previous, startedAt: scan.startedAt, now: scan.now, facts: plan.facts, guessed: plan.branches, watch: scan.watch });
    await memory.set(plan.key, entry, scan.startedAt);
    return true;
  } catch (error) {
    scan.log.warn({ err: error, repository: plan.key }, "the scan memory could not be written; the repository is read in full again next time");
    return false;
  }
}
