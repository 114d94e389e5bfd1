/**
 * The Redis of the tests that need one: `REDIS_URL`, or the local default. When none answers,
 * those tests are skipped with a message, except under `CI=true`, where they fail: CI must
 * prove what they show (`.ci/run` starts a Redis when none answers).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.REDIS_URL?.trim() || "redis://127.0.0.1:6379";

/** Whether a Redis answers PING at `url` within a second (the tests and `npm run bench` ask before using one). */
export async function redisAnswers(url: string = TEST_REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * `describe` when Redis answers, `describe.skip` (with a message) when it does not; throws under
 * `CI=true`. Use at the top of a test file: `const describeRedis = await redisDescribe("...")`.
 */
export async function redisDescribe(what: string): Promise<jest.Describe> {
  if (await redisAnswers(TEST_REDIS_URL)) return describe;
  if (process.env.CI === "true") throw new Error(`no Redis answers at ${TEST_REDIS_URL}: under CI=true the Redis tests (${what}) must run`);
  process.stderr.write(`Skipping ${what}: no Redis answers at ${TEST_REDIS_URL} (set REDIS_URL, or start redis-server)\n`);
  return describe.skip;
}

/** A key prefix of its own for one test: tests never see each other's keys. */
export function testPrefix(name: string): string {
  return `pg-test:${name}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix` (and redis-semaphore's `mutex:<prefix>` keys). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`${prefix}*`, `mutex:${prefix}*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    redis.disconnect();
  }
}
