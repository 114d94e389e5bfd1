import { jest } from "@jest/globals";
import { pino } from "pino";
import type { InstalledRepository, ScanOutcome } from "../../src/drift/scan-job.js";
import { Probot } from "probot";
import { Queue } from "bullmq";
import { openScanQueue, parseConcurrency, SCAN_BATCH_JOB, SCHEDULE_JOB, startScanQueue, type FiringOutcome, type ScanQueue, type ScanQueueOptions } from "../../src/drift/scan-queue.js";
import type { ScanMemory } from "../../src/infrastructure/scan-memory.js";
import { createPipelineGuard } from "../../src/index.js";
import { createRedisInfrastructure, type RedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the scan queue tests");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: "silent" });

const target = (repo: string): InstalledRepository => ({ installationId: 1, owner: "acme", repo, defaultBranch: "main", archived: false, canReadRuleSuites: false, installedAt: new Date("2026-01-01T00:00:00Z") });
const done = (repository: string): ScanOutcome => ({ repository, open: 0, accepted: 0, newItems: [], report: "unchanged" }) as unknown as ScanOutcome;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(50);
  }
}

describeRedis("drift scans as BullMQ jobs (against a real Redis)", () => {
  let prefix: string;
  const started: Array<{ queue: ScanQueue; infra: RedisInfrastructure }> = [];

  function replica(options: Partial<ScanQueueOptions> & Pick<ScanQueueOptions, "scan">): ScanQueue {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    const queue = startScanQueue({ app: { auth: jest.fn(), log: silent } as never, infrastructure: infra, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: async () => "pipeline-guard[bot]", ...options });
    started.push({ queue, infra });
    return queue;
  }

  beforeEach(() => {
    prefix = testPrefix("scans");
  });
  afterEach(async () => {
    for (const { queue, infra } of started.splice(0)) {
      await queue.close(100).catch(() => undefined);
      await infra.close();
    }
    await dropPrefix(prefix);
  });

  test("the scheduler is set up once: a replica starting with the same interval leaves it alone, a new interval replaces it, 0 removes it", async () => {
    // Re-upserting an unchanged scheduler at every replica's start could fire it an extra time.
    const upserts = jest.spyOn(Queue.prototype, "upsertJobScheduler");
    const inspector = openScanQueue(TEST_REDIS_URL, prefix);
    try {
      const scan = async (t: InstalledRepository) => done(`acme/${t.repo}`);
      const listTargets = async () => [];
      const hour = 3_600_000;
      // Each replica is closed at once: its close waits for the scheduler's set-up.
      const start = (intervalMs: number) => replica({ intervalMs, scan, listTargets }).close(100);
      await start(hour);
      expect(upserts).toHaveBeenCalledTimes(1);
      const scheduler = await inspector.getJobScheduler("drift-scan");
      expect(scheduler).toMatchObject({ every: hour });

      await start(hour);
      expect(upserts).toHaveBeenCalledTimes(1);
      expect(await inspector.getJobScheduler("drift-scan")).toMatchObject({ every: hour, next: scheduler!.next });

      await start(2 * hour);
      expect(upserts).toHaveBeenCalledTimes(2);
      expect(await inspector.getJobScheduler("drift-scan")).toMatchObject({ every: 2 * hour });

      await start(0);
      expect(upserts).toHaveBeenCalledTimes(2);
      expect(await inspector.getJobScheduler("drift-scan")).toBeFalsy();
    } finally {
      upserts.mockRestore();
      await inspector.close();
    }
  });

  test("three replicas with a 1 s interval: one firing per slot, one scan per repository per slot", async () => {
    const scans: string[] = [];
    let listings = 0;
    const scan = async (t: InstalledRepository) => {
      scans.push(t.repo);
      return done(`acme/${t.repo}`);
    };
    const listTargets = async () => {
      listings += 1;
      return [target("a"), target("b")];
    };
    const replicas = [0, 1, 2].map(() => replica({ intervalMs: 1000, scan, listTargets }));
    await sleep(4_500);
    await Promise.all(replicas.map((r) => r.worker.close()));
    const completed = await replicas[0]!.queue.getJobs(["completed"]);
    const scanIds = completed.map((j) => j.id ?? "").filter((id) => id.startsWith("schedule-")).sort();
    const slots = [...new Set(scanIds.map((id) => /^schedule-(\d+)-/.exec(id)![1]))];
    // One batch job per slot for the installation's two repositories.
    expect(scanIds.every((id) => /^schedule-\d+-batch-1-0$/.test(id))).toBe(true);
    // About four slots in 4.5 s; each fired once, whichever replica took it.
    expect(listings).toBeGreaterThanOrEqual(3);
    expect(listings).toBeLessThanOrEqual(5);
    expect(slots).toHaveLength(listings);
    expect(scans.filter((r) => r === "a")).toHaveLength(listings);
    expect(scans.filter((r) => r === "b")).toHaveLength(listings);
    expect(scanIds).toHaveLength(listings);
  }, 20_000);

  test("a worker killed mid-scan: its job is finished by another replica", async () => {
    let kill!: () => void;
    const killed = new Promise<void>((resolve) => (kill = resolve));
    const dying = jest.fn(async () => {
      await killed;
      return done("acme/payments");
    });
    const a = replica({ lockDurationMs: 1000, scan: dying });
    const [id] = await a.enqueue([target("payments")], { dedupe: "test" });
    await until(() => dying.mock.calls.length === 1, 5_000);
    // The replica dies: no more lock renewals, nothing handed back.
    await a.worker.close(true);
    const survivor = jest.fn(async (t: InstalledRepository) => done(`acme/${t.repo}`));
    const b = replica({ lockDurationMs: 1000, scan: survivor });
    await until(async () => (await b.queue.getJob(id!))?.finishedOn !== undefined, 10_000);
    const job = await b.queue.getJob(id!);
    expect(await job!.getState()).toBe("completed");
    expect(survivor).toHaveBeenCalledTimes(1);
    expect(survivor.mock.calls[0]![0]).toMatchObject({ owner: "acme", repo: "payments", installedAt: new Date("2026-01-01T00:00:00Z") });
    kill();
  }, 20_000);

  test("one job per repository and dedupe key; a rescan waits for its outcome; a failing scan is retried, then reported", async () => {
    let failures = 0;
    const scan = jest.fn(async (t: InstalledRepository) => {
      if (t.repo === "broken") {
        failures += 1;
        return { repository: "acme/broken", error: "GitHub answered 502" } as ScanOutcome;
      }
      return done(`acme/${t.repo}`);
    });
    const q = replica({ scan, backoffMs: 10 });
    const first = await q.enqueue([target("payments"), { ...target("old"), archived: true }], { dedupe: "x" });
    const second = await q.enqueue([target("payments")], { dedupe: "x" });
    expect(first).toEqual(["x-acme/payments"]);
    expect(second).toEqual(first);
    expect(await q.scanAndWait(target("web"), { waitMs: 10_000 })).toEqual(done("acme/web"));
    expect(await q.scanAndWait(target("broken"), { waitMs: 10_000 })).toEqual({ repository: "acme/broken", error: "GitHub answered 502" });
    expect(failures).toBe(3);
    await until(async () => (await q.counts()).completed >= 2, 5_000);
    expect(scan.mock.calls.filter(([t]) => t.repo === "payments")).toHaveLength(1);
    expect(await q.counts()).toMatchObject({ waiting: 0, active: 0, failed: 1, completed: 2 });
    expect(await q.scanAndWait({ ...target("gone"), archived: true }, { waitMs: 10 })).toEqual({ repository: "acme/gone", skipped: "archived" });
  }, 20_000);

  test("a scan still queued when the wait ends answers null; the scheduler is removed when the interval is 0", async () => {
    const slow = async () => {
      await sleep(1_000);
      return done("acme/slow");
    };
    const q = replica({ intervalMs: 60_000, scan: slow });
    await until(async () => (await q.queue.getJobScheduler("drift-scan"))?.every === 60_000, 5_000);
    expect(await q.scanAndWait(target("slow"), { waitMs: 100 })).toBeNull();
    replica({ intervalMs: 0, scan: slow });
    await until(async () => (await q.queue.getJobScheduler("drift-scan")) === undefined, 5_000);
  }, 20_000);
});

