// `npm run bench`: what a drift scan costs, measured on the project's local fake GitHub
// (test/e2e/fake-github.ts), which charges every request as GitHub does: 1 point per REST call,
// GitHub's formula for a GraphQL query (test/e2e/graphql-points.ts). For organizations of 100 and
// 1,000 repositories (every tenth drifted) it runs the scheduled scan twice: the first scan and
// a scan when nothing changed, and prints points in all, per repository, wall time and peak
// memory, and how they grow from 100 to 1,000. Each size runs in a child process of its own, so
// that memory is measured from a clean start. The app runs in the same process as the fake
// (peak memory holds both) with Octokit's write spacing off and no pause between repositories:
// wall time is the app's and the fake's work. Not part of `npm test`. Nothing leaves the machine.
// When a Redis answers (`REDIS_URL`, or 127.0.0.1:6379), each size is also scanned in queue mode
// (BullMQ, the scan memory in Redis, one worker of the default concurrency, under a prefix of its
// own that is deleted afterwards), on a fake of its own: the same two scans, as firings.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Probot } from "probot";
import { createAppFromEnv } from "../src/cli/app-credentials.js";
import { SCHEDULE_JOB, startScanQueue, type FiringOutcome } from "../src/drift/scan-queue.js";
import { runScheduledScan } from "../src/drift/scheduled-scan.js";
import { appLoginResolver } from "../src/github/app-identity.js";
import { PipelineGuardOctokit } from "../src/github/octokit.js";
import { createRedisInfrastructure } from "../src/infrastructure/redis-infrastructure.js";
import { createInProcessScanMemory } from "../src/infrastructure/scan-memory.js";
import { createAppIdentity, ensureBuilt, stopAllChildren } from "../test/e2e/app-process.js";
import { EMERGENCY_TITLE, PAYMENTS, playDirectPush, requestDeployment, seedPayments, startEnvironment } from "../test/e2e/scenarios.js";
import { FakeGitHub, type RecordedRequest } from "../test/e2e/fake-github.js";
import { dropPrefix, redisAnswers, testPrefix, TEST_REDIS_URL } from "../test/helpers/redis.js";

const OWNER = "acme";
/** `BENCH_SIZES=10,100` for a quick look; the README quotes the default. */
const SIZES = (process.env.BENCH_SIZES ?? "100,1000").split(",").map(Number);
const CONFIG = `production:
  branches: [main]
  environments: [production]
drift:
  protection:
    required_approving_review_count: 1
`;

interface Measure {
  scan: string;
  repositories: number;
  rest: number;
  graphql: number;
  points: number;
  perRepository: number;
  wallSeconds: number;
  peakMb: number;
  reports: number;
}

/** An organization of `size` repositories, each with a config, protection of main and a production deployment; every tenth drifted (no review required). */
function seedOrganization(fake: FakeGitHub, size: number): void {
  const { state } = fake;
  const names: string[] = [];
  for (let i = 0; i < size; i++) {
    const repo = state.createRepository({ owner: OWNER, name: `service-${String(i).padStart(4, "0")}`, files: { ".github/pipeline-guard.yml": CONFIG } });
    state.setProtection(repo, "main", { contexts: ["ci"], approvingReviews: i % 10 === 9 ? 0 : 1 });
    state.addDeployment(repo, { sha: repo.branches.get("main")!, environment: "production", creator: "deployer" });
    names.push(repo.fullName);
  }
  // Installed after the seeded commits: the look-back for missed webhooks starts at the installation.
  state.install({ account: OWNER, repositories: names, createdAt: state.at(-1) });
}

/** Samples the resident set while `run` runs; returns the peak above the size before it. */
async function measured<T>(run: () => Promise<T>): Promise<{ result: T; wallSeconds: number; peakMb: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, wallSeconds: (performance.now() - started) / 1000, peakMb: (peak - base) / 1_048_576 };
  } finally {
    clearInterval(timer);
  }
}

function tally(requests: readonly RecordedRequest[]): Pick<Measure, "rest" | "graphql" | "points"> {
  const charged = requests.filter((r) => r.points > 0);
  return {
    rest: charged.filter((r) => r.route !== "POST /graphql").length,
    graphql: charged.filter((r) => r.route === "POST /graphql").length,
    points: charged.reduce((sum, r) => sum + r.points, 0),
  };
}

