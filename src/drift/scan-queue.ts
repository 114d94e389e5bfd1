import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Probot } from "probot";
import { runWithInfrastructure } from "../infrastructure/current-infrastructure.js";
import type { Infrastructure, ScanDispatch } from "../infrastructure/infrastructure.js";
import type { RedisInfrastructure } from "../infrastructure/redis-infrastructure.js";
import { runWithMetrics, type AppMetrics } from "../infrastructure/metrics.js";
import type { ScanMemory } from "../infrastructure/scan-memory.js";
import type { RepositoryFacts } from "../github/repository-fingerprints.js";
import { parseInterval } from "./drift-schedule.js";
import { listInstalledRepositories, scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "./scan-job.js";
import { planScans, rememberFullScan, type ScanPlan } from "./scan-planning.js";
import type { ScheduledOutcome } from "./scheduled-scan.js";

/**
 * Scans as BullMQ jobs (issue #11), when `REDIS_URL` is set: one job scheduler fires once per
 * `DRIFT_SCAN_INTERVAL` for all replicas; each firing queues one job per repository whose id
 * names the slot, so a second enqueue of the same repository and slot is a no-op; every replica
 * runs a worker with bounded concurrency; a failed scan is retried with backoff; a job whose
 * replica died (its lock no longer renewed) is moved back and picked up by another worker.
 * The scan itself is the existing per-repository job (src/drift/scan-job.ts), wrapped.
 *
 * With a scan memory (issue #12: Redis, shared by every replica), a firing plans like the
 * in-process schedule (src/drift/scan-planning.ts: the memory, then one fingerprint query per 50
 * repositories) and queues only the repositories that need a full read; each job carries the
 * fingerprint read before it and the branches it covers, and the worker remembers the scan once
 * it succeeded. On-demand jobs (rescan, protection events, new installations, the CLI) read the
 * fingerprint of their one repository first, always read it in full, and remember it too.
 */
export const SCAN_QUEUE_NAME = "drift-scans";
const SCHEDULER_ID = "drift-scan";
/** The job the scheduler adds at each firing (tests add one to fire at once). */
export const SCHEDULE_JOB = "schedule";
const SCAN_JOB = "scan";
/** Scans one worker runs at once (`SCAN_CONCURRENCY`): each is a few API calls a second at most. */
export const DEFAULT_SCAN_CONCURRENCY = 2;
/** A failed scan is tried three times in all, 30 s then 60 s apart. */
export const SCAN_ATTEMPTS = 3;
const SCAN_BACKOFF_MS = 30_000;
/** A job's lock is renewed by its worker; a worker silent this long is taken for dead and its job moves on. */
export const SCAN_LOCK_MS = 30_000;
/** Finished jobs kept for `pipeline-guard queue` and for a waiting `rescan`. */
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 1000 };
const KEEP_FAILED = { age: 7 * 24 * 60 * 60, count: 1000 };
const POLL_MS = 250;

/** What a scheduled job carries from its firing's plan for `rememberFullScan`. */
export interface ScanJobPlan {
  why: string;
  branches: string[];
  facts: RepositoryFacts | null;
}

interface ScanJobData {
  target: Omit<InstalledRepository, "installedAt"> & { installedAt?: string };
  trigger?: { event: string; actor: string | null };
  plan?: ScanJobPlan;
}

/** What a firing returns (kept with its job): repositories queued and skipped, and why by count. */
export interface FiringOutcome {
  slot: number;
  queued: number;
  unchanged: number;
  reasons: Record<string, number>;
}

export interface ScanQueueOptions {
  app: Pick<Probot, "auth" | "log">;
  infrastructure: Infrastructure;
  url: string;
  prefix: string;
  /** 0: no scheduler (and an existing one is removed). */
  intervalMs: number;
  appLogin: () => Promise<string | undefined>;
  concurrency?: number;
  lockDurationMs?: number;
  backoffMs?: number;
  /** The scan of one repository and the listing of every repository (tests replace them). */
  scan?: (target: InstalledRepository, params: { appLogin?: string; trigger?: ScanJobData["trigger"]; now?: Date }) => Promise<ScanOutcome>;
  listTargets?: () => Promise<InstalledRepository[]>;
  metrics?: AppMetrics;
  /** The change detection's memory, shared with the webhooks that mark repositories; absent: every firing reads every repository in full. */
  memory?: ScanMemory;
  now?: () => Date;
}

