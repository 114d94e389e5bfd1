import { createQueueCommand } from "../../src/cli/queue-command.js";
import { runCli } from "../../src/cli/run-cli.js";
import type { InstalledRepository } from "../../src/drift/scan-job.js";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { addScanJobs, bullPrefix, openScanQueue, SCAN_QUEUE_NAME } from "../../src/drift/scan-queue.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";
import { captureIo } from "./capture-io.js";

const describeRedis = await redisDescribe("pipeline-guard queue's tests");
const target = (repo: string): InstalledRepository => ({ installationId: 1, owner: "acme", repo, defaultBranch: "main", archived: false, canReadRuleSuites: false });

describe("pipeline-guard queue without Redis", () => {
  test("REDIS_URL unset: a usage error that says scans are not queued, exit 2", async () => {
    const io = captureIo();
    expect(await createQueueCommand({ env: {} }).run([], io)).toBe(2);
    expect(io.err[0]).toBe("pipeline-guard queue: REDIS_URL is not set: without Redis, scans are not queued\nUsage: pipeline-guard queue");
  });

  test("a Redis that does not answer: exit 2 with the reason within seconds, not a wait forever", async () => {
    const io = captureIo();
    const started = Date.now();
    // Port 1 refuses connections on this machine and on CI: nothing listens there.
    expect(await createQueueCommand({ env: { REDIS_URL: "redis://127.0.0.1:1" } }).run([], io)).toBe(2);
    expect(io.err).toEqual([expect.stringMatching(/^pipeline-guard queue: .*ECONNREFUSED/)]);
    expect(io.out).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("is listed in the help", async () => {
    const io = captureIo();
    await runCli(["help"], io);
    expect(io.out[0]).toContain("  queue\n      show the drift scan jobs waiting, running and failed (needs REDIS_URL)");
  });
});

describeRedis("pipeline-guard queue (against a real Redis)", () => {
  const prefix = testPrefix("cli-queue");
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
  afterAll(() => dropPrefix(prefix));

  test("waiting, active and failed jobs, the failures' reasons; exit 1 while some failed", async () => {
    const empty = captureIo();
    expect(await createQueueCommand({ env }).run([], empty)).toBe(0);
    expect(empty.out).toEqual(["waiting 0, active 0, delayed 0 (retries), failed 0, completed 0"]);

    const queue = openScanQueue(TEST_REDIS_URL, prefix);
    await queue.add("scan", {}, { jobId: "t-acme/c", attempts: 1 });
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(SCAN_QUEUE_NAME, async () => {
      throw new Error("GitHub answered 502\nstack");
    }, { connection, prefix: bullPrefix(prefix) });
    await new Promise<void>((resolve) => worker.on("failed", () => resolve()));
    await worker.close();
    await connection.quit();
    await addScanJobs(queue, [target("a"), target("b")], { dedupe: "t" });
    await queue.close();

    const io = captureIo();
    expect(await createQueueCommand({ env }).run([], io)).toBe(1);
    expect(io.out).toEqual(["waiting 2, active 0, delayed 0 (retries), failed 1, completed 0", "failed t-acme/c: GitHub answered 502 (1 attempt(s))"]);
  });

  test("arguments are a usage error", async () => {
    const io = captureIo();
    expect(await createQueueCommand({ env }).run(["--all"], io)).toBe(2);
    expect(io.err[0]).toContain("unexpected arguments: --all");
  });
});