/** A fake GitHub seeded with the organization, and an app talking to it. */
async function startOrganization(size: number): Promise<{ fake: FakeGitHub; app: Probot }> {
  const identity = createAppIdentity({ owner: OWNER });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date() });
  seedOrganization(fake, size);
  // Records are signed with the app's key, as the server does when STATE_SECRET is unset.
  process.env.PRIVATE_KEY = identity.privateKey;
  const env: NodeJS.ProcessEnv = { APP_ID: String(identity.id), PRIVATE_KEY: identity.privateKey, GHE_HOST: fake.host, GHE_PROTOCOL: "http", LOG_LEVEL: "silent" };
  const app: Probot = createAppFromEnv(env, { Octokit: PipelineGuardOctokit.defaults((options: Record<string, unknown>) => ({ ...options, throttle: { ...(options.throttle as object), enabled: false } })) });
  return { fake, app };
}

const openReports = (fake: FakeGitHub) => [...fake.state.repositories.values()].filter((r) => r.issues.some((i) => i.title.includes("drift") && i.state === "open")).length;

async function benchSize(size: number): Promise<Measure[]> {
  const { fake, app } = await startOrganization(size);
  try {
    const rows: Measure[] = [];
    const appLogin = appLoginResolver(app);
    const memory = createInProcessScanMemory();
    const now = new Date(fake.state.epoch.getTime() + 60_000);
    for (const scan of ["first", "unchanged"]) {
      const mark = fake.requests.length;
      const { result, wallSeconds, peakMb } = await measured(() => runScheduledScan({ app, now: () => now, env: {}, pauseMs: 0, appLogin, memory }));
      const failed = result.filter((o) => "error" in o);
      if (failed.length > 0) throw new Error(`${failed.length} scans failed, e.g. ${JSON.stringify(failed[0])}`);
      const counts = tally(fake.requests.slice(mark));
      rows.push({ scan, repositories: size, ...counts, perRepository: counts.points / size, wallSeconds, peakMb, reports: openReports(fake) });
    }
    return rows;
  } finally {
    await fake.stop();
  }
}

