// `npm run load`: the scale-out load test (issue #11). Starts a fake GitHub and N real servers
// (`node lib/main.js`) sharing one Redis, sends signed deliveries spread over them, and prints
// throughput, latency and duplicates, for one replica and for three. Needs a Redis: REDIS_URL or
// redis://127.0.0.1:6379. LOAD_DELIVERIES (default 5000), LOAD_DIRECT_PUSHES (default 10).
import { randomUUID } from "node:crypto";
import { ensureBuilt, stopAllChildren } from "../test/e2e/app-process.js";
import { runLoad } from "../test/e2e/load.js";
import { dropPrefix } from "../test/helpers/redis.js";

const redisUrl = process.env.REDIS_URL?.trim() || "redis://127.0.0.1:6379";
const deliveries = Number(process.env.LOAD_DELIVERIES ?? 5000);
const directPushes = Number(process.env.LOAD_DIRECT_PUSHES ?? 10);

await ensureBuilt();
try {
  for (const replicas of [1, 3]) {
    const prefix = `pg-load:${randomUUID().slice(0, 8)}:`;
    const report = await runLoad({ deliveries, replicas, redisUrl, prefix, directPushes });
    // The run's keys (delivery memory kept 24 h, locks, caches) go with it.
    await dropPrefix(prefix);
    console.log(
      `${replicas} replica(s): ${report.deliveries} deliveries (${report.redeliveries} redelivered to another replica) in ${report.seconds.toFixed(1)} s: ` +
        `${report.perSecond}/s, p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms; failed ${report.failed}, resent after a dropped connection ${report.resent}; handled ${report.handled}, acknowledged as already handled ${report.acknowledgedDuplicates}; ` +
        `${report.directPushes} direct pushes sent to every replica -> ${report.bypassIssues} bypass issue(s); duplicates ${report.duplicates}`,
    );
    if (report.duplicates > 0 || report.failed > 0) process.exitCode = 1;
  }
} finally {
  await stopAllChildren();
}
