/**
 * The load test of several replicas (issue #11): signed deliveries spread over N real servers
 * (`node lib/main.js`) sharing one Redis, against the fake GitHub. Most deliveries are pushes to
 * feature branches (what a busy organization sends most; each costs a signature check, the
 * delivery memory and a shared-config look-up); a share of them are redelivered to another
 * replica (GitHub's "Redeliver", or a load balancer's retry); and direct pushes to `main` are sent
 * to every replica at once, each with its own delivery id, so that only the locks keep their
 * bypass issue single. Reports throughput, latency percentiles and duplicates (must be 0).
 * `npm run load` runs it from the command line; test/e2e/load.e2e.test.ts runs a smaller one.
 */
import { randomUUID } from "node:crypto";
import { startAppServer, type AppIdentity, type AppServer } from "./app-process.js";
import { createAppIdentity } from "./app-process.js";
import { FakeGitHub } from "./fake-github.js";
import { OWNER, PAYMENTS, seedPayments } from "./scenarios.js";
import { createDelivery, sendDelivery, type Delivery } from "./webhook-delivery.js";

export interface LoadOptions {
  deliveries: number;
  replicas: number;
  redisUrl: string;
  prefix: string;
  /** Deliveries in flight at once, across all replicas. */
  concurrency?: number;
  /** Share of deliveries sent again to another replica (same id, same bytes). */
  redeliveryShare?: number;
  /** Direct pushes to main, each delivered to every replica at once. */
  directPushes?: number;
}

export interface LoadReport {
  replicas: number;
  deliveries: number;
  redeliveries: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Deliveries not answered 200/202. */
  failed: number;
  directPushes: number;
  bypassIssues: number;
  /** Deliveries sent again after their connection closed under the sender. */
  resent: number;
  /** Deliveries handled, and redeliveries acknowledged without work (across all replicas). */
  handled: number;
  acknowledgedDuplicates: number;
  /** Records made more than once for one key, plus delivery ids handled more than once: must be 0. */
  duplicates: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const identity: AppIdentity = createAppIdentity({ owner: OWNER });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date(Date.now() - 60_000) });
  const servers: AppServer[] = [];
  try {
    seedPayments(fake);
    const env = { REDIS_URL: options.redisUrl, REDIS_PREFIX: options.prefix, LOG_LEVEL: "warn", DRIFT_SCAN_INTERVAL: "0" };
    servers.push(...(await Promise.all(Array.from({ length: options.replicas }, () => startAppServer({ identity, fake, env })))));
    const repo = fake.repository(PAYMENTS);
    const { state, shapes } = fake;
    let resent = 0;
    // A connection closed under the sender (a keep-alive socket the server dropped on a loaded
    // machine) is a delivery that may not have arrived: sent again, as GitHub would redeliver it.
    const send = async (server: AppServer, delivery: Delivery) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await sendDelivery(server.webhookUrl, delivery, { secret: identity.webhookSecret });
        } catch (error) {
          if (attempt >= 3) throw error;
          resent += 1;
        }
      }
    };

    // The bulk: pushes to feature branches, round-robin over the replicas, some redelivered to the next one.
    const feature = state.pushCommits(repo, { branch: "feature/load", commits: [{ message: "Load", author: "alice" }] });
    const payload = (i: number) => ({ ...(shapes.pushEvent(repo, { branch: `feature/load-${i % 50}`, before: feature.before, after: feature.after, commits: feature.commits, pusher: "alice" }) as object), ref: `refs/heads/feature/load-${i % 50}` });
    const jobs: Array<{ server: AppServer; delivery: Delivery }> = [];
    let redeliveries = 0;
    for (let i = 0; i < options.deliveries; i++) {
      const delivery = createDelivery("push", payload(i));
      jobs.push({ server: servers[i % servers.length]!, delivery });
      if (Math.random() < (options.redeliveryShare ?? 0.1) && redeliveries < options.deliveries) {
        jobs.push({ server: servers[(i + 1) % servers.length]!, delivery });
        redeliveries += 1;
      }
    }

    // Direct pushes to main, in the background: every replica gets its own delivery of each.
    const pushes = Array.from({ length: options.directPushes ?? 0 }, (_, i) => state.pushCommits(repo, { branch: "main", commits: [{ message: `Hotfix ${i} straight to main`, author: "dana" }] }));
    const direct = Promise.all(
      pushes.map((push) => {
        const body = shapes.pushEvent(repo, { branch: "main", before: push.before, after: push.after, commits: push.commits, pusher: "dana" });
        return Promise.all(servers.map((server) => send(server, { ...createDelivery("push", body), id: randomUUID() })));
      }),
    );

    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const at = performance.now();
        const result = await send(job.server, job.delivery);
        latencies.push(performance.now() - at);
        if (result.status !== 200 && result.status !== 202) failed += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
    const seconds = (Date.now() - started) / 1000;
    const directResults = (await direct).flat();
    failed += directResults.filter((r) => r.status !== 200 && r.status !== 202).length;
    // Answers of 202 go on in the background: wait until the fake has been quiet a moment.
    for (let seen = -1; seen !== fake.requests.length; ) {
      seen = fake.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const bypassBySha = new Map<string, number>();
    for (const issue of repo.issues.filter((i) => !i.isPullRequest && i.labels.includes("pipeline-guard:bypass"))) {
      const sha = pushes.find((p) => issue.body?.includes(p.after))?.after ?? "unknown";
      bypassBySha.set(sha, (bypassBySha.get(sha) ?? 0) + 1);
    }
    const bypassIssues = [...bypassBySha.values()].reduce((a, b) => a + b, 0);
    // Each delivery id handled once across the replicas: handled = unique ids, the rest acknowledged as duplicates.
    const counted = await Promise.all(servers.map(async (s) => (await fetch(`${s.url}/metrics`)).text()));
    const count = (outcome: string) =>
      counted.flatMap((text) => [...text.matchAll(new RegExp(`^pipeline_guard_deliveries_total\\{event="push",outcome="${outcome}"\\} (\\d+)$`, "gm"))]).reduce((sum, m) => sum + Number(m[1]), 0);
    const uniqueIds = new Set(jobs.map((j) => j.delivery.id)).size + directResults.length;
    return {
      replicas: options.replicas,
      deliveries: jobs.length,
      redeliveries,
      seconds,
      perSecond: Math.round(jobs.length / seconds),
      p50Ms: Math.round(percentile(sorted, 50)),
      p99Ms: Math.round(percentile(sorted, 99)),
      failed,
      directPushes: pushes.length,
      bypassIssues,
      resent,
      handled: count("handled"),
      acknowledgedDuplicates: count("duplicate"),
      duplicates: [...bypassBySha.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0) + Math.max(0, count("handled") - uniqueIds),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await fake.stop();
  }
}
