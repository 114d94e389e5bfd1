import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { Mutex } from "redis-semaphore";
import type { ArrivedFacts, PullRequestFactsStore } from "../overrides/newest-facts.js";
import type { RememberedIntroducer } from "../overrides/introducers.js";
import type { ConfigVersions, DeliveryMemory, Infrastructure, KeyLocks, KnownLabels } from "./infrastructure.js";
import { runFenced } from "./key-lock.js";
import { redisScanMemory } from "./redis-scan-memory.js";

/** A lock expires this long after its holder stopped renewing it (a dead replica frees it in time). */
export const LOCK_TIMEOUT_MS = 30_000;
/** Its holder renews it this often, well inside the timeout. */
export const LOCK_REFRESH_MS = 10_000;
/** How long a waiter queues for a lock before giving up (the delivery then fails and can be redelivered). */
export const LOCK_ACQUIRE_TIMEOUT_MS = 120_000;
const LOCK_RETRY_MS = 25;
/** GitHub redelivers on request for days, but a handled delivery needs remembering only about as long as GitHub retries. */
export const DELIVERY_MEMORY_MS = 24 * 60 * 60 * 1000;
/** A delivery being handled is marked this long: a replica that died mid-handler frees it for the redelivery. */
const DELIVERY_RUNNING_MS = 2 * 60 * 1000;
/** A duplicate arriving while the first is in flight waits this long for its outcome rather than answering 200 at once. */
export const DELIVERY_WAIT_MS = 60_000;
const DELIVERY_POLL_MS = 100;
/** The newest facts of a PR are kept a week after its last event. */
const FACTS_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface RedisInfrastructureOptions {
  url: string;
  /** Every key the app writes starts with it (`REDIS_PREFIX`, default `pipeline-guard:`). */
  prefix: string;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  lockTimeoutMs?: number;
  lockRefreshMs?: number;
}

export const DEFAULT_REDIS_PREFIX = "pipeline-guard:";

export interface RedisInfrastructure extends Infrastructure {
  kind: "redis";
  redis: Redis;
  prefix: string;
  url: string;
  /** Run by `close` first (the scan queue's worker), each given the time left to finish. */
  closers: Array<(timeoutMs: number) => Promise<void>>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An ioredis client that fails fast when Redis is away instead of queueing commands forever. */
export function connectRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, ...extra });
}

export function redisLocks(redis: Redis, options: { prefix: string; timeoutMs: number; refreshMs: number; log?: RedisInfrastructureOptions["log"] }): KeyLocks {
  return {
    async withKeyLock(key, fn) {
      let lost = false;
      const mutex = new Mutex(redis, `${options.prefix}lock:${key}`, {
        lockTimeout: options.timeoutMs,
        refreshInterval: options.refreshMs,
        acquireTimeout: LOCK_ACQUIRE_TIMEOUT_MS,
        retryInterval: LOCK_RETRY_MS,
        onLockLost: () => {
          lost = true;
        },
      });
      await mutex.acquire();
      const lockKey = `mutex:${options.prefix}lock:${key}`;
      const fence = { key, stillHeld: async () => !lost && (await redis.get(lockKey)) === mutex.identifier };
      try {
        return await runFenced(fence, fn);
      } finally {
        await mutex.release().catch((error: unknown) => options.log?.warn({ err: error, key }, "a lock could not be released: it expires by itself"));
      }
    },
  };
}

/**
 * Deliveries done once: a delivery that finished is remembered 24 h (SET NX), one that failed is
 * forgotten so that GitHub's redelivery is handled. A duplicate that arrives while the first is
 * in flight waits for its outcome: answering 200 at once would hide a failure of the first.
 */
export function redisDeliveryMemory(redis: Redis, prefix: string): DeliveryMemory {
  return {
    async once(id, fn) {
      const key = `${prefix}delivery:${id}`;
      const deadline = Date.now() + DELIVERY_WAIT_MS;
      for (;;) {
        const token = `running:${randomUUID()}`;
        if ((await redis.set(key, token, "PX", DELIVERY_RUNNING_MS, "NX")) === "OK") {
          try {
            await fn();
          } catch (error) {
            // Only our own mark is removed: a mark that expired and was taken by another is theirs.
            await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, key, token);
            throw error;
          }
          await redis.set(key, "done", "PX", DELIVERY_MEMORY_MS);
          return true;
        }
        if ((await redis.get(key)) === "done") return false;
        if (Date.now() > deadline) throw new Error(`delivery ${id} is still being handled by another replica after ${DELIVERY_WAIT_MS} ms`);
        await sleep(DELIVERY_POLL_MS);
      }
    },
  };
}

