import { jest } from "@jest/globals";
import { currentInfrastructure, defaultInfrastructure } from "../../src/infrastructure/current-infrastructure.js";
import { deliveryGuard } from "../../src/infrastructure/guard-delivery.js";
import { infrastructureFromEnvironment } from "../../src/infrastructure/infrastructure-from-environment.js";
import type { Infrastructure } from "../../src/infrastructure/infrastructure.js";
import { createRedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the delivery guard's Redis tests");

const contextOf = (id: string) => ({ id, name: "push", payload: {}, octokit: {}, log: { info: jest.fn(), warn: jest.fn() } });

describe("the delivery guard without Redis", () => {
  test("runs every delivery, redeliveries included, with the process's infrastructure", async () => {
    const infrastructure = infrastructureFromEnvironment({});
    expect(infrastructure).toBe(defaultInfrastructure());
    expect(infrastructure.kind).toBe("in-process");
    expect(infrastructure.deliveries).toBeNull();
    const seen: Infrastructure[] = [];
    const handler = jest.fn(async () => void seen.push(currentInfrastructure()));
    const guarded = deliveryGuard(infrastructure)(handler);
    await guarded(contextOf("d"));
    await guarded(contextOf("d"));
    expect(handler).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([infrastructure, infrastructure]);
    expect(await infrastructure.ping()).toBe(true);
    await infrastructure.close();
  });
});

describeRedis("the delivery guard with Redis", () => {
  const prefix = testPrefix("guard");
  afterAll(() => dropPrefix(prefix));

  test("REDIS_URL turns on the Redis infrastructure under REDIS_PREFIX; a handled delivery is acknowledged without work", async () => {
    const infrastructure = infrastructureFromEnvironment({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
    try {
      expect(infrastructure.kind).toBe("redis");
      const handler = jest.fn(async () => currentInfrastructure());
      const guarded = deliveryGuard(infrastructure)(handler);
      await guarded(contextOf("delivery-1"));
      const again = contextOf("delivery-1");
      await guarded(again);
      expect(handler).toHaveBeenCalledTimes(1);
      await expect(handler.mock.results[0]!.value).resolves.toBe(infrastructure);
      expect(again.log.info).toHaveBeenCalledWith({ delivery: "delivery-1" }, "delivery already handled (by this or another replica): nothing to do");
    } finally {
      await infrastructure.close();
    }
  });

  test("the default prefix is pipeline-guard:", () => {
    const infrastructure = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix: "x:" });
    const fromEnv = infrastructureFromEnvironment({ REDIS_URL: TEST_REDIS_URL });
    expect(fromEnv.kind === "redis" && (fromEnv as typeof infrastructure).prefix).toBe("pipeline-guard:");
    return Promise.all([infrastructure.close(), fromEnv.close()]);
  });
});