export interface ScanQueue extends ScanDispatch {
  queue: Queue;
  worker: Worker;
  /** Waiting, active, failed (and delayed, completed) jobs. */
  counts(): Promise<ScanJobCounts>;
  /** Stops taking jobs; a job still running after `timeoutMs` is handed back to the queue. */
  close(timeoutMs?: number): Promise<void>;
}

export interface ScanJobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** BullMQ needs `maxRetriesPerRequest: null` on its connections (it blocks on some commands). */
function bullConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

export function bullPrefix(prefix: string): string {
  return `${prefix}bull`;
}

const repositoryOf = (target: Pick<InstalledRepository, "owner" | "repo">) => `${target.owner}/${target.repo}`.toLowerCase();

/** The slot a scheduler firing belongs to: its scheduled time (in the job id BullMQ gives it) over the interval. */
export function slotOf(job: Pick<Job, "id" | "timestamp">, intervalMs: number): number {
  const millis = Number(/:(\d+)$/.exec(job.id ?? "")?.[1] ?? job.timestamp);
  return Math.round(millis / Math.max(1, intervalMs));
}

function dataOf(target: InstalledRepository, trigger?: ScanJobData["trigger"], plan?: ScanJobPlan): ScanJobData {
  return { target: { ...target, installedAt: target.installedAt?.toISOString() }, ...(trigger ? { trigger } : {}), ...(plan ? { plan } : {}) };
}

function targetOf(data: ScanJobData): InstalledRepository {
  return { ...data.target, installedAt: data.target.installedAt ? new Date(data.target.installedAt) : undefined };
}

/** Job ids may not contain `:` (BullMQ); repository names cannot either. */
const jobId = (dedupe: string, target: InstalledRepository) => `${dedupe}-${repositoryOf(target)}`.replace(/:/g, "-");

/** How often a command's connection tries to reach Redis before it gives up. */
const COMMAND_CONNECT_ATTEMPTS = 3;

/**
 * A command's connection: it gives up after a few attempts, so that `pipeline-guard queue` or
 * `scan` against a Redis that does not answer fails with the reason instead of waiting forever
 * (the server's own connections keep retrying: Redis coming back must not need a restart).
 */
function commandConnection(url: string): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: (times) => (times >= COMMAND_CONNECT_ATTEMPTS ? null : 200) });
  // The failure reaches the caller through the command that needed the connection.
  connection.on("error", () => undefined);
  return connection;
}

/**
 * The queue on a connection of its own, closed with it (BullMQ leaves a connection it was handed
 * open). `failFast`: a command's queue, which reports an unreachable Redis instead of waiting.
 */
export function openScanQueue(url: string, prefix: string, options: { failFast?: boolean } = {}): Queue {
  const connection = options.failFast ? commandConnection(url) : bullConnection(url);
  const queue = new Queue(SCAN_QUEUE_NAME, { connection, prefix: bullPrefix(prefix) });
  if (options.failFast) queue.on("error", () => undefined);
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    // A connection that gave up ("end") is closed already; `quit` on it would start it again.
    if (connection.status !== "end") await connection.quit().catch(() => connection.disconnect());
  };
  return queue;
}

export async function scanJobCounts(queue: Queue): Promise<ScanJobCounts> {
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized", "waiting-children");
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts["waiting-children"] ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    completed: counts.completed ?? 0,
  };
}

/**
 * Queues one scan job per (not archived) repository, with the job id `<dedupe>-<owner>/<repo>`: a
 * second add is a no-op. `plans`: a firing's plan of each repository, by `owner/name` in lower case.
 */
