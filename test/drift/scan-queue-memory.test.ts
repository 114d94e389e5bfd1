/**
 * Queue mode with the shared scan memory (issue #12), against the fake GitHub in this process and
 * the real Redis: a firing plans like the in-process schedule and queues only the repositories
 * that need a full read; the worker remembers each scan; a mark received by one replica is
 * honoured by the firing on another; the daily reconciliation still reads everything.
 */
import type { Probot } from "probot";
import { Probot as ProbotApp } from "probot";
import { pino } from "pino";
import { scanInstalledRepository, type InstalledRepository } from "../../src/drift/scan-job.js";
import { SCAN_BATCH_JOB, startScanQueue, type ScanBatchEntry, type ScanQueue, type ScanQueueOptions } from "../../src/drift/scan-queue.js";
import { createPipelineGuard } from "../../src/index.js";
import { createRedisInfrastructure, type RedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import type { FakeRepository } from "../e2e/fake-state.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";
import { fireAndSettle, startFakeOrganization, until } from "../helpers/fake-organization.js";

const describeRedis = await redisDescribe("the scan queue's change detection tests");
const silent = pino({ level: "silent" });

const OWNER = "acme";
const CONFIG = "production:\n  branches: [main]\ndrift:\n  protection:\n    required_approving_review_count: 1\n";
const HOUR = 3_600_000;


describeRedis("the scan queue with the shared scan memory (fake GitHub, real Redis)", () => {
  let fake: FakeGitHub;
  let app: Probot;
  let repos: FakeRepository[];
  let prefix: string;
  let hours: number;
  let firings: number;
  const opened: RedisInfrastructure[] = [];
  const queues: ScanQueue[] = [];
  const clock = () => new Date(fake.state.epoch.getTime() + hours * HOUR);

  /** A replica: its infrastructure on the shared prefix, and (unless `queue: false`) its scan queue and worker. */
  function replica(options: Partial<ScanQueueOptions> & { queue?: boolean } = {}): { infra: RedisInfrastructure; queue: ScanQueue | null } {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    opened.push(infra);
    if (options.queue === false) return { infra, queue: null };
    const queue = startScanQueue({ app, infrastructure: infra, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: async () => "pipeline-guard[bot]", memory: infra.scanMemory, now: clock, ...options });
    queues.push(queue);
    return { infra, queue };
  }

  /** Fires the schedule at `at` hours after the fake's epoch, as the job scheduler does, and waits for every job it queued. */
  async function fire(queue: ScanQueue, at: number) {
    hours = at;
    const mark = fake.requests.length;
    const { firing, jobs } = await fireAndSettle(queue, `fire-${++firings}`);
    const served = fake.requests.slice(mark).filter((r) => r.points > 0);
    // Each repository's last word: its batch's entry, or the job it was queued alone as.
    const queued: Record<string, string> = {};
    for (const j of jobs.filter((j) => j.name === SCAN_BATCH_JOB)) {
      for (const entry of (j.returnvalue as ScanBatchEntry[] | undefined) ?? []) if ("why" in entry && entry.why) queued[entry.repository.split("/")[1]!] = entry.why;
      if (j.failedReason) for (const item of (j.data as { items: Array<{ target: { repo: string } }> }).items) queued[item.target.repo] ??= `failed: ${j.failedReason}`;
    }
    for (const j of jobs.filter((j) => j.name !== SCAN_BATCH_JOB)) queued[String(j.data.target.repo)] = (j.returnvalue as { why?: string } | undefined)?.why ?? `failed: ${j.failedReason}`;
    return {
      firing,
      jobs,
      queued,
      served,
      rest: served.filter((r) => r.route !== "POST /graphql").length,
      points: served.reduce((sum, r) => sum + r.points, 0),
      fingerprintQueries: served.filter((r) => r.operation === "PipelineGuardFingerprints").length,
    };
  }

  const driftReport = (repo: FakeRepository) => repo.issues.find((i) => i.title.includes("drift"));
  const targetOf = (repo: FakeRepository): InstalledRepository => ({ installationId: fake.state.installations[0]!.id, owner: OWNER, repo: repo.name, defaultBranch: "main", archived: false, canReadRuleSuites: false });

  beforeEach(async () => {
    prefix = testPrefix("scan-queue-memory");
    hours = 0;
    firings = 0;
    // service-3 drifted: no review required.
    ({ fake, app, repos } = await startFakeOrganization({ size: 4, config: CONFIG, drifted: (i) => i === 3 }));
  });

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close(100).catch(() => undefined);
    await Promise.all(opened.splice(0).map((infra) => infra.close()));
    await fake.stop();
    await dropPrefix(prefix);
  });

  test("the first firing queues every repository; the next, nothing changed, queues none and costs the listing and one fingerprint query", async () => {
    const { queue } = replica();
    const first = await fire(queue!, 0);
    expect(first.queued).toEqual({ "service-0": "first scan", "service-1": "first scan", "service-2": "first scan", "service-3": "first scan" });
    expect(first.firing).toMatchObject({ queued: 4, unchanged: 0, reasons: { "first scan": 4 } });
    expect(first.fingerprintQueries).toBe(1);
    expect(driftReport(repos[3]!)?.state).toBe("open");

    const second = await fire(queue!, 1);
    expect(second.queued).toEqual({});
    expect(second.firing).toMatchObject({ queued: 0, unchanged: 4, reasons: { unchanged: 4 } });
    // The repositories' listing (1 REST call) and the fingerprint query (1 point): no repository read.
    expect(second.points).toBe(2);
    expect(second.fingerprintQueries).toBe(1);
  }, 60_000);

  test("a mark received by another replica's webhook: the firing queues that repository alone, and its scan clears the mark", async () => {
    const { queue } = replica();
    // Replica A receives webhooks only; the app function wires its marks to the shared memory.
    const { infra: a } = replica({ queue: false });
    const webhooks = new ProbotApp({ appId: 1, privateKey: "unused", log: silent as never });
    await webhooks.load(createPipelineGuard({ infrastructure: a, scanQueue: false }));
    await fire(queue!, 0);
    // A closed drift report is no fact the fingerprint covers: only the mark of the bot's issue event tells.
    driftReport(repos[3]!)!.state = "closed";
    await webhooks.receive({ id: "d-1", name: "issues", payload: { action: "closed", repository: { full_name: "acme/service-3", name: "service-3", owner: { login: OWNER } }, issue: { number: 1, user: { type: "Bot", login: "pipeline-guard[bot]" } }, sender: { login: "mallory" } } } as never);
    expect((await a.scanMemory.get("acme/service-3"))?.dirtyAt).not.toBeNull();

    const marked = await fire(queue!, 1);
    expect(marked.queued).toEqual({ "service-3": "changed (webhook)" });
    expect(driftReport(repos[3]!)?.state).toBe("open");
    const next = await fire(queue!, 2);
    expect(next.queued).toEqual({});
  }, 60_000);

  test("protection changed without a webhook: the fingerprint differs and only that repository is queued", async () => {
    const { queue } = replica();
    await fire(queue!, 0);
    fake.state.setProtection(repos[1]!, "main", { contexts: ["ci"], approvingReviews: 0 });
    const next = await fire(queue!, 1);
    expect(next.queued).toEqual({ "service-1": "changed" });
    expect(driftReport(repos[1]!)?.state).toBe("open");
  }, 60_000);

  test("the daily reconciliation: 24 hours after the last full reads, every repository is queued again", async () => {
    const { queue } = replica();
    await fire(queue!, 0);
    expect((await fire(queue!, 23)).queued).toEqual({});
    const daily = await fire(queue!, 25);
    expect(daily.queued).toEqual({ "service-0": "daily reconciliation", "service-1": "daily reconciliation", "service-2": "daily reconciliation", "service-3": "daily reconciliation" });
  }, 60_000);

  test("an on-demand scan reads in full and remembers the repository: the next firing skips it", async () => {
    const { queue } = replica();
    const outcome = await queue!.scanAndWait(targetOf(repos[2]!), { waitMs: 20_000 });
    expect(outcome).toMatchObject({ repository: "acme/service-2", why: "on demand" });
    const next = await fire(queue!, 1);
    expect(next.queued).toEqual({ "service-0": "first scan", "service-1": "first scan", "service-3": "first scan" });
    // Known and unchanged: an on-demand scan (a protection event's, say) still reads it in full.
    const mark = fake.requests.length;
    const [id] = await queue!.enqueue([targetOf(repos[2]!)], { dedupe: "event-d-2" });
    await until(async () => (await queue!.queue.getJob(id!))?.finishedOn !== undefined, 20_000);
    expect((await queue!.queue.getJob(id!))!.returnvalue).toMatchObject({ repository: "acme/service-2", why: "on demand", report: expect.any(String) });
    const read = fake.requests.slice(mark);
    expect(read.filter((r) => r.operation === "PipelineGuardFingerprints")).toHaveLength(1);
    expect(read.filter((r) => r.route.includes("/protection")).length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  test("a mark made while the job's scan runs keeps the repository dirty for the next firing", async () => {
    const marker = replica({ queue: false }).infra;
    const { queue } = replica({
      // The push arrives on another replica after the scan started.
      scan: async (target, params) => {
        if (target.repo === "service-0") {
          // Strictly inside the scan: after its start, before its end (the clock moves on meanwhile).
          hours += 0.1;
          await marker.scanMemory.markDirty("acme/service-0", clock());
          hours += 0.1;
        }
        return scanInstalledRepository(app, target, params);
      },
    });
    await fire(queue!, 0);
    const next = await fire(queue!, 1);
    expect(next.queued).toEqual({ "service-0": "changed (webhook)" });
  }, 60_000);
});
