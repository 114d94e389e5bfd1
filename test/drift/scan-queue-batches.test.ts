/**
 * Queue mode's batched full reads (issue #12), against the fake GitHub in this process (which
 * charges points by GitHub's formula) and the real Redis: a firing queues its full reads by
 * batches of one installation; each batch job reads its repositories' configuration and facts in
 * two queries right before scanning them. What that costs, that it finds what the in-process
 * scan finds, that a mark made after the facts were read survives, that one repository's failure
 * is retried alone, that a failed batch query falls back to each repository's own reads, and
 * that a batch handed back by a stopping replica scans nothing twice.
 */
import { jest } from "@jest/globals";
import type { Probot } from "probot";
import { pino } from "pino";
import { scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "../../src/drift/scan-job.js";
import { firingBatches, SCAN_BATCH_JOB, SCHEDULE_JOB, startScanQueue, type FiringOutcome, type ScanBatchEntry, type ScanQueue, type ScanQueueOptions } from "../../src/drift/scan-queue.js";
import { runScheduledScan } from "../../src/drift/scheduled-scan.js";
import { createRedisInfrastructure, type RedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { createInProcessScanMemory } from "../../src/infrastructure/scan-memory.js";
import { FakeGitHub, type RecordedRequest } from "../e2e/fake-github.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";
import { fireAndSettle, startFakeOrganization, until } from "../helpers/fake-organization.js";

const describeRedis = await redisDescribe("the scan queue's batched full reads tests");
const silent = pino({ level: "silent" });

const OWNER = "acme";
const SIZE = 6;
/** As the bench's organization: a configuration, a protected `main` and a production deployment; service-5 drifted. */
const CONFIG = "production:\n  branches: [main]\n  environments: [production]\ndrift:\n  protection:\n    required_approving_review_count: 1\n";
const HOUR = 3_600_000;
const APP_LOGIN = "pipeline-guard[bot]";


/** The bench's organization: a configuration, a protected `main` and a production deployment each; the last repository drifted. */
async function organization(epoch: Date): Promise<{ fake: FakeGitHub; app: Probot }> {
  return startFakeOrganization({ size: SIZE, config: CONFIG, drifted: (i) => i === SIZE - 1, deployments: true, epoch });
}

function tally(requests: readonly RecordedRequest[]) {
  const charged = requests.filter((r) => r.points > 0);
  const operations: Record<string, number> = {};
  for (const r of charged) if (r.operation) operations[r.operation] = (operations[r.operation] ?? 0) + 1;
  return {
    rest: charged.filter((r) => r.route !== "POST /graphql").length,
    graphqlPoints: charged.filter((r) => r.route === "POST /graphql").reduce((sum, r) => sum + r.points, 0),
    points: charged.reduce((sum, r) => sum + r.points, 0),
    operations,
    protectionReads: charged.filter((r) => /^GET \/repos\/[^/]+\/[^/]+\/branches\/[^/]+\/protection$/.test(r.route)).length,
  };
}

/** What a scan found, comparable across two fakes: each repository's issues (title, state, labels, body). */
function findings(fake: FakeGitHub) {
  return [...fake.state.repositories.values()]
    .map((r) => ({ repository: r.fullName, issues: r.issues.map((i) => ({ title: i.title, state: i.state, body: i.body, labels: [...(i.labels ?? [])].map((l) => (typeof l === "string" ? l : (l as { name: string }).name)).sort() })) }))
    .sort((a, b) => a.repository.localeCompare(b.repository));
}

describeRedis("queue mode's batched full reads (fake GitHub, real Redis)", () => {
  let fake: FakeGitHub;
  let app: Probot;
  let prefix: string;
  let hours: number;
  let firings: number;
  const opened: RedisInfrastructure[] = [];
  const queues: ScanQueue[] = [];
  const fakes: FakeGitHub[] = [];
  const clock = () => new Date(fake.state.epoch.getTime() + hours * HOUR);

  function replica(options: Partial<ScanQueueOptions> = {}): { infra: RedisInfrastructure; queue: ScanQueue } {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    opened.push(infra);
    const queue = startScanQueue({ app, infrastructure: infra, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: async () => APP_LOGIN, memory: infra.scanMemory, now: clock, backoffMs: 10, ...options });
    queues.push(queue);
    return { infra, queue };
  }

  /** Fires the schedule at `at` hours after the epoch and waits for every job it queued (and those they queued). */
  async function fire(queue: ScanQueue, at: number) {
    hours = at;
    const mark = fake.requests.length;
    const { firing, jobs } = await fireAndSettle(queue, `fire-${++firings}`);
    return { firing, jobs, batches: jobs.filter((j) => j.name === SCAN_BATCH_JOB), singles: jobs.filter((j) => j.name !== SCAN_BATCH_JOB), ...tally(fake.requests.slice(mark)) };
  }

  beforeEach(async () => {
    prefix = testPrefix("scan-queue-batches");
    hours = 0;
    firings = 0;
    ({ fake, app } = await organization(new Date()));
    fakes.push(fake);
  });

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close(100).catch(() => undefined);
    await Promise.all(opened.splice(0).map((infra) => infra.close()));
    for (const f of fakes.splice(0)) await f.stop();
    await dropPrefix(prefix);
  });

  test("the first firing costs the batched reads, the same REST calls and points as the in-process scan, and finds the same", async () => {
    const { queue } = replica();
    const first = await fire(queue, 0);
    expect(first.firing).toMatchObject({ queued: SIZE, batches: 1, unchanged: 0, reasons: { "first scan": SIZE } });
    expect(first.batches).toHaveLength(1);
    expect(first.singles).toHaveLength(0);
    // One fingerprint query, one configuration query and one facts query for the six repositories; no per-repository history query, no protection call.
    expect(first.operations).toEqual({ PipelineGuardFingerprints: 1, PipelineGuardConfigBlobs: 1, PipelineGuardFullReads: 1 });
    expect(first.protectionReads).toBe(0);
    // The listing, one record listing per repository, and the drifted repository's report (look-up, label, create, signature).
    expect(first.rest).toBe(1 + SIZE + 4);
    expect(first.points).toBe(first.rest + first.graphqlPoints);
    expect(first.points).toBe(14);
    expect((first.batches[0]!.returnvalue as ScanBatchEntry[]).map((e) => [e.repository, "why" in e ? e.why : undefined])).toEqual(Array.from({ length: SIZE }, (_, i) => [`${OWNER}/service-${i}`, "first scan"]));

    // The same organization scanned in process, on a fake of its own with the same epoch.
    const inProcess = await organization(fake.state.epoch);
    fakes.push(inProcess.fake);
    await runScheduledScan({ app: inProcess.app, now: () => clock(), env: {}, pauseMs: 0, appLogin: async () => APP_LOGIN, memory: createInProcessScanMemory() });
    const measured = tally(inProcess.fake.requests);
    const queueMode = tally(fake.requests);
    // Everything from the first listing on: the queue mode pays exactly what the in-process scan pays.
    expect({ rest: queueMode.rest, points: queueMode.points, operations: queueMode.operations }).toEqual({ rest: measured.rest, points: measured.points, operations: measured.operations });
    expect(findings(fake)).toEqual(findings(inProcess.fake));
    expect(findings(fake).filter((r) => r.issues.some((i) => i.title.includes("drift") && i.state === "open")).map((r) => r.repository)).toEqual([`${OWNER}/service-${SIZE - 1}`]);

    // Unchanged: nothing queued.
    const second = await fire(queue, 1);
    expect(second.firing).toMatchObject({ queued: 0, batches: 0, unchanged: SIZE });
    expect(second.points).toBe(2);
  }, 60_000);

  test("a mark made after the batch's facts were read survives the memory write of that repository's scan", async () => {
    const marker = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    opened.push(marker);
    const { queue, infra } = replica({
      scan: async (target, params) => {
        if (target.repo === "service-0") {
          // While service-0 is scanned, after the batch read service-1's facts: a push to service-1 arrives on another replica.
          hours += 0.1;
          await marker.scanMemory.markDirty(`${OWNER}/service-1`, clock());
          // service-1's own scan starts half an hour later (well past the one-minute clock skew the memory allows).
          hours += 0.5;
        }
        return scanInstalledRepository(app, target, params);
      },
    });
    const first = await fire(queue, 0);
    expect(first.operations.PipelineGuardFullReads).toBe(1);
    expect((await infra.scanMemory.get(`${OWNER}/service-1`))?.dirtyAt).not.toBeNull();
    expect((await infra.scanMemory.get(`${OWNER}/service-2`))?.dirtyAt).toBeNull();
    const next = await fire(queue, 2);
    expect(next.firing).toMatchObject({ queued: 1, reasons: { "changed (webhook)": 1 } });
  }, 60_000);

  test("a repository failing within a batch is queued alone with the retries; the others are scanned once", async () => {
    const calls: string[] = [];
    const { queue } = replica({
      scan: async (target, params) => {
        calls.push(target.repo);
        // service-2 fails once (then succeeds alone); service-3 always fails.
        if ((target.repo === "service-2" && calls.filter((r) => r === "service-2").length === 1) || target.repo === "service-3") return { repository: `${OWNER}/${target.repo}`, error: "GitHub answered 502" } as ScanOutcome;
        return scanInstalledRepository(app, target, params);
      },
    });
    const first = await fire(queue, 0);
    const slot = first.firing.slot;
    const entries = first.batches[0]!.returnvalue as ScanBatchEntry[];
    expect(entries.filter((e) => "queuedAlone" in e)).toEqual([
      { repository: `${OWNER}/service-2`, error: "GitHub answered 502", queuedAlone: `schedule-${slot}-${OWNER}/service-2` },
      { repository: `${OWNER}/service-3`, error: "GitHub answered 502", queuedAlone: `schedule-${slot}-${OWNER}/service-3` },
    ]);
    expect(await first.batches[0]!.getState()).toBe("completed");
    const singles = Object.fromEntries(await Promise.all(first.singles.map(async (j) => [j.id, { state: await j.getState(), attempts: j.attemptsMade, why: (j.returnvalue as { why?: string } | null)?.why }])));
    expect(singles).toEqual({
      [`schedule-${slot}-${OWNER}/service-2`]: { state: "completed", attempts: 1, why: "first scan" },
      // Three tries in all: the batch's, then two alone.
      [`schedule-${slot}-${OWNER}/service-3`]: { state: "failed", attempts: 2, why: undefined },
    });
    // After the backoff (10 ms here, 30 s by default), then twice it.
    expect(first.singles.map((j) => j.opts)).toEqual([expect.objectContaining({ attempts: 2, delay: 10, backoff: { type: "exponential", delay: 20 } }), expect.objectContaining({ attempts: 2, delay: 10, backoff: { type: "exponential", delay: 20 } })]);
    expect(calls.filter((r) => r === "service-2")).toHaveLength(2);
    expect(calls.filter((r) => r === "service-3")).toHaveLength(3);
    for (const repo of ["service-0", "service-1", "service-4", "service-5"]) expect(calls.filter((r) => r === repo)).toHaveLength(1);
    // The repository queued alone reads call by call (its own history query), the others none.
    expect(first.operations.PipelineGuardActivity).toBe(1);
  }, 60_000);

  test("a failed facts query: every repository of the batch reads its facts on its own, and the same is found", async () => {
    const auth = app.auth.bind(app);
    app.auth = (async (id?: number) => {
      const octokit = await auth(id);
      octokit.hook.before("request", (options) => {
        if (String(options.url).endsWith("/graphql") && String(options.query).includes("query PipelineGuardFullReads")) throw new Error("GraphQL answered 502");
      });
      return octokit;
    }) as typeof app.auth;
    const { queue } = replica();
    const first = await fire(queue, 0);
    expect(first.firing).toMatchObject({ queued: SIZE, batches: 1 });
    // Configuration from the batch; history, deployments and protection read per repository.
    expect(first.operations).toEqual({ PipelineGuardFingerprints: 1, PipelineGuardConfigBlobs: 1, PipelineGuardActivity: SIZE });
    expect(first.protectionReads).toBe(SIZE);
    expect(first.singles).toHaveLength(0);
    expect((first.batches[0]!.returnvalue as ScanBatchEntry[]).every((e) => "why" in e && e.why === "first scan")).toBe(true);
    const drifted = fake.repository(`${OWNER}/service-${SIZE - 1}`).issues.find((i) => i.title.includes("drift"));
    expect(drifted?.state).toBe("open");
  }, 60_000);

  test("a replica stopping mid-batch hands the rest back at once; another replica scans only the rest", async () => {
    const calls: string[] = [];
    let closing: Promise<void> | undefined;
    const { queue: a } = replica({
      scan: async (target, params) => {
        calls.push(`a:${target.repo}`);
        // A shutdown begins while service-1 is scanned.
        if (target.repo === "service-1") closing = a.close(20_000);
        return scanInstalledRepository(app, target, params);
      },
    });
    hours = 0;
    const job = await a.queue.add(SCHEDULE_JOB, {}, { jobId: "fire-1" });
    await until(() => closing !== undefined, 10_000);
    const started = Date.now();
    await closing;
    // The graceful close did not wait for the four other scans.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(calls).toEqual(["a:service-0", "a:service-1"]);
    const { queue: b } = replica({
      scan: async (target, params) => {
        calls.push(`b:${target.repo}`);
        return scanInstalledRepository(app, target, params);
      },
    });
    const firing = (await b.queue.getJob(job.id!))!.returnvalue as FiringOutcome;
    const batchId = `schedule-${firing.slot}-batch-${fake.state.installations[0]!.id}-0`;
    await until(async () => (await b.queue.getJobState(batchId)) === "completed", 20_000);
    expect(calls).toEqual(["a:service-0", "a:service-1", "b:service-2", "b:service-3", "b:service-4", "b:service-5"]);
    const entries = (await b.queue.getJob(batchId))!.returnvalue as ScanBatchEntry[];
    expect(entries.slice(0, 2)).toEqual([
      { repository: `${OWNER}/service-0`, doneBefore: "first scan" },
      { repository: `${OWNER}/service-1`, doneBefore: "first scan" },
    ]);
    expect(entries.slice(2).map((e) => "why" in e && e.why)).toEqual(["first scan", "first scan", "first scan", "first scan"]);
  }, 60_000);
});

