/**
 * A smaller run of the load test (`npm run load` runs 5,000 deliveries, one replica then three):
 * 600 signed deliveries spread over three replicas on one Redis, a tenth redelivered to another
 * replica, and two direct pushes to main sent to every replica at once. Nothing is handled twice.
 */
import { ensureBuilt, stopAllChildren } from "./app-process.js";
import { runLoad } from "./load.js";
import { redisDescribe, testPrefix, TEST_REDIS_URL, dropPrefix } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the load test");

describeRedis("load: three replicas on one Redis", () => {
  const prefix = testPrefix("load");
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(async () => {
    await stopAllChildren();
    await dropPrefix(prefix);
  });

  test(
    "600 deliveries over three replicas: none failed, each delivery id handled once, one bypass issue per direct push",
    async () => {
      const report = await runLoad({ deliveries: 600, replicas: 3, redisUrl: TEST_REDIS_URL, prefix, directPushes: 2 });
      process.stderr.write(`load e2e: ${JSON.stringify(report)}\n`);
      expect(report.failed).toBe(0);
      expect(report.duplicates).toBe(0);
      expect(report.bypassIssues).toBe(2);
      expect(report.handled).toBe(report.deliveries - report.redeliveries + 2 * 3);
      // A delivery resent after a dropped connection may have arrived the first time: acknowledged, not handled again.
      expect(report.acknowledgedDuplicates).toBeGreaterThanOrEqual(report.redeliveries);
      expect(report.acknowledgedDuplicates).toBeLessThanOrEqual(report.redeliveries + report.resent);
    },
    180_000,
  );
});
