import type { Probot } from "probot";
import type { ScanMemory } from "../infrastructure/scan-memory.js";
import { createScanPacer, DEFAULT_SCAN_BUDGET, parseScanBudget } from "./scan-pacing.js";
import { runScheduledScan } from "./scheduled-scan.js";

export const DEFAULT_SCAN_INTERVAL = "6h";
/** Between two repositories of a scheduled scan: a few hundred repositories take minutes, not a burst. */
export const PAUSE_BETWEEN_REPOSITORIES_MS = 2000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/**
 * Node's timers hold a signed 32-bit delay (about 24.8 days); past it, setTimeout fires after
 * 1 ms, which would turn DRIFT_SCAN_INTERVAL=30d into a scan loop. Longer waits are cut to this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `DRIFT_SCAN_INTERVAL`: `6h`, `30m`, `90s`, `1d`, a bare number of ms; `0` turns the schedule off. */
export function parseInterval(text: string | undefined): number {
  const value = (text ?? "").trim() || DEFAULT_SCAN_INTERVAL;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`DRIFT_SCAN_INTERVAL "${value}" is not a duration such as 6h, 30m or 0`);
  return Number(match[1]) * UNIT_MS[match[2] ?? "ms"]!;
}

/** `DRIFT_SCAN_BUDGET`; a value that does not parse falls back to the default share, never to more, and says so. */
function scanBudget(app: Pick<Probot, "log">, env: NodeJS.ProcessEnv): number {
  try {
    return parseScanBudget(env.DRIFT_SCAN_BUDGET);
  } catch (error) {
    app.log.error({ err: error }, `DRIFT_SCAN_BUDGET is not valid; the scan uses the default ${DEFAULT_SCAN_BUDGET * 100}%`);
    return DEFAULT_SCAN_BUDGET;
  }
}

/**
 * The in-process schedule. Probot has no scheduler and a timer runs once per replica: run the
 * schedule in one replica (or set DRIFT_SCAN_INTERVAL=0 everywhere and run `pipeline-guard scan`
 * from a CronJob). Each run starts after the interval plus up to a tenth of it at random, so that
 * replicas and restarts do not all scan at the same moment; a run still going when the next is
 * due makes the next one wait.
 */
export function startDriftSchedule(params: {
  app: Pick<Probot, "auth" | "log">;
  intervalMs: number;
  appLogin: () => Promise<string | undefined>;
  random?: () => number;
  /** A fixed pause between repositories instead of budget-aware pacing (tests). */
  pauseMs?: number;
  /** `DRIFT_SCAN_BUDGET`, read at each run. */
  env?: NodeJS.ProcessEnv;
  /** Default: the process's memory, which the webhooks mark. */
  memory?: ScanMemory;
}): { stop: () => void } {
  const { app, intervalMs } = params;
  const random = params.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  if (intervalMs <= 0) {
    app.log.info("drift scan schedule is off (DRIFT_SCAN_INTERVAL=0)");
    return { stop: () => undefined };
  }
  if (intervalMs > MAX_TIMER_MS) app.log.warn({ intervalMs, maxMs: MAX_TIMER_MS }, "DRIFT_SCAN_INTERVAL is longer than a timer can wait: scans run about every 24.8 days");
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(run, Math.min(MAX_TIMER_MS, intervalMs + Math.floor(random() * intervalMs * 0.1)));
    timer.unref();
  };
  const run = async () => {
    try {
      const pacer = params.pauseMs === undefined ? createScanPacer({ budget: scanBudget(app, params.env ?? process.env) }) : undefined;
      const outcomes = await runScheduledScan({ app, pauseMs: params.pauseMs, pacer, appLogin: params.appLogin, memory: params.memory });
      const unchanged = outcomes.filter((o) => "skipped" in o && o.skipped === "unchanged").length;
      app.log.info({ repositories: outcomes.length, failed: outcomes.filter((o) => "error" in o).length, unchanged }, "scheduled drift scan done");
    } catch (error) {
      app.log.error({ err: error }, "scheduled drift scan could not list the installations");
    } finally {
      schedule();
    }
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