describeRedis("a firing's batches (real Redis, scans replaced)", () => {
  let prefix: string;
  const started: Array<{ queue: ScanQueue; infra: RedisInfrastructure }> = [];
  const target = (repo: string, installationId = 1): InstalledRepository => ({ installationId, owner: "acme", repo, defaultBranch: "main", archived: false, canReadRuleSuites: false });

  beforeEach(() => {
    prefix = testPrefix("scan-batches");
  });
  afterEach(async () => {
    for (const { queue, infra } of started.splice(0)) {
      await queue.close(100).catch(() => undefined);
      await infra.close();
    }
    await dropPrefix(prefix);
  });

  test("a second firing of the same slot adds nothing: one scan per repository", async () => {
    const scan = jest.fn(async (t: InstalledRepository) => ({ repository: `acme/${t.repo}`, open: 0, accepted: 0, newItems: [], report: "unchanged" }) as unknown as ScanOutcome);
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    // No token: the batch's queries fail and each repository reads on its own (here: the replaced scan).
    const queue = startScanQueue({ app: { auth: jest.fn(async () => Promise.reject(new Error("no token"))), log: silent } as never, infrastructure: infra, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: async () => APP_LOGIN, scan, listTargets: async () => [target("a"), target("b"), target("c", 2)] });
    started.push({ queue, infra });
    const timestamp = Date.now();
    const firingsOf = await Promise.all(["fire-1", "fire-2"].map((jobId) => queue.queue.add(SCHEDULE_JOB, {}, { jobId, timestamp })));
    await until(async () => (await Promise.all(firingsOf.map(async (j) => (await queue.queue.getJobState(j.id!)) === "completed"))).every(Boolean), 10_000);
    await until(async () => (await queue.counts()).completed >= 4, 10_000);
    const outcomes = await Promise.all(firingsOf.map(async (j) => (await queue.queue.getJob(j.id!))!.returnvalue as FiringOutcome));
    expect(outcomes.map((o) => o.slot)).toEqual([timestamp, timestamp]);
    expect(outcomes.map((o) => o.batches)).toEqual([2, 2]);
    const batches = (await queue.queue.getJobs(["completed"])).filter((j) => j.name === SCAN_BATCH_JOB).map((j) => j.id).sort();
    expect(batches).toEqual([`schedule-${timestamp}-batch-1-0`, `schedule-${timestamp}-batch-2-0`]);
    expect(scan.mock.calls.map(([t]) => t.repo).sort()).toEqual(["a", "b", "c"]);
  }, 20_000);
});

describe("firingBatches", () => {
  const plan = (installationId: number, repo: string) => ({ key: `acme/${repo}`, target: { installationId, owner: "acme", repo, defaultBranch: "main", archived: false, canReadRuleSuites: false } });

  test("by installation, in order of name, 25 at most together", () => {
    const plans = [...Array.from({ length: 60 }, (_, i) => plan(1, `r${String(59 - i).padStart(2, "0")}`)), plan(2, "b"), plan(2, "a"), plan(3, "x")];
    const batches = firingBatches(plans);
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10, 2, 1]);
    expect(batches[0]![0]!.key).toBe("acme/r00");
    expect(batches[2]!.at(-1)!.key).toBe("acme/r59");
    expect(batches[3]!.map((p) => p.key)).toEqual(["acme/a", "acme/b"]);
    expect(firingBatches([])).toEqual([]);
  });
});