describeRedis("the scan queue's change detection fails toward a full read (against a real Redis)", () => {
  let prefix: string;
  const started: Array<{ queue: ScanQueue; infra: RedisInfrastructure }> = [];
  const watched = (repository: string): ScanOutcome => ({ ...done(repository), watch: { branches: ["main"], recheckAt: null, terraform: null } }) as unknown as ScanOutcome;
  const fresh = { fingerprint: "f", branches: ["main"], fullScanAt: new Date().toISOString(), recheckAt: null, dirtyAt: null };

  async function fire(options: Partial<ScanQueueOptions> & Pick<ScanQueueOptions, "scan" | "memory">): Promise<{ firing: FiringOutcome; queue: ScanQueue }> {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    const queue = startScanQueue({ app: { auth: jest.fn(async () => Promise.reject(new Error("no token"))), log: silent } as never, infrastructure: infra, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: async () => "pipeline-guard[bot]", listTargets: async () => [target("a"), target("b"), { ...target("old"), archived: true }], ...options });
    started.push({ queue, infra });
    const job = await queue.queue.add(SCHEDULE_JOB, {}, { jobId: "fire-1" });
    await until(async () => (await queue.queue.getJob(job.id!))?.finishedOn !== undefined, 10_000);
    // The firing and its one batch (both repositories of installation 1).
    await until(async () => (await queue.counts()).completed >= 2, 10_000);
    return { firing: (await queue.queue.getJob(job.id!))!.returnvalue as FiringOutcome, queue };
  }

  beforeEach(() => {
    prefix = testPrefix("scans-failing");
  });
  afterEach(async () => {
    for (const { queue, infra } of started.splice(0)) {
      await queue.close(100).catch(() => undefined);
      await infra.close();
    }
    await dropPrefix(prefix);
  });

  test("a memory that does not answer: every repository is queued, and a scan whose memory write fails still completes", async () => {
    const away: ScanMemory = { get: async () => Promise.reject(new Error("ECONNREFUSED")), set: async () => Promise.reject(new Error("ECONNREFUSED")), markDirty: async () => undefined };
    const scan = jest.fn(async (t: InstalledRepository) => watched(`acme/${t.repo}`));
    const { firing, queue } = await fire({ memory: away, scan });
    expect(firing).toMatchObject({ queued: 2, unchanged: 0, reasons: { "memory unreadable": 2 } });
    expect(scan.mock.calls.map(([t]) => t.repo).sort()).toEqual(["a", "b"]);
    expect(await queue.counts()).toMatchObject({ failed: 0, completed: 2 });
  });

  test("a fingerprint that cannot be read (no token): every repository the memory knows as unchanged is queued", async () => {
    const known: ScanMemory = { get: async () => ({ ...fresh }), set: jest.fn(async () => undefined), markDirty: async () => undefined };
    const scan = jest.fn(async (t: InstalledRepository) => watched(`acme/${t.repo}`));
    const { firing } = await fire({ memory: known, scan });
    expect(firing).toMatchObject({ queued: 2, unchanged: 0, reasons: { "fingerprint unreadable": 2 } });
    // Remembered without a fingerprint (none was read): the next firing reads them in full again.
    expect((known.set as jest.Mock).mock.calls.map((c) => (c[1] as { fingerprint: unknown }).fingerprint)).toEqual([null, null]);
  });

  test("without a memory every repository is queued in full, and the jobs carry no plan", async () => {
    const scan = jest.fn(async (t: InstalledRepository) => watched(`acme/${t.repo}`));
    const { firing, queue } = await fire({ memory: undefined, scan });
    expect(firing).toMatchObject({ queued: 2, unchanged: 0, reasons: { full: 2 } });
    const jobs = (await queue.queue.getJobs(["completed"])).filter((j) => j.name === SCAN_BATCH_JOB);
    expect(jobs.flatMap((j) => (j.data as { items: Array<{ plan?: unknown }> }).items.map((item) => item.plan))).toEqual([undefined, undefined]);
  });
});

