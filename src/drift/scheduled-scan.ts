import type { Probot } from "probot";
import type { GitHubClient } from "../github/gateway.js";
import { FULL_READ_BATCH } from "../github/full-read-facts.js";
import { FINGERPRINT_BATCH, getRepositoryFacts, type RepositoryFacts } from "../github/repository-fingerprints.js";
import { observeResponses } from "../github/response-headers.js";
import { processScanMemory, type ScanMemory } from "../infrastructure/scan-memory.js";
import { prefetchFullReads } from "./full-read-prefetch.js";
import { readRateHeaders, type ScanPacer } from "./scan-pacing.js";
import { fingerprintOf, fullScanNeed, rememberScan } from "./scan-fingerprint.js";
import { listInstalledRepositories, scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "./scan-job.js";

export type ScheduledOutcome = ScanOutcome & { why?: string };

interface Planned {
  target: InstalledRepository;
  key: string;
  /** The branches the fingerprint covers: the last full scan's, or the default branch for a repository never scanned. */
  branches: string[];
  why: string | null;
  facts: RepositoryFacts | null;
}

function seeRate(pacer: ScanPacer, installationId: number, headers: Record<string, unknown>): void {
  const observation = readRateHeaders(installationId, headers);
  if (observation) pacer.observe(observation);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The fingerprints of `planned` repositories, one query per `FINGERPRINT_BATCH` of one
 * installation. A query that fails leaves its repositories without facts: they are read in full.
 */
async function readFacts(app: Pick<Probot, "auth" | "log">, planned: readonly Planned[], pacer: ScanPacer | undefined): Promise<void> {
  const byInstallation = new Map<number, Planned[]>();
  for (const p of planned) byInstallation.set(p.target.installationId, [...(byInstallation.get(p.target.installationId) ?? []), p]);
  for (const [installationId, group] of byInstallation) {
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
 * The scan of every installed repository (or of one `owner/name`): what the in-process schedule
 * and `pipeline-guard scan` both run. A repository is read in full when the memory does not
 * know it, a webhook marked it, its last full read is a day old, a time-bound fact is due, or
 * its fingerprint (one aliased GraphQL query per 50 repositories) differs from the one read
 * before its last full scan; otherwise it is skipped as unchanged. The full reads go by batches
 * of `FULL_READ_BATCH` repositories of one installation, whose configuration and facts are read
 * in two queries just before them (src/drift/full-read-prefetch.ts).
 */
export async function runScheduledScan(params: {
  app: Pick<Probot, "auth" | "log">;
  env?: NodeJS.ProcessEnv;
  only?: string;
  /** Already listed (the command checks `--repo` against them first). */
  targets?: readonly InstalledRepository[];
  pauseMs?: number;
  /** The app's login, asked once for the whole scan (see `appLoginResolver`). */
  appLogin: () => Promise<string | undefined>;
  /** null: no memory (`pipeline-guard scan`, a process of its own): every repository is read in full, no fingerprint is asked for. */
  memory?: ScanMemory | null;
  /** Budget-aware pacing (`DRIFT_SCAN_BUDGET`); without it, `pauseMs` between repositories read in full. */
  pacer?: ScanPacer;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}): Promise<ScheduledOutcome[]> {
  const { app } = params;
  const memory = params.memory === undefined ? processScanMemory : params.memory;
  const clock = params.now ?? (() => new Date());
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const targets = params.targets ?? (await listInstalledRepositories(app, params.only));
  const appLogin = await params.appLogin();
  const start = clock();

  const planned: Planned[] = [];
  for (const target of targets) {
    const key = `${target.owner}/${target.repo}`.toLowerCase();
    const entry = memory ? await memory.get(key) : undefined;
    const need = memory ? fullScanNeed(entry, start) : { full: true as const, why: "full" };
    const branches = entry && entry.branches.length > 0 ? entry.branches : [target.defaultBranch || "main"];
    planned.push({ target, key, branches, why: need.full ? need.why : null, facts: null });
  }
  if (memory) await readFacts(app, planned.filter((p) => !p.target.archived), params.pacer);

  // Which repositories are read in full; their reads then go by batches of one installation, each
  // batch's configuration files and facts read together just before its reads.
  const outcomes: Array<ScheduledOutcome | undefined> = [];
  const reads: Array<{ p: Planned; index: number }> = [];
  for (const [index, p] of planned.entries()) {
    if (p.why === null && memory) {
      const entry = await memory.get(p.key);
      if (p.facts && entry?.fingerprint === fingerprintOf(p.facts)) {
        outcomes[index] = { repository: `${p.target.owner}/${p.target.repo}`, skipped: "unchanged" };
        continue;
      }
      p.why = p.facts ? "changed" : "fingerprint unreadable";
    }
    reads.push({ p, index });
  }
  let scanned = 0;
  for (const batch of fullReadBatches(reads)) {
    const { pacer } = params;
    const installationId = batch[0]!.p.target.installationId;
    const observeBatch = pacer ? (headers: Record<string, unknown>) => seeRate(pacer, installationId, headers) : undefined;
    // Archived repositories are not read: nothing is fetched for them.
    const live = batch.filter((r) => !r.p.target.archived);
    const prefetched = await prefetchFullReads({ app, installationId, now: clock(), observe: observeBatch, targets: live.map((r) => ({ ...r.p.target, remembered: r.p.branches })) });
    for (const { p, index } of batch) {
      const wait = pacer ? pacer.delayBefore(installationId, Date.now()) : scanned > 0 ? (params.pauseMs ?? 0) : 0;
      if (wait > 0) await sleep(wait);
      scanned++;
      const startedAt = clock();
      const observe = pacer ? { headers: (headers: Record<string, unknown>) => seeRate(pacer, installationId, headers), requests: (count: number) => pacer.spent(count, Date.now()) } : undefined;
      const outcome = await scanInstalledRepository(app, p.target, { now: startedAt, appLogin, observe, prefetched: prefetched[live.findIndex((r) => r.index === index)] ?? null });
      if (memory && "watch" in outcome && outcome.watch) {
        await memory.set(p.key, rememberScan({ previous: await memory.get(p.key), startedAt, now: clock(), facts: p.facts, guessed: p.branches, watch: outcome.watch }));
      }
      outcomes[index] = { ...outcome, why: p.why ?? "changed" };
    }
  }
  return outcomes.filter((o): o is ScheduledOutcome => o !== undefined);
}

/** The full reads by installation, in their order, `FULL_READ_BATCH` at most together. */
function fullReadBatches<T extends { p: Planned }>(reads: readonly T[]): T[][] {
  const byInstallation = new Map<number, T[]>();
  for (const read of reads) byInstallation.set(read.p.target.installationId, [...(byInstallation.get(read.p.target.installationId) ?? []), read]);
  return [...byInstallation.values()].flatMap((group) => chunks(group, FULL_READ_BATCH));
}