export async function addScanJobs(
  queue: Queue,
  targets: readonly InstalledRepository[],
  params: { dedupe: string; trigger?: ScanJobData["trigger"]; backoffMs?: number; plans?: ReadonlyMap<string, ScanJobPlan> },
): Promise<string[]> {
  const opts = {
    attempts: SCAN_ATTEMPTS,
    backoff: { type: "exponential", delay: params.backoffMs ?? SCAN_BACKOFF_MS },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
  const jobs = await queue.addBulk(targets.filter((t) => !t.archived).map((target) => ({ name: SCAN_JOB, data: dataOf(target, params.trigger, params.plans?.get(repositoryOf(target))), opts: { ...opts, jobId: jobId(params.dedupe, target) } })));
  return jobs.map((job) => job.id ?? "");
}

/** The dedupe key of an on-demand scan: one per repository per minute, however often it is asked. */
export function onDemandDedupe(now = Date.now()): string {
  return `on-demand-${Math.floor(now / 60_000)}`;
}

/** A plan's part a job carries: why, the branches guessed and the fingerprint's facts. */
const jobPlanOf = (plan: ScanPlan, why: string): ScanJobPlan => ({ why, branches: plan.branches, facts: plan.facts });

export function startScanQueue(options: ScanQueueOptions): ScanQueue {
  const { app, infrastructure, intervalMs, memory } = options;
  const queue = openScanQueue(options.url, options.prefix);
  const scan = options.scan ?? ((target, params) => scanInstalledRepository(app, target, params));
  const listTargets = options.listTargets ?? (() => listInstalledRepositories(app));
  const clock = options.now ?? (() => new Date());
  const enqueue: ScanDispatch["enqueue"] = (targets, params) => addScanJobs(queue, targets, { ...params, backoffMs: options.backoffMs });

  /** One firing: the plan, then a job for each repository that needs a full read. */
  const fire = async (job: Job<ScanJobData>): Promise<FiringOutcome> => {
    const targets = await listTargets();
    const slot = slotOf(job, intervalMs);
    const plans = await planScans({ app, targets: targets.filter((t) => !t.archived), memory: memory ?? null, now: clock() });
    const full = plans.filter((p): p is ScanPlan & { why: string } => p.why !== null);
    const reasons: Record<string, number> = {};
    for (const p of plans) reasons[p.why ?? "unchanged"] = (reasons[p.why ?? "unchanged"] ?? 0) + 1;
    const ids = await addScanJobs(queue, full.map((p) => p.target), { dedupe: `schedule-${slot}`, backoffMs: options.backoffMs, plans: memory ? new Map(full.map((p) => [p.key, jobPlanOf(p, p.why)])) : undefined });
    const outcome = { slot, queued: ids.length, unchanged: plans.length - full.length, reasons };
    app.log.info({ repositories: plans.length, ...outcome }, "scheduled drift scan queued");
    return outcome;
  };

  /** The plan of an on-demand job: its one fingerprint, read before the scan; always a full read. */
  const planOnDemand = async (target: InstalledRepository): Promise<ScanJobPlan | undefined> => {
    if (!memory) return undefined;
    const plans = await planScans({ app, targets: [target], memory, now: clock() });
    return plans.map((plan) => jobPlanOf(plan, "on demand"))[0];
  };

  /** After a successful full read (see `rememberFullScan`: a memory that cannot be written is logged, the job still done). */
  const remember = async (target: InstalledRepository, plan: ScanJobPlan | undefined, startedAt: Date, outcome: ScanOutcome) => {
    if (!memory || !plan || !("watch" in outcome) || !outcome.watch) return;
    await rememberFullScan(memory, { key: repositoryOf(target), facts: plan.facts, branches: plan.branches }, { startedAt, now: clock(), watch: outcome.watch, log: app.log });
  };

  const processJob = (job: Job<ScanJobData>) =>
    runWithInfrastructure(infrastructure, async (): Promise<ScheduledOutcome | FiringOutcome> => {
      if (job.name === SCHEDULE_JOB) return fire(job);
      const target = targetOf(job.data);
      const plan = job.data.plan ?? (await planOnDemand(target));
      const stopTimer = options.metrics?.scanSeconds.startTimer();
      const startedAt = clock();
      const outcome = await runWithMetrics(options.metrics, async () => scan(target, { appLogin: await options.appLogin(), trigger: job.data.trigger, now: startedAt })).finally(() => stopTimer?.());
      // A failed scan is retried with backoff (the error is already redacted of signed URLs).
      if ("error" in outcome) throw new Error(outcome.error);
      await remember(target, plan, startedAt, outcome);
      return plan ? { ...outcome, why: plan.why } : outcome;
    });

  const workerConnection = bullConnection(options.url);
  const worker = new Worker<ScanJobData>(SCAN_QUEUE_NAME, processJob, {
    connection: workerConnection,
    prefix: bullPrefix(options.prefix),
    concurrency: options.concurrency ?? DEFAULT_SCAN_CONCURRENCY,
    lockDuration: options.lockDurationMs ?? SCAN_LOCK_MS,
    stalledInterval: options.lockDurationMs ?? SCAN_LOCK_MS,
  });
  worker.on("error", (error) => app.log.error({ err: error }, "scan worker error"));
  worker.on("failed", (job, error) => app.log.warn({ job: job?.id, attempt: job?.attemptsMade, err: error }, "scan job failed"));

  const scheduled = setUpScheduler({ queue, infrastructure, intervalMs, log: app.log });

  return {
    queue,
    worker,
    enqueue,
    async scanAndWait(target, params) {
      const [id] = await enqueue([target], { dedupe: onDemandDedupe() });
      if (!id) return { repository: `${target.owner}/${target.repo}`, skipped: "archived" };
      const deadline = Date.now() + params.waitMs;
      for (;;) {
        const state = await queue.getJobState(id);
        if (state === "completed" || state === "failed") {
          // Read after the state: a job read before it finished would carry no outcome yet.
          const job = await queue.getJob(id);
          if (job && state === "completed") return job.returnvalue as ScanOutcome;
          if (job) return { repository: `${target.owner}/${target.repo}`, error: job.failedReason };
        }
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    counts: () => scanJobCounts(queue),
    async close(timeoutMs = 25_000) {
      await scheduled.catch(() => undefined);
      const graceful = worker.close();
      const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref())]);
      // Still running at the deadline: the jobs stop being renewed and another replica's worker takes them over.
      if (timedOut) await worker.close(true);
      await queue.close();
      await workerConnection.quit().catch(() => workerConnection.disconnect());
    },
  };
}

