/**
 * The scheduled scan with its memory, against the fake GitHub in this process (which charges
 * points as GitHub does): an unchanged organization costs one listing and one fingerprint query,
 * and nothing the scan found before is missed: a change GitHub's fingerprint covers is read at
 * the next scan, a webhook's mark at once, anything else at the daily full reconciliation.
 */
import type { Probot } from "probot";
import { createAppFromEnv } from "../../src/cli/app-credentials.js";
import { createScanPacer } from "../../src/drift/scan-pacing.js";
import { runScheduledScan, type ScheduledOutcome } from "../../src/drift/scheduled-scan.js";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { createInProcessScanMemory, type ScanMemory } from "../../src/infrastructure/scan-memory.js";
import { createAppIdentity } from "../e2e/app-process.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import type { FakeRepository } from "../e2e/fake-state.js";

const OWNER = "acme";
const CONFIG = "production:\n  branches: [main]\ndrift:\n  protection:\n    required_approving_review_count: 1\n";
const HOUR = 3_600_000;
const appLogin = async () => "pipeline-guard[bot]";

let fake: FakeGitHub;
let app: Probot;
let repos: FakeRepository[];
let memory: ScanMemory;

beforeEach(async () => {
  const identity = createAppIdentity({ owner: OWNER });
  fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date() });
  repos = [0, 1, 2, 3].map((i) => {
    const repo = fake.state.createRepository({ owner: OWNER, name: `service-${i}`, files: { ".github/pipeline-guard.yml": CONFIG } });
    // service-3 drifted: no review required.
    fake.state.setProtection(repo, "main", { contexts: ["ci"], approvingReviews: i === 3 ? 0 : 1 });
    return repo;
  });
  fake.state.install({ account: OWNER, repositories: repos.map((r) => r.fullName), createdAt: fake.state.at(-1) });
  app = createAppFromEnv(
    { APP_ID: String(identity.id), PRIVATE_KEY: identity.privateKey, GHE_HOST: fake.host, GHE_PROTOCOL: "http", LOG_LEVEL: "silent" },
    { Octokit: PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })) },
  );
  memory = createInProcessScanMemory();
});

afterEach(async () => {
  await fake.stop();
});

/** One scheduled scan at `hours` after the fake's epoch; its outcomes by repository, and what it cost. */
async function scan(hours: number, params: { memory?: ScanMemory | null; app?: Pick<Probot, "auth" | "log"> } = {}) {
  const mark = fake.requests.length;
  const outcomes = await runScheduledScan({ app: params.app ?? app, appLogin, memory: params.memory === undefined ? memory : params.memory, now: () => new Date(fake.state.epoch.getTime() + hours * HOUR) });
  const served = fake.requests.slice(mark).filter((r) => r.points > 0);
  const why = (o: ScheduledOutcome) => ("skipped" in o ? o.skipped : "error" in o ? `error: ${o.error}` : o.why);
  return {
    outcomes,
    why: Object.fromEntries(outcomes.map((o) => [o.repository.replace(`${OWNER}/`, ""), why(o)])),
    points: served.reduce((sum, r) => sum + r.points, 0),
    fingerprintQueries: served.filter((r) => r.operation === "PipelineGuardFingerprints").length,
  };
}

const driftReport = (repo: FakeRepository) => repo.issues.find((i) => i.title.includes("drift"));

