/**
 * The scan memory in Redis (issue #12), shared by every replica: entries and marks round-trip,
 * expire, and a mark is never lost to a scan's write that races it, even from another replica.
 */
import { Redis } from "ioredis";
import type { ScanMemoryEntry } from "../../src/drift/scan-fingerprint.js";
import { MARK_CLOCK_SKEW_MS, redisScanMemory, SCAN_MEMORY_TTL_MS } from "../../src/infrastructure/redis-scan-memory.js";
import { createRedisInfrastructure, type RedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the Redis scan memory tests");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const T0 = new Date("2026-03-10T00:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const ENTRY: ScanMemoryEntry = { fingerprint: "f1", branches: ["main", "release"], fullScanAt: T0.toISOString(), recheckAt: "2026-03-11T00:00:00.000Z", dirtyAt: null };

describeRedis("redisScanMemory (against a real Redis)", () => {
  let prefix: string;
  let redis: Redis;
  const opened: RedisInfrastructure[] = [];
  const replica = () => {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    opened.push(infra);
    return infra.scanMemory;
  };
  const key = (repository: string) => `${prefix}scan-memory:${repository}`;

  beforeEach(() => {
    prefix = testPrefix("scan-memory");
    redis = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((infra) => infra.close()));
    redis.disconnect();
    await dropPrefix(prefix);
  });

  test("an entry written on one replica is read on another, by a case-insensitive key, and expires after a few days", async () => {
    const [a, b] = [replica(), replica()];
    expect(await b.get("acme/payments")).toBeUndefined();
    await a.set("Acme/Payments", ENTRY);
    expect(await b.get("acme/payments")).toEqual(ENTRY);
    const ttl = await redis.pttl(key("acme/payments"));
    expect(ttl).toBeGreaterThan(SCAN_MEMORY_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(SCAN_MEMORY_TTL_MS);
    expect(SCAN_MEMORY_TTL_MS).toBe(3 * 24 * 3_600_000);
  });

  test("entries and marks expire: a forgotten repository is unknown (read in full), not stuck", async () => {
    const memory = redisScanMemory(redis, prefix, { ttlMs: 150 });
    await memory.set("acme/a", ENTRY);
    await memory.markDirty("acme/b", at(1));
    expect(await redis.pttl(key("acme/b"))).toBeGreaterThan(0);
    await sleep(300);
    expect(await memory.get("acme/a")).toBeUndefined();
    expect(await memory.get("acme/b")).toBeUndefined();
  });

  test("a mark from one replica is seen by another; a mark on an unknown repository is kept without a fingerprint", async () => {
    const [a, b] = [replica(), replica()];
    await b.set("acme/payments", ENTRY);
    await a.markDirty("ACME/payments", at(60));
    expect(await b.get("acme/payments")).toEqual({ ...ENTRY, dirtyAt: at(60).toISOString() });
    await a.markDirty("acme/new", at(5));
    expect(await b.get("acme/new")).toEqual({ fingerprint: null, branches: [], fullScanAt: new Date(0).toISOString(), recheckAt: null, dirtyAt: at(5).toISOString() });
  });

  test("a late delivery's older mark does not move the mark back", async () => {
    const memory = replica();
    await memory.markDirty("acme/payments", at(60));
    await memory.markDirty("acme/payments", at(10));
    expect((await memory.get("acme/payments"))?.dirtyAt).toBe(at(60).toISOString());
    // An invalid time still marks (now).
    await memory.markDirty("acme/other", new Date(Number.NaN));
    expect((await memory.get("acme/other"))?.dirtyAt).not.toBeNull();
  });

  test("a scan's write clears a mark made before the scan started, and keeps one made while it ran (the race)", async () => {
    const [webhooks, worker] = [replica(), replica()];
    await worker.set("acme/payments", ENTRY);
    // Marked long before the scan: the scan read everything the mark was about.
    await webhooks.markDirty("acme/payments", at(-600));
    // The scan starts at T0 and reads the memory (the mark above, before its start: cleared by rememberScan)…
    const previous = await worker.get("acme/payments");
    expect(previous?.dirtyAt).toBe(at(-600).toISOString());
    // …a push arrives on another replica while it runs…
    await webhooks.markDirty("acme/payments", at(30));
    // …and the scan writes what it computed from `previous`, with no mark.
    await worker.set("acme/payments", { ...ENTRY, fingerprint: "f2", fullScanAt: at(60).toISOString(), dirtyAt: null }, T0);
    expect(await worker.get("acme/payments")).toEqual({ ...ENTRY, fingerprint: "f2", fullScanAt: at(60).toISOString(), dirtyAt: at(30).toISOString() });

    // Without a mark since the scan started, the write clears the old one.
    await webhooks.markDirty("acme/web", at(-600));
    await worker.set("acme/web", { ...ENTRY, dirtyAt: null }, T0);
    expect((await worker.get("acme/web"))?.dirtyAt).toBeNull();
  });

  test("another replica's clock a little behind: a mark within the skew margin before the start is kept, an older one cleared", async () => {
    const memory = replica();
    await memory.markDirty("acme/a", new Date(T0.getTime() - MARK_CLOCK_SKEW_MS + 1000));
    await memory.set("acme/a", ENTRY, T0);
    expect((await memory.get("acme/a"))?.dirtyAt).toBe(new Date(T0.getTime() - MARK_CLOCK_SKEW_MS + 1000).toISOString());
    await memory.markDirty("acme/b", new Date(T0.getTime() - MARK_CLOCK_SKEW_MS - 1000));
    await memory.set("acme/b", ENTRY, T0);
    expect((await memory.get("acme/b"))?.dirtyAt).toBeNull();
  });

  test("the entry's own mark is written, and the later of the two stays; a plain write (no scan start) writes the entry as it is", async () => {
    const memory = replica();
    await memory.markDirty("acme/a", at(10));
    await memory.set("acme/a", { ...ENTRY, dirtyAt: at(20).toISOString() }, T0);
    expect((await memory.get("acme/a"))?.dirtyAt).toBe(at(20).toISOString());
    await memory.markDirty("acme/a", at(40));
    await memory.set("acme/a", { ...ENTRY, dirtyAt: at(20).toISOString() }, T0);
    expect((await memory.get("acme/a"))?.dirtyAt).toBe(at(40).toISOString());
    await memory.set("acme/a", ENTRY);
    expect(await memory.get("acme/a")).toEqual(ENTRY);
    // An entry's mark whose time does not read still marks (now).
    await memory.set("acme/a", { ...ENTRY, dirtyAt: "not a time" });
    expect((await memory.get("acme/a"))?.dirtyAt).not.toBeNull();
  });

  test("marks and scan writes racing from two replicas: every mark made after the scan started survives", async () => {
    const [webhooks, worker] = [replica(), replica()];
    const repositories = Array.from({ length: 40 }, (_, i) => `acme/r${i}`);
    await Promise.all(repositories.map((r) => worker.set(r, ENTRY)));
    // Each scan started at T0; each mark is made after it; the writes and marks interleave on two connections.
    await Promise.all(repositories.flatMap((r, i) => (i % 2 === 0 ? [webhooks.markDirty(r, at(i + 1)), worker.set(r, { ...ENTRY, dirtyAt: null }, T0)] : [worker.set(r, { ...ENTRY, dirtyAt: null }, T0), webhooks.markDirty(r, at(i + 1))])));
    const entries = await Promise.all(repositories.map((r) => worker.get(r)));
    expect(entries.map((e) => e?.dirtyAt)).toEqual(repositories.map((_, i) => at(i + 1).toISOString()));
  });

  test("what does not read as an entry is unknown (read in full); a mark still marks", async () => {
    const memory = replica();
    for (const entry of ["{not json", "null", JSON.stringify({ fingerprint: 1, branches: [], fullScanAt: "x", recheckAt: null }), JSON.stringify({ fingerprint: null, branches: [1], fullScanAt: "x", recheckAt: null }), JSON.stringify({ fingerprint: null, branches: [], fullScanAt: 5, recheckAt: null }), JSON.stringify({ fingerprint: null, branches: [], fullScanAt: "x", recheckAt: 7 })]) {
      await redis.hset(key("acme/bad"), "entry", entry);
      expect(await memory.get("acme/bad")).toBeUndefined();
    }
    await redis.hset(key("acme/bad"), "dirty", "not a time");
    expect(await memory.get("acme/bad")).toMatchObject({ fingerprint: null, branches: [] });
    expect((await memory.get("acme/bad"))?.dirtyAt).not.toBeNull();
  });
});