export function redisConfigVersions(redis: Redis, prefix: string): ConfigVersions {
  const ownerKey = (owner: string) => `${prefix}config-version:${owner.toLowerCase()}`;
  const repoKey = (owner: string, repo: string) => `${prefix}config-version:${owner.toLowerCase()}/${repo.toLowerCase()}`;
  return {
    async current(owner, repo) {
      const [ownerVersion, repoVersion] = await redis.mget(ownerKey(owner), repoKey(owner, repo));
      return `${ownerVersion ?? 0}.${repoVersion ?? 0}`;
    },
    async bump(owner, repo) {
      await redis.incr(repo.toLowerCase() === ".github" ? ownerKey(owner) : repoKey(owner, repo));
    },
  };
}

export function redisKnownLabels(redis: Redis, prefix: string): KnownLabels {
  return {
    async known(key) {
      return (await redis.exists(`${prefix}label:${key}`)) === 1;
    },
    async remember(key, until) {
      const ms = Math.max(1, until - Date.now());
      await redis.set(`${prefix}label:${key}`, "1", "PX", ms);
    },
    clear() {
      // Shared: a test starts with a fresh prefix instead.
    },
  };
}

/** Keeps the newer facts only: a delivery arriving late with an older `updated_at` does not replace newer ones. */
const ARRIVED_SCRIPT = `
local known = redis.call('get', KEYS[1])
if known then
  local at = tonumber(cjson.decode(known).updatedAtMs)
  local incoming = tonumber(ARGV[2])
  if at and incoming and incoming < at then return 0 end
end
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export function redisFactsStore(redis: Redis, prefix: string): PullRequestFactsStore {
  const factsKey = (key: string) => `${prefix}facts:${key}`;
  const unwrittenKey = (key: string, headSha: string) => `${prefix}unwritten:${key}:${headSha}`;
  return {
    async clear() {
      await deleteMatching(redis, `${prefix}facts:*`);
      await deleteMatching(redis, `${prefix}unwritten:*`);
    },
    async arrived(key, facts: ArrivedFacts) {
      const updatedAtMs = facts.updatedAt ? Date.parse(facts.updatedAt) : null;
      const stored = JSON.stringify({ headSha: facts.headSha, title: facts.title, body: facts.body, updatedAtMs: Number.isFinite(updatedAtMs) ? updatedAtMs : null });
      await redis.eval(ARRIVED_SCRIPT, 1, factsKey(key), stored, updatedAtMs !== null && Number.isFinite(updatedAtMs) ? String(updatedAtMs) : "", String(FACTS_TTL_SECONDS));
    },
    async newest(key) {
      const stored = await redis.get(factsKey(key));
      if (!stored) return undefined;
      const facts = JSON.parse(stored) as { headSha: string; title: string; body: string | null };
      return { headSha: facts.headSha, title: facts.title, body: facts.body };
    },
    async keepUnwritten(key, headSha, introducers) {
      if (introducers.length === 0) return;
      const list = unwrittenKey(key, headSha);
      await redis.multi().rpush(list, ...introducers.map((i) => JSON.stringify(i))).expire(list, FACTS_TTL_SECONDS).exec();
    },
    async unwritten(key, headSha) {
      const items = await redis.lrange(unwrittenKey(key, headSha), 0, -1);
      return items.map((item) => JSON.parse(item) as RememberedIntroducer);
    },
  };
}

/** Every shared piece on one Redis connection (one Redis with fencing, not Redlock: see README "Several replicas"). */
export function createRedisInfrastructure(options: RedisInfrastructureOptions): RedisInfrastructure {
  const redis = connectRedis(options.url);
  redis.on("error", (error: unknown) => options.log?.error({ err: error }, "Redis connection error"));
  const { prefix } = options;
  const closers: RedisInfrastructure["closers"] = [];
  return {
    kind: "redis",
    closers,
    redis,
    prefix,
    url: options.url,
    locks: redisLocks(redis, { prefix, timeoutMs: options.lockTimeoutMs ?? LOCK_TIMEOUT_MS, refreshMs: options.lockRefreshMs ?? LOCK_REFRESH_MS, log: options.log }),
    deliveries: redisDeliveryMemory(redis, prefix),
    configVersions: redisConfigVersions(redis, prefix),
    configs: new Map(),
    labels: redisKnownLabels(redis, prefix),
    facts: redisFactsStore(redis, prefix),
    scanMemory: redisScanMemory(redis, prefix),
    async ping() {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close(timeoutMs = 25_000) {
      await Promise.all(closers.splice(0).map((close) => close(timeoutMs).catch((error: unknown) => options.log?.error({ err: error }, "closing a Redis user failed"))));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
