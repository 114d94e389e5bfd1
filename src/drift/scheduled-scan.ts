import type { Probot } from "probot";
import { processScanMemory, type ScanMemory } from "../infrastructure/scan-memory.js";
import type { ScanPacer } from "./scan-pacing.js";
import { planScans, rememberFullScan, seeRate } from "./scan-planning.js";
import { listInstalledRepositories, scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "./scan-job.js";

export type ScheduledOutcome = ScanOutcome & { why?: string };

/**
 * The scan of every installed repository (or of one `owner/name`): what the in-process schedule
 * and `pipeline-guard scan` both run. Which repositories are read in full is `planScans`'s
 * decision (src/drift/scan-planning.ts, shared with the BullMQ firing); the others are skipped
 * as unchanged.
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

  const outcomes: ScheduledOutcome[] = [];
  let scanned = 0;
  for (const p of planned) {
    const repository = `${p.target.owner}/${p.target.repo}`;
    if (p.why === null) {
      outcomes.push({ repository, skipped: "unchanged" });
      continue;
    }
    const { pacer } = params;
    const wait = pacer ? pacer.delayBefore(p.target.installationId, Date.now()) : scanned > 0 ? (params.pauseMs ?? 0) : 0;
    if (wait > 0) await sleep(wait);
    scanned++;
    const startedAt = clock();
    const installationId = p.target.installationId;
    const observe = pacer ? { headers: (headers: Record<string, unknown>) => seeRate(pacer, installationId, headers), requests: (count: number) => pacer.spent(count, Date.now()) } : undefined;
    const outcome = await scanInstalledRepository(app, p.target, { now: startedAt, appLogin, observe });
    if (memory && "watch" in outcome && outcome.watch) await rememberFullScan(memory, p, { startedAt, now: clock(), watch: outcome.watch, log: app.log });
    outcomes.push({ ...outcome, why: p.why });
  }
  return outcomes;
}