describe("runScheduledScan with a memory", () => {
  test("first scan reads all in full; the next, with nothing changed, costs the listing and one fingerprint query", async () => {
    const first = await scan(0);
    expect(first.why).toEqual({ "service-0": "first scan", "service-1": "first scan", "service-2": "first scan", "service-3": "first scan" });
    expect(first.fingerprintQueries).toBe(1);
    expect(driftReport(repos[3]!)?.state).toBe("open");

    const second = await scan(1);
    expect(second.why).toEqual({ "service-0": "unchanged", "service-1": "unchanged", "service-2": "unchanged", "service-3": "unchanged" });
    // The repositories' listing (1 REST call) and the fingerprint query (1 point); no GET /app, no configuration read.
    expect(second.points).toBe(2);
    expect(fake.requests.slice(-2).map((r) => r.route)).toEqual(["GET /installation/repositories", "POST /graphql"]);
  });

  test("protection changed without any webhook: the fingerprint differs and the next scan reports it", async () => {
    await scan(0);
    fake.state.setProtection(repos[1]!, "main", { contexts: ["ci"], approvingReviews: 0 });
    const next = await scan(1);
    expect(next.why).toEqual({ "service-0": "unchanged", "service-1": "changed", "service-2": "unchanged", "service-3": "unchanged" });
    expect(driftReport(repos[1]!)?.state).toBe("open");
  });

  test("a direct push without any webhook: the head differs, the scan reads the history and records the bypass", async () => {
    await scan(0);
    fake.state.pushCommits(repos[2]!, { branch: "main", commits: [{ message: "hotfix", author: "mallory" }], at: fake.state.at(0.5) });
    const next = await scan(1);
    expect(next.why["service-2"]).toBe("changed");
    expect(repos[2]!.issues.map((i) => i.title).join("\n")).toMatch(/bypass|direct push/i);
  });

  test("a closed drift report (no fact the fingerprint covers): found by the daily reconciliation, or at once after a webhook's mark", async () => {
    await scan(0);
    const report = driftReport(repos[3]!)!;
    report.state = "closed";
    expect((await scan(1)).why["service-3"]).toBe("unchanged");
    expect(report.state).toBe("closed");
    const daily = await scan(25);
    expect(daily.why).toEqual({ "service-0": "daily reconciliation", "service-1": "daily reconciliation", "service-2": "daily reconciliation", "service-3": "daily reconciliation" });
    expect(report.state).toBe("open");

    report.state = "closed";
    await memory.markDirty(repos[3]!.fullName, new Date(fake.state.epoch.getTime() + 25.5 * HOUR));
    const marked = await scan(26);
    expect(marked.why).toEqual({ "service-0": "unchanged", "service-1": "unchanged", "service-2": "unchanged", "service-3": "changed (webhook)" });
    expect(report.state).toBe("open");
  });

  test("a fingerprint query that fails: every repository is read in full, none is skipped", async () => {
    await scan(0);
    const failing = {
      log: app.log,
      auth: async (id?: number) => {
        const octokit = await app.auth(id);
        const graphql = octokit.graphql;
        const only = (query: string, variables: Record<string, unknown>) => (query.includes("PipelineGuardFingerprints") ? Promise.reject(new Error("boom")) : graphql(query, variables));
        if (id !== undefined) Object.assign(octokit, { graphql: Object.assign(only, graphql) });
        return octokit;
      },
    } as unknown as Pick<Probot, "auth" | "log">;
    const next = await scan(1, { app: failing });
    expect(next.why).toEqual({ "service-0": "fingerprint unreadable", "service-1": "fingerprint unreadable", "service-2": "fingerprint unreadable", "service-3": "fingerprint unreadable" });
  });

  test("a memory that does not answer: every repository is read in full, none is skipped, and the scans still count", async () => {
    await scan(0);
    const away: ScanMemory = { get: async () => Promise.reject(new Error("ECONNREFUSED")), set: async () => Promise.reject(new Error("ECONNREFUSED")), markDirty: async () => undefined };
    const next = await scan(1, { memory: away });
    expect(next.why).toEqual({ "service-0": "memory unreadable", "service-1": "memory unreadable", "service-2": "memory unreadable", "service-3": "memory unreadable" });
    expect(next.outcomes.every((o) => !("error" in o))).toBe(true);
  });

  test("a memory that stops answering after the fingerprint query: every repository is read in full", async () => {
    await scan(0);
    let reads = 0;
    const failing: ScanMemory = {
      ...memory,
      get: async (repository) => {
        reads += 1;
        if (reads > 4) throw new Error("ECONNRESET");
        return memory.get(repository);
      },
    };
    const next = await scan(1, { memory: failing });
    expect(next.why).toEqual({ "service-0": "memory unreadable", "service-1": "memory unreadable", "service-2": "memory unreadable", "service-3": "memory unreadable" });
    expect(next.fingerprintQueries).toBe(1);
  });

  test("a mark that arrives while the fingerprint query runs is honoured by this scan", async () => {
    await scan(0);
    let reads = 0;
    const marking: ScanMemory = {
      ...memory,
      get: async (repository) => {
        reads += 1;
        // The first pass reads the four entries; the push on service-1 arrives before the second pass.
        if (reads === 5) await memory.markDirty("acme/service-1", new Date(fake.state.epoch.getTime() + 0.5 * HOUR));
        return memory.get(repository);
      },
    };
    const next = await scan(1, { memory: marking });
    expect(next.why).toEqual({ "service-0": "unchanged", "service-1": "changed (webhook)", "service-2": "unchanged", "service-3": "unchanged" });
  });

  test("without a memory (pipeline-guard scan): no fingerprint query, every repository read in full", async () => {
    const once = await scan(0, { memory: null });
    expect(once.fingerprintQueries).toBe(0);
    expect(Object.values(once.why)).toEqual(["full", "full", "full", "full"]);
  });
});

describe("runScheduledScan with budget-aware pacing", () => {
  test("an installation with little left: the scan spends 20% of it, then waits for the reset instead of spending the rest", async () => {
    const installation = fake.state.installations[0]!;
    fake.setRemaining(installation.id, "core", 40, 30 * 60_000);
    const waits: number[] = [];
    const outcomes = await runScheduledScan({ app, appLogin, memory, pacer: createScanPacer({ budget: 0.2 }), sleep: async (ms) => void waits.push(ms) });
    expect(outcomes.every((o) => !("error" in o))).toBe(true);
    // 20% of 40 is 8 points: about one repository's full read; then the reset, 30 minutes away, is waited for.
    const long = waits.filter((ms) => ms > 60_000);
    expect(long.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...long)).toBeLessThanOrEqual(30 * 60_000 + 1000);
    expect(Math.max(...long)).toBeGreaterThan(29 * 60_000);
  });

  test("plenty left: only the spacing under the secondary limit (under a second per repository)", async () => {
    const waits: number[] = [];
    await runScheduledScan({ app, appLogin, memory, pacer: createScanPacer({ budget: 0.2 }), sleep: async (ms) => void waits.push(ms) });
    expect(waits.every((ms) => ms < 1000)).toBe(true);
  });
});