/**
 * The one scheduler of all replicas. Set up under a lock and only when the interval changed:
 * re-upserting an unchanged scheduler on every start would fire it an extra time.
 */
async function setUpScheduler(params: { queue: Queue; infrastructure: Infrastructure; intervalMs: number; log: Pick<Probot["log"], "info" | "error"> }): Promise<void> {
  const { queue, intervalMs, log } = params;
  try {
    await params.infrastructure.locks.withKeyLock("scan-scheduler", async () => {
      const existing = await queue.getJobScheduler(SCHEDULER_ID);
      if (intervalMs <= 0) {
        if (existing) await queue.removeJobScheduler(SCHEDULER_ID);
        log.info("drift scan schedule is off (DRIFT_SCAN_INTERVAL=0)");
        return;
      }
      if (existing?.every === intervalMs) return;
      await queue.upsertJobScheduler(SCHEDULER_ID, { every: intervalMs }, { name: SCHEDULE_JOB, data: {}, opts: { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED } });
      log.info({ intervalMs }, "drift scan scheduler set for every replica");
    });
  } catch (error) {
    log.error({ err: error }, "the drift scan scheduler could not be set up");
  }
}

/** `SCAN_CONCURRENCY`: scans one replica runs at once (default 2). */
export function parseConcurrency(text: string | undefined): number {
  const value = (text ?? "").trim();
  if (!value) return DEFAULT_SCAN_CONCURRENCY;
  if (!/^[1-9]\d{0,2}$/.test(value)) throw new Error(`SCAN_CONCURRENCY "${value}" is not a whole number from 1 to 999`);
  return Number(value);
}

/** The queue of the app's replicas: `DRIFT_SCAN_INTERVAL`, `SCAN_CONCURRENCY`, on the infrastructure's Redis. */
export function startScanQueueFromEnvironment(params: {
  app: Pick<Probot, "auth" | "log">;
  infrastructure: RedisInfrastructure;
  appLogin: () => Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
  metrics?: AppMetrics;
  /** The memory the webhooks mark (the infrastructure's, in Redis, unless the app was given one). */
  memory: ScanMemory;
}): ScanQueue {
  const { infrastructure, env } = params;
  const queue = startScanQueue({
    app: params.app,
    infrastructure,
    url: infrastructure.url,
    prefix: infrastructure.prefix,
    intervalMs: parseInterval(env.DRIFT_SCAN_INTERVAL),
    concurrency: parseConcurrency(env.SCAN_CONCURRENCY),
    appLogin: params.appLogin,
    metrics: params.metrics,
    memory: params.memory,
  });
  infrastructure.closers.push((timeoutMs) => queue.close(timeoutMs));
  return queue;
}