describe("SCAN_CONCURRENCY", () => {
  test.each([[undefined, 2], ["", 2], ["1", 1], [" 8 ", 8]])("%j is %d", (text, expected) => {
    expect(parseConcurrency(text)).toBe(expected);
  });
  test.each(["0", "-1", "two", "1.5", "1000"])("%j is refused", (text) => {
    expect(() => parseConcurrency(text)).toThrow("SCAN_CONCURRENCY");
  });
});

describeRedis("the app function with Redis", () => {
  const prefix = testPrefix("app-queue");
  afterAll(() => dropPrefix(prefix));

  test("starts the scan queue from the environment on the infrastructure, and closing the infrastructure closes it", async () => {
    const infrastructure = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    const probot = new Probot({ appId: 1, privateKey: "unused", log: silent as never });
    const previous = { interval: process.env.DRIFT_SCAN_INTERVAL, concurrency: process.env.SCAN_CONCURRENCY };
    process.env.DRIFT_SCAN_INTERVAL = "0";
    process.env.SCAN_CONCURRENCY = "3";
    try {
      await probot.load(createPipelineGuard({ infrastructure, scanQueue: true }));
    } finally {
      process.env.DRIFT_SCAN_INTERVAL = previous.interval;
      process.env.SCAN_CONCURRENCY = previous.concurrency;
    }
    const scans = infrastructure.scans as ScanQueue;
    expect(scans.worker.opts.concurrency).toBe(3);
    expect(infrastructure.closers).toHaveLength(1);
    await infrastructure.close(1000);
    expect(infrastructure.closers).toHaveLength(0);
    expect(scans.worker.closing).toBeDefined();
  });
});
