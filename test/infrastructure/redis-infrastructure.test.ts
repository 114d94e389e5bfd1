import { jest } from "@jest/globals";
import { write } from "../../src/github/gateway.js";
import { runWithInfrastructure } from "../../src/infrastructure/current-infrastructure.js";
import { withKeyLock, LockLostError } from "../../src/infrastructure/key-lock.js";
import { createRedisInfrastructure, type RedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { testGateway } from "../helpers/nock-harness.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the Redis infrastructure tests");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeRedis("the Redis infrastructure (against a real Redis)", () => {
  let prefix: string;
  const opened: RedisInfrastructure[] = [];
  const replica = (options: { lockTimeoutMs?: number; lockRefreshMs?: number } = {}) => {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix, ...options });
    opened.push(infra);
    return infra;
  };

  beforeEach(() => {
    prefix = testPrefix("infrastructure");
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((infra) => infra.close()));
    await dropPrefix(prefix);
  });

  test("a lock serializes the same key across two replicas, and leaves other keys free", async () => {
    const [a, b] = [replica(), replica()];
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = a.locks.withKeyLock("record:x", async () => {
      events.push("a start");
      await held;
      events.push("a end");
    });
    await sleep(100);
    const second = b.locks.withKeyLock("record:x", async () => void events.push("b"));
    const other = b.locks.withKeyLock("record:y", async () => void events.push("other key"));
    await other;
    await sleep(150);
    expect(events).toEqual(["a start", "other key"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["a start", "other key", "a end", "b"]);
  });

  test("fencing: a holder whose lock expired makes no write, the new holder does", async () => {
    // The lock lives 300 ms and is never renewed (a holder stalled past its timeout).
    const stalled = replica({ lockTimeoutMs: 300, lockRefreshMs: 60_000 });
    const other = replica();
    const { gw } = testGateway({ owner: "o", repo: "r" });
    const staleWrite = jest.fn(async () => "written");
    const freshWrite = jest.fn(async () => "written");
    const stale = runWithInfrastructure(stalled, () =>
      withKeyLock("record:z", async () => {
        await sleep(600);
        return write(gw, "create issue", {}, staleWrite, "dry");
      }),
    );
    await sleep(400);
    await runWithInfrastructure(other, () => withKeyLock("record:z", () => write(gw, "create issue", {}, freshWrite, "dry")));
    await expect(stale).rejects.toBeInstanceOf(LockLostError);
    expect(staleWrite).not.toHaveBeenCalled();
    expect(freshWrite).toHaveBeenCalledTimes(1);
  });

  test("a write under a lock that is still held is made; a write outside any lock needs no Redis", async () => {
    const infra = replica();
    const { gw } = testGateway({ owner: "o", repo: "r" });
    const run = jest.fn(async () => 1);
    await expect(runWithInfrastructure(infra, () => withKeyLock("k", () => write(gw, "w", {}, run, 0)))).resolves.toBe(1);
    await expect(write(gw, "w", {}, run, 0)).resolves.toBe(1);
    expect(run).toHaveBeenCalledTimes(2);
  });

  test("a delivery that finished is done once across replicas; one that failed is handled again", async () => {
    const [a, b] = [replica(), replica()];
    const handler = jest.fn(async () => undefined);
    await expect(a.deliveries!.once("d-1", handler)).resolves.toBe(true);
    await expect(b.deliveries!.once("d-1", handler)).resolves.toBe(false);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await a.redis.pttl(`${prefix}delivery:d-1`)).toBeGreaterThan(23 * 60 * 60 * 1000);

    const failing = jest.fn(async () => {
      throw new Error("GitHub answered 502");
    });
    await expect(a.deliveries!.once("d-2", failing)).rejects.toThrow("502");
    await expect(b.deliveries!.once("d-2", handler)).resolves.toBe(true);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  test("a duplicate arriving while the first is in flight waits for its outcome: a failure of the first is not hidden", async () => {
    const [a, b] = [replica(), replica()];
    let fail!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = a.deliveries!.once("d-3", () => {
      started();
      return new Promise<void>((_resolve, reject) => (fail = () => reject(new Error("boom"))));
    });
    await running;
    const second = jest.fn(async () => undefined);
    const duplicate = b.deliveries!.once("d-3", second);
    await sleep(250);
    expect(second).not.toHaveBeenCalled();
    fail();
    await expect(first).rejects.toThrow("boom");
    // The first failed: the duplicate is handled rather than acknowledged as done.
    await expect(duplicate).resolves.toBe(true);
    expect(second).toHaveBeenCalledTimes(1);
  });

  test("configuration versions: a repository's bump and an owner's `.github` bump are seen by every replica", async () => {
    const [a, b] = [replica(), replica()];
    const before = await b.configVersions.current("Acme", "Payments");
    await a.configVersions.bump("acme", "payments");
    const afterRepo = await b.configVersions.current("acme", "payments");
    expect(afterRepo).not.toBe(before);
    expect(await b.configVersions.current("acme", "other")).toBe(before);
    await a.configVersions.bump("ACME", ".github");
    expect(await b.configVersions.current("acme", "other")).not.toBe(before);
    expect(await b.configVersions.current("acme", "payments")).not.toBe(afterRepo);
  });

  test("known labels are shared and age out", async () => {
    const [a, b] = [replica(), replica()];
    expect(await b.labels.known("o/r:bug", Date.now())).toBe(false);
    await a.labels.remember("o/r:bug", Date.now() + 200);
    expect(await b.labels.known("o/r:bug", Date.now())).toBe(true);
    await sleep(300);
    expect(await b.labels.known("o/r:bug", Date.now())).toBe(false);
  });

  test("newest facts: shared, a late delivery with older facts does not replace newer ones, unwritten introducers are handed over", async () => {
    const [a, b] = [replica(), replica()];
    await a.facts.arrived("pr#1", { headSha: "new", title: "t2", body: null, updatedAt: "2026-01-02T00:00:00Z" });
    await b.facts.arrived("pr#1", { headSha: "old", title: "t1", body: "b", updatedAt: "2026-01-01T00:00:00Z" });
    expect(await b.facts.newest("pr#1")).toEqual({ headSha: "new", title: "t2", body: null });
    await b.facts.arrived("pr#1", { headSha: "newer", title: "t3", body: "x", updatedAt: null });
    expect(await a.facts.newest("pr#1")).toEqual({ headSha: "newer", title: "t3", body: "x" });
    expect(await a.facts.newest("pr#2")).toBeUndefined();

    await a.facts.keepUnwritten("pr#1", "newer", [{ login: "alice", via: "title", markers: ["skip-tests"] }]);
    await a.facts.keepUnwritten("pr#1", "newer", []);
    expect(await b.facts.unwritten("pr#1", "newer")).toEqual([{ login: "alice", via: "title", markers: ["skip-tests"] }]);
    await b.facts.clear();
    expect(await a.facts.newest("pr#1")).toBeUndefined();
    expect(await a.facts.unwritten("pr#1", "newer")).toEqual([]);
  });

  test("ping answers while connected and not after close", async () => {
    const infra = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    expect(await infra.ping()).toBe(true);
    await infra.close();
    expect(await infra.ping()).toBe(false);
  });
});
