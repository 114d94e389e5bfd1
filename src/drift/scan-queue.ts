import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Probot } from "probot";
import { runWithInfrastructure } from "../infrastructure/current-infrastructure.js";
import type { Infrastructure, ScanDispatch } from "../infrastructure/infrastructure.js";
import type { RedisInfrastructure } from "../infrastructure/redis-infrastructure.js";
import { runWithMetrics, type AppMetrics } from "../infrastructure/metrics.js";
import type { ScanMemory } from "../infrastructure/scan-memory.js";
import { FULL_READ_BATCH } from "../github/full-read-facts.js";
import type { RepositoryFacts } from "../github/repository-fingerprints.js";
import { parseInterval } from "./drift-schedule.js";
import { prefetchFullReads, type PrefetchedRead } from "./full-read-prefetch.js";
import { listInstalledRepositories, scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "./scan-job.js";
import { batchesByInstallation, planScans, rememberFullScan, type ScanPlan } from "./scan-planning.js";
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
 *
 * A firing queues its full reads by batches (`SCAN_BATCH_JOB`): up to `FULL_READ_BATCH`
 * repositories of one installation per job, whose worker reads their configuration and facts in
 * the two batched queries (src/drift/full-read-prefetch.ts) right before scanning them in turn,
 * as the in-process schedule does: a first scan costs about 1.7 points a repository instead of
 * 6.45. The facts are read by the job itself, never carried from the firing, and the memory of
 * each repository is written with the facts' read time as the scan's start, so a webhook's mark
 * made after they were read survives. A repository whose scan fails in a batch is queued alone
 * (`schedule-<slot>-<owner>/<repo>`, the usual retries) and the batch goes on; the batch's
 * progress lists the repositories it finished, so a batch taken over from a dead or stopping
 * replica scans none of them twice.
 */
export const SCAN_QUEUE_NAME = "drift-scans";
const SCHEDULER_ID = "drift-scan";
/** The job the scheduler adds at each firing (tests add one to fire at once). */
export const SCHEDULE_JOB = "schedule";
const SCAN_JOB = "scan";
/** A firing's job of up to `FULL_READ_BATCH` repositories of one installation. */
export const SCAN_BATCH_JOB = "scan-batch";
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

type SerializedTarget = Omit<InstalledRepository, "installedAt"> & { installedAt?: string };

interface ScanJobData {
  target: SerializedTarget;
  trigger?: { event: string; actor: string | null };
  plan?: ScanJobPlan;
}

/** A batch of a firing: its slot (for the id of a repository queued alone) and its repositories, each with its plan. */
interface ScanBatchData {
  slot: number;
  installationId: number;
  items: Array<{ target: SerializedTarget; plan?: ScanJobPlan }>;
}

/** What a batch job keeps as its progress: the repositories it finished (`owner/name` in lower case), and how. */
export interface ScanBatchProgress {
  done: Record<string, string>;
}

/**
 * A batch job's outcome, one entry per repository: its scan's; a failed one's error with the id
 * of the job it was queued alone as; `doneBefore` for one finished before the batch was taken over.
 */
export type ScanBatchEntry = ScheduledOutcome | (ScanOutcome & { queuedAlone: string }) | { repository: string; doneBefore: string };

/** The progress a batch job kept (anything else: nothing done yet). */
function doneOf(progress: unknown): Record<string, string> {
  const done = (progress as Partial<ScanBatchProgress> | null)?.done;
  if (typeof done !== "object" || done === null) return {};
  return Object.fromEntries(Object.entries(done).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

type QueueJobData = ScanJobData | ScanBatchData | Record<string, never>;

/** What a firing returns (kept with its job): repositories queued and skipped, and why by count. */
export interface FiringOutcome {
  slot: number;
  /** Repositories queued for a full read, in `batches` jobs. */
  queued: number;
  batches: number;
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
  scan?: (target: InstalledRepository, params: { appLogin?: string; trigger?: ScanJobData["trigger"]; now?: Date; prefetched?: PrefetchedRead | null }) => Promise<ScanOutcome>;
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

function targetOf(data: { target: SerializedTarget }): InstalledRepository {
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
  params: { dedupe: string; trigger?: ScanJobData["trigger"]; backoffMs?: number; plans?: ReadonlyMap<string, ScanJobPlan>; attempts?: number; delayMs?: number },
): Promise<string[]> {
  const opts = {
    ...jobOptions(params.backoffMs),
    ...(params.attempts ? { attempts: params.attempts } : {}),
    ...(params.delayMs ? { delay: params.delayMs } : {}),
  };
  const jobs = await queue.addBulk(targets.filter((t) => !t.archived).map((target) => ({ name: SCAN_JOB, data: dataOf(target, params.trigger, params.plans?.get(repositoryOf(target))), opts: { ...opts, jobId: jobId(params.dedupe, target) } })));
  return jobs.map((job) => job.id ?? "");
}

function jobOptions(backoffMs: number | undefined) {
  return {
    attempts: SCAN_ATTEMPTS,
    backoff: { type: "exponential", delay: backoffMs ?? SCAN_BACKOFF_MS },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/**
 * A firing's full reads by installation, `FULL_READ_BATCH` at most together, in a fixed order
 * (installation, then `owner/name`): a second firing of the same slot with the same plan makes
 * the same batches, whose ids exist already, and adds nothing.
 */
export function firingBatches<T extends { target: InstalledRepository; key: string }>(full: readonly T[]): T[][] {
  const ordered = [...full].sort((a, b) => a.target.installationId - b.target.installationId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return batchesByInstallation(ordered, (p) => p.target.installationId, FULL_READ_BATCH);
}

/** One job per batch, `schedule-<slot>-batch-<installation>-<n>`: a second add of the same slot's batch is a no-op. */
async function addBatchJobs(queue: Queue, batches: ReadonlyArray<ReadonlyArray<{ target: InstalledRepository; plan?: ScanJobPlan }>>, params: { slot: number; backoffMs?: number }): Promise<string[]> {
  const counters = new Map<number, number>();
  const jobs = await queue.addBulk(
    batches.map((batch) => {
      const installationId = batch[0]!.target.installationId;
      const n = counters.get(installationId) ?? 0;
      counters.set(installationId, n + 1);
      const data: ScanBatchData = { slot: params.slot, installationId, items: batch.map((item) => ({ target: dataOf(item.target).target, ...(item.plan ? { plan: item.plan } : {}) })) };
      return { name: SCAN_BATCH_JOB, data, opts: { ...jobOptions(params.backoffMs), jobId: `schedule-${params.slot}-batch-${installationId}-${n}` } };
    }),
  );
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

  /** One firing: the plan, then a job for each batch of the repositories that need a full read. */
  const fire = async (job: Job<QueueJobData>): Promise<FiringOutcome> => {
    const targets = await listTargets();
    const slot = slotOf(job, intervalMs);
    const plans = await planScans({ app, targets: targets.filter((t) => !t.archived), memory: memory ?? null, now: clock() });
    const full = plans.filter((p): p is ScanPlan & { why: string } => p.why !== null);
    const reasons: Record<string, number> = {};
    for (const p of plans) reasons[p.why ?? "unchanged"] = (reasons[p.why ?? "unchanged"] ?? 0) + 1;
    const batches = firingBatches(full).map((batch) => batch.map((p) => ({ target: p.target, ...(memory ? { plan: jobPlanOf(p, p.why) } : {}) })));
    const ids = await addBatchJobs(queue, batches, { slot, backoffMs: options.backoffMs });
    const outcome = { slot, queued: full.length, batches: ids.length, unchanged: plans.length - full.length, reasons };
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

  /** One repository's scan, timed (`pipeline_guard_scan_duration_seconds`) and counted. */
  const scanOne = (target: InstalledRepository, params: Parameters<NonNullable<ScanQueueOptions["scan"]>>[1]) => {
    const stopTimer = options.metrics?.scanSeconds.startTimer();
    return runWithMetrics(options.metrics, () => scan(target, params)).finally(() => stopTimer?.());
  };

  /**
   * A firing's batch: the configuration and facts of its repositories read now, in two queries
   * (a query that fails leaves its repositories to read everything themselves), then each
   * repository scanned in turn. A repository whose scan fails is queued alone with the usual
   * retries (two more tries, after the backoff) and the batch goes on. The progress lists the
   * repositories done: a batch taken over (its replica died or stopped) scans only the others.
   */
  const processBatch = async (job: Job<ScanBatchData>, token: string | undefined): Promise<ScanBatchEntry[]> => {
    const { slot, installationId } = job.data;
    const progress: ScanBatchProgress = { done: doneOf(job.progress) };
    const entries: ScanBatchEntry[] = Object.entries(progress.done).map(([repository, how]) => ({ repository, doneBefore: how }));
    const items = job.data.items.map((item) => ({ target: targetOf(item), plan: item.plan })).filter((item) => !Object.hasOwn(progress.done, repositoryOf(item.target)));
    if (items.length === 0) return entries;
    const appLogin = await options.appLogin();
    // Read by this job, right before its scans: the facts are never older than the batch itself.
    const readAt = clock();
    const prefetched = await runWithMetrics(options.metrics, () =>
      prefetchFullReads({ app, installationId, now: readAt, targets: items.map(({ target, plan }) => ({ ...target, remembered: plan?.branches ?? [target.defaultBranch] })) }),
    );
    for (const [i, { target, plan }] of items.entries()) {
      // Stopping: the rest of the batch goes back to the queue at once, for another replica (no attempt spent).
      if (worker.closing) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const key = repositoryOf(target);
      const read = prefetched[i] ?? null;
      const startedAt = clock();
      const outcome = await scanOne(target, { appLogin, now: startedAt, prefetched: read });
      if ("error" in outcome) {
        // The batch's try was the first: the next comes after the backoff, the last after twice it (30 s, then 60 s, as for any scan job).
        const backoffMs = options.backoffMs ?? SCAN_BACKOFF_MS;
        const [id = ""] = await addScanJobs(queue, [target], { dedupe: `schedule-${slot}`, backoffMs: 2 * backoffMs, plans: plan ? new Map([[key, plan]]) : undefined, attempts: SCAN_ATTEMPTS - 1, delayMs: backoffMs });
        entries.push({ ...outcome, queuedAlone: id });
        progress.done[key] = `queued alone as ${id}`;
      } else {
        // What the scan used was read at `readAt` (the batch's configuration and facts): the memory keeps any mark made since.
        await remember(target, plan, read ? readAt : startedAt, outcome);
        entries.push(plan ? { ...outcome, why: plan.why } : outcome);
        progress.done[key] = plan?.why ?? "scanned";
      }
      await job.updateProgress(progress);
    }
    return entries;
  };

  const processJob = (job: Job<QueueJobData>, token?: string) =>
    runWithInfrastructure(infrastructure, async (): Promise<ScheduledOutcome | FiringOutcome | ScanBatchEntry[]> => {
      if (job.name === SCHEDULE_JOB) return fire(job);
      if (job.name === SCAN_BATCH_JOB) return processBatch(job as Job<ScanBatchData>, token);
      const data = job.data as ScanJobData;
      const target = targetOf(data);
      const plan = data.plan ?? (await planOnDemand(target));
      const startedAt = clock();
      const outcome = await scanOne(target, { appLogin: await options.appLogin(), trigger: data.trigger, now: startedAt });
      // A failed scan is retried with backoff (the error is already redacted of signed URLs).
      if ("error" in outcome) throw new Error(outcome.error);
      await remember(target, plan, startedAt, outcome);
      return plan ? { ...outcome, why: plan.why } : outcome;
    });

  const workerConnection = bullConnection(options.url);
  const worker = new Worker<QueueJobData>(SCAN_QUEUE_NAME, processJob, {
    connection: workerConnection,
    prefix: bullPrefix(options.prefix),
    concurrency: options.concurrency ?? DEFAULT_SCAN_CONCURRENCY,
    lockDuration: options.lockDurationMs ?? SCAN_LOCK_MS,
    stalledInterval: options.lockDurationMs ?? SCAN_LOCK_MS,
  });
  worker.on("error", (error) => app.log.error({ err: error }, "scan worker error"));
  worker.on("failed", (job, error) => app.log.warn({ job: job?.id, attempt: job?.attemptsMade, err: error }, "scan job failed"));

  let closing: Promise<void> | undefined;
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
    // Once: a second close (the infrastructure's after a test's, say) waits for the first instead of reopening the connections.
    close(timeoutMs = 25_000) {
      closing ??= (async () => {
        await scheduled.catch(() => undefined);
        const graceful = worker.close();
        const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref())]);
        // Still running at the deadline: the jobs stop being renewed and another replica's worker takes them over.
        if (timedOut) await worker.close(true);
        await queue.close();
        await workerConnection.quit().catch(() => workerConnection.disconnect());
      })();
      return closing;
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