/** The same two scans in queue mode: a firing each, measured until every job it queued is done. */
async function benchQueueSize(size: number): Promise<Measure[]> {
  const { fake, app } = await startOrganization(size);
  const prefix = testPrefix("bench");
  const infrastructure = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
  const now = new Date(fake.state.epoch.getTime() + 60_000);
  const queue = startScanQueue({ app, infrastructure, url: TEST_REDIS_URL, prefix, intervalMs: 0, appLogin: appLoginResolver(app), memory: infrastructure.scanMemory, now: () => now });
  try {
    const rows: Measure[] = [];
    for (const scan of ["first", "unchanged"]) {
      const mark = fake.requests.length;
      const { result, wallSeconds, peakMb } = await measured(async () => {
        const job = await queue.queue.add(SCHEDULE_JOB, {}, { jobId: `bench-${scan}` });
        const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
        // The firing first (it may be dropped from the completed list once a thousand jobs completed after it), then its jobs.
        let firing = await queue.queue.getJob(job.id!);
        while (firing?.finishedOn === undefined) {
          await pause();
          firing = await queue.queue.getJob(job.id!);
        }
        for (;;) {
          const counts = await queue.counts();
          if (counts.waiting + counts.active + counts.delayed === 0) return { firing: firing.returnvalue as FiringOutcome, failed: counts.failed };
          await pause();
        }
      });
      if (result.failed > 0) throw new Error(`${result.failed} queue-mode scan jobs failed`);
      const counts = tally(fake.requests.slice(mark));
      rows.push({ scan: `${scan} (queue)`, repositories: size, ...counts, perRepository: counts.points / size, wallSeconds, peakMb, reports: openReports(fake) });
    }
    return rows;
  } finally {
    await queue.close(1000);
    await infrastructure.close();
    await dropPrefix(prefix);
    await fake.stop();
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(rows: Measure[]): void {
  console.log("| repositories | scan | REST calls | GraphQL queries | points | points / repository | wall time | peak memory | open drift reports |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(`| ${fmt(r.repositories)} | ${r.scan} | ${fmt(r.rest)} | ${fmt(r.graphql)} | **${fmt(r.points)}** | ${fmt(r.perRepository, 2)} | ${fmt(r.wallSeconds, 1)} s | ${fmt(r.peakMb)} MB | ${r.reports} |`);
  }
  const [small = 0, large = 0] = SIZES;
  console.log(`\nGrowth from ${fmt(small)} to ${fmt(large)} repositories (×${fmt(large / small, 1)} would be linear):\n`);
  console.log("| scan | points | wall time | peak memory |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const scan of ["first", "unchanged", "first (queue)", "unchanged (queue)"]) {
    const small = rows.find((r) => r.scan === scan && r.repositories === SIZES[0]);
    const large = rows.find((r) => r.scan === scan && r.repositories === SIZES[1]);
    if (!small || !large) continue;
    const ratio = (a: number, b: number) => (b > 0 ? `×${fmt(a / b, 1)}` : "n/a");
    console.log(`| ${scan} | ${ratio(large.points, small.points)} | ${ratio(large.wallSeconds, small.wallSeconds)} | ${ratio(large.peakMb, small.peakMb)} |`);
  }
}

interface EventCost {
  kind: string;
  rest: number;
  graphql: number;
  points: number;
}

/**
 * Calls and points per event kind, on the real server (`lib/main.js`) against the fake, with the
 * e2e scenarios' repository (acme/payments, with its configuration): each figure is what one
 * delivery cost, the installation token left out.
 */
async function benchEvents(): Promise<EventCost[]> {
  await ensureBuilt();
  const env = await startEnvironment({ epoch: new Date(), seed: (fake) => void seedPayments(fake) });
  const costs: EventCost[] = [];
  try {
    const { fake } = env;
    const server = env.server!;
    const repo = fake.repository(PAYMENTS);
    const measure = async (kind: string, play: () => Promise<unknown>) => {
      const mark = fake.requests.length;
      await play();
      costs.push({ kind, ...tally(fake.requests.slice(mark)) });
    };
    const clean = fake.state.openPullRequest(repo, { title: "Tidy the README", body: "Wording.", author: "alice", headRef: "readme", commits: ["Tidy the README"] });
    await measure("clean PR opened", () => server.deliver("pull_request", fake.shapes.pullRequestEvent(repo, clean.number, { action: "opened", sender: "alice" })));
    const pull = fake.state.openPullRequest(repo, { title: EMERGENCY_TITLE, body: "## Justification\nINC-4711: merchants are underpaid right now.", author: "alice", headRef: "hotfix", commits: ["Round payouts half-even"] });
    fake.state.addCheckRun(repo, { sha: pull.headSha, name: "ci", conclusion: "success" });
    await measure("override PR opened", () => server.deliver("pull_request", fake.shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "alice" })));
    const before = repo.branches.get("main")!;
    const merge = fake.state.mergePullRequest(repo, pull.number, { by: "bob" });
    await measure("merge of the override", () => server.deliver("pull_request", fake.shapes.pullRequestEvent(repo, pull.number, { action: "closed", sender: "bob" })));
    await measure("push of the merge", () => server.deliver("push", fake.shapes.pushEvent(repo, { branch: "main", before, after: merge.sha, commits: [merge], pusher: "bob" })));
    await measure("direct push", () => playDirectPush(env));
    await measure("deployment gate", () => requestDeployment(env, { sha: merge.sha, runId: 9001 }));
    return costs;
  } finally {
    await env.stop();
    await stopAllChildren();
  }
}

async function main(): Promise<void> {
  const child = process.argv.indexOf("--size");
  if (child >= 0) {
    const size = Number(process.argv[child + 1]);
    const rows = process.argv.includes("--queue") ? await benchQueueSize(size) : await benchSize(size);
    process.stdout.write(`BENCH ${JSON.stringify(rows)}\n`);
    // BullMQ's and ioredis's sockets are closed; nothing else should keep the child alive.
    process.exit(0);
  }
  const modes = (await redisAnswers()) ? [[], ["--queue"]] : [[]];
  const rows: Measure[] = [];
  for (const mode of modes) {
    for (const size of SIZES) {
      const run = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), "--size", String(size), ...mode], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      const line = run.stdout.split("\n").find((l) => l.startsWith("BENCH "));
      if (run.status !== 0 || !line) throw new Error(`the bench of ${size} repositories${mode.length ? " in queue mode" : ""} failed (exit ${run.status}):\n${run.stdout.slice(-4000)}${run.stderr.slice(-4000)}`);
      rows.push(...(JSON.parse(line.slice(6)) as Measure[]));
    }
  }
  console.log("Drift scan of a simulated organization (local fake GitHub; every tenth repository drifted)\n");
  if (modes.length === 1) console.log(`(no Redis answers at ${TEST_REDIS_URL}: the queue mode is not measured)\n`);
  printTable(rows);
  console.log("\nCalls and points per event (the real server, lib/main.js, against the fake; acme/payments):\n");
  console.log("| event | REST calls | GraphQL queries | points |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const e of await benchEvents()) console.log(`| ${e.kind} | ${e.rest} | ${e.graphql} | ${e.points} |`);
}

await main();
