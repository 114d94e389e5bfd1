import type { Probot } from "probot";
import { FULL_READ_BATCH } from "../github/full-read-facts.js";
import { processScanMemory, type ScanMemory } from "../infrastructure/scan-memory.js";
import { prefetchFullReads } from "./full-read-prefetch.js";
import type { ScanPacer } from "./scan-pacing.js";
import { batchesByInstallation, planScans, rememberFullScan, seeRate, type ScanPlan } from "./scan-planning.js";
import { listInstalledRepositories, scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "./scan-job.js";

export type ScheduledOutcome = ScanOutcome & { why?: string };

/**
 * The scan of every installed repository (or of one `owner/name`): what the in-process schedule
 * and `pipeline-guard scan` both run. Which repositories are read in full is `planScans`'s
 * decision (src/drift/scan-planning.ts, shared with the BullMQ firing); the others are skipped
 * as unchanged. The full reads go by batches of `FULL_READ_BATCH` repositories of one
 * installation, whose configuration and facts are read in two queries just before them
 * (src/drift/full-read-prefetch.ts).
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

  const planned = await planScans({ app, targets, memory, now: start, pacer: params.pacer });

  // The full reads go by batches of one installation, each batch's configuration files and facts
  // read together just before its reads.
  const outcomes: Array<ScheduledOutcome | undefined> = [];
  const reads: Array<{ p: ScanPlan & { why: string }; index: number }> = [];
  for (const [index, p] of planned.entries()) {
    if (p.why === null) outcomes[index] = { repository: `${p.target.owner}/${p.target.repo}`, skipped: "unchanged" };
    else reads.push({ p: { ...p, why: p.why }, index });
  }
  let scanned = 0;
  for (const batch of batchesByInstallation(reads, (r) => r.p.target.installationId, FULL_READ_BATCH)) {
    const { pacer } = params;
    const installationId = batch[0]!.p.target.installationId;
    const observeBatch = pacer ? (headers: Record<string, unknown>) => seeRate(pacer, installationId, headers) : undefined;
    // Archived repositories are not read: nothing is fetched for them.
    const live = batch.filter((r) => !r.p.target.archived);
    const readAt = clock();
    const prefetched = await prefetchFullReads({ app, installationId, now: readAt, observe: observeBatch, targets: live.map((r) => ({ ...r.p.target, remembered: r.p.branches })) });
    for (const { p, index } of batch) {
      const wait = pacer ? pacer.delayBefore(installationId, Date.now()) : scanned > 0 ? (params.pauseMs ?? 0) : 0;
      if (wait > 0) await sleep(wait);
      scanned++;
      const startedAt = clock();
      const observe = pacer ? { headers: (headers: Record<string, unknown>) => seeRate(pacer, installationId, headers), requests: (count: number) => pacer.spent(count, Date.now()) } : undefined;
      const read = prefetched[live.findIndex((r) => r.index === index)] ?? null;
      const outcome = await scanInstalledRepository(app, p.target, { now: startedAt, appLogin, observe, prefetched: read });
      // What the scan used from the batch was read at `readAt`, before the batch's earlier scans (and their pacing):
      // the memory keeps any mark made since then, not only since this repository's scan started.
      if (memory && "watch" in outcome && outcome.watch) await rememberFullScan(memory, p, { startedAt: read ? readAt : startedAt, now: clock(), watch: outcome.watch, log: app.log });
      outcomes[index] = { ...outcome, why: p.why };
    }
  }
  return outcomes.filter((o): o is ScheduledOutcome => o !== undefined);
}
