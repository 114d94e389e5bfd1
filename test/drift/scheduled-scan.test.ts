/**
 * The scheduled scan with its memory, against the fake GitHub in this process (which charges
 * points as GitHub does): an unchanged organization costs one listing and one fingerprint query,
 * and nothing the scan found before is missed: a change GitHub's fingerprint covers is read at
 * the next scan, a webhook's mark at once, anything else at the daily full reconciliation.
 */
import type { Probot } from "probot";
import { createScanPacer } from "../../src/drift/scan-pacing.js";
import { runScheduledScan, type ScheduledOutcome } from "../../src/drift/scheduled-scan.js";
import { createInProcessScanMemory, type ScanMemory } from "../../src/infrastructure/scan-memory.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import type { FakeRepository } from "../e2e/fake-state.js";
import type { InstalledRepository } from "../../src/drift/scan-job.js";
import { startFakeOrganization } from "../helpers/fake-organization.js";

const OWNER = "acme";
const CONFIG = "production:\n  branches: [main]\ndrift:\n  protection:\n    required_approving_review_count: 1\n";
const HOUR = 3_600_000;
const appLogin = async () => "pipeline-guard[bot]";

let fake: FakeGitHub;
let app: Probot;
let repos: FakeRepository[];
let memory: ScanMemory;

beforeEach(async () => {
  // service-3 drifted: no review required.
  ({ fake, app, repos } = await startFakeOrganization({ size: 4, config: CONFIG, drifted: (i) => i === 3 }));
  memory = createInProcessScanMemory();
});

afterEach(async () => {
  await fake.stop();
});

/** One scheduled scan at `hours` after the fake's epoch; its outcomes by repository, and what it cost. */
async function scan(hours: number, params: { memory?: ScanMemory | null; app?: Pick<Probot, "auth" | "log">; targets?: InstalledRepository[] } = {}) {
  const mark = fake.requests.length;
  const outcomes = await runScheduledScan({
    app: params.app ?? app,
    appLogin,
    memory: params.memory === undefined ? memory : params.memory,
    now: () => new Date(fake.state.epoch.getTime() + hours * HOUR),
    targets: params.targets,
  });
  const served = fake.requests.slice(mark).filter((r) => r.points > 0);
  const why = (o: ScheduledOutcome) => ("skipped" in o ? o.skipped : "error" in o ? `error: ${o.error}` : o.why);
  return {
    outcomes,
    why: Object.fromEntries(outcomes.map((o) => [o.repository.replace(`${OWNER}/`, ""), why(o)])),
    points: served.reduce((sum, r) => sum + r.points, 0),
    fingerprintQueries: served.filter((r) => r.operation === "PipelineGuardFingerprints").length,
    /** Each request as `METHOD route` (`POST /graphql Operation`), with the repository it was about. */
    calls: served.map((r) => (r.operation ? `POST /graphql ${r.operation}` : `${r.method} ${r.path.split("?")[0]!.replace(`/repos/${OWNER}/`, "")}`)),
  };
}

/** The app with its GraphQL answers of `operation` changed by `change` (a failure, a repository left out). */
function withGraphql(operation: string, change: (answer: () => Promise<Record<string, unknown>>) => Promise<unknown>): Pick<Probot, "auth" | "log"> {
  return {
    log: app.log,
    auth: async (id?: number) => {
      const octokit = await app.auth(id);
      const graphql = octokit.graphql;
      const changed = (query: string, variables: Record<string, unknown>) => (query.includes(operation) ? change(() => graphql(query, variables)) : graphql(query, variables));
      if (id !== undefined) Object.assign(octokit, { graphql: Object.assign(changed, graphql) });
      return octokit;
    },
  } as unknown as Pick<Probot, "auth" | "log">;
}

/** What the scan reported: each repository's new drift items. */
const findings = (outcomes: readonly ScheduledOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.repository, "newItems" in o ? o.newItems : o]));

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

describe("runScheduledScan's batched full reads", () => {
  test("a first scan: one configuration query and one facts query for the batch, then each repository's one record listing (and the drifted one's report)", async () => {
    const first = await scan(0);
    // The label is made once per process (an earlier test may have made it).
    expect(first.calls.filter((c) => !c.endsWith("/labels"))).toEqual([
      "GET /installation/repositories",
      "POST /graphql PipelineGuardFingerprints",
      "POST /graphql PipelineGuardConfigBlobs",
      "POST /graphql PipelineGuardFullReads",
      // The report's look-up, which reached the last page, gives the open issues too.
      "GET service-0/issues",
      "GET service-1/issues",
      "GET service-2/issues",
      "GET service-3/issues",
      // service-3 drifted: its report is opened (look-up before the create, create, signature).
      "GET service-3/issues",
      "POST service-3/issues",
      "PATCH service-3/issues/1",
    ]);
    // No configuration, protection, rules or history read one by one: 11 points for 4 repositories, and the label.
    expect(first.points).toBe(11 + first.calls.filter((c) => c.endsWith("/labels")).length);
    expect(findings(first.outcomes)).toEqual({
      "acme/service-0": [],
      "acme/service-1": [],
      "acme/service-2": [],
      "acme/service-3": ["protection:main:required_approving_review_count"],
    });
  });

  test("a mark made after the batch was read, before a later repository's scan starts, survives that scan's memory write", async () => {
    let hours = 0;
    let marked = false;
    const outcomes = await runScheduledScan({
      app,
      appLogin,
      memory,
      now: () => new Date(fake.state.epoch.getTime() + hours * HOUR),
      pauseMs: 1,
      // Between the scans of one batch (read before the first): a push to service-2 arrives, then half an hour passes.
      sleep: async () => {
        if (!marked) await memory.markDirty("acme/service-2", new Date(fake.state.epoch.getTime() + hours * HOUR));
        marked = true;
        hours += 0.5;
      },
    });
    expect(outcomes.map((o) => ("why" in o ? o.why : o))).toEqual(["first scan", "first scan", "first scan", "first scan"]);
    expect((await memory.get("acme/service-2"))?.dirtyAt).not.toBeNull();
    expect((await memory.get("acme/service-3"))?.dirtyAt).toBeNull();
    expect((await scan(2)).why).toEqual({ "service-0": "unchanged", "service-1": "unchanged", "service-2": "changed (webhook)", "service-3": "unchanged" });
  });

  test("the batch fails: each repository is read on its own, and the scan finds the same", async () => {
    const batched = findings((await scan(0, { memory: null })).outcomes);
    for (const repo of repos) repo.issues.splice(0);
    const failing = withGraphql("PipelineGuardConfigBlobs", () => Promise.reject(new Error("boom")));
    const alone = await scan(0, { memory: null, app: failing });
    expect(findings(alone.outcomes)).toEqual(batched);
    expect(alone.calls.filter((c) => c === "POST /graphql PipelineGuardFullReads")).toEqual([]);
    for (const name of ["service-0", "service-3"]) {
      expect(alone.calls).toEqual(expect.arrayContaining([`GET ${name}/contents/.github%2Fpipeline-guard.yml`, `GET ${name}/branches/main/protection`, `GET ${name}/rules/branches/main`]));
    }
    expect(alone.calls.filter((c) => c === "POST /graphql PipelineGuardActivity")).toHaveLength(4);
  });

  test("the facts query fails, or leaves a repository out: its facts are read on its own, its configuration still comes from the batch", async () => {
    const failing = withGraphql("PipelineGuardFullReads", () => Promise.reject(new Error("boom")));
    const alone = await scan(0, { memory: null, app: failing });
    expect(alone.calls.filter((c) => c.includes("contents"))).toEqual([]);
    expect(alone.calls.filter((c) => c === "POST /graphql PipelineGuardActivity")).toHaveLength(4);
    expect(findings(alone.outcomes)["acme/service-3"]).toEqual(["protection:main:required_approving_review_count"]);

    for (const repo of repos) repo.issues.splice(0);
    const leftOut = withGraphql("PipelineGuardFullReads", async (answer) => ({ ...(await answer()), r3: null }));
    const partial = await scan(0, { memory: null, app: leftOut });
    expect(partial.calls.filter((c) => c.includes("/protection") || c.includes("/rules/"))).toEqual(["GET service-3/branches/main/protection", "GET service-3/rules/branches/main"]);
    expect(partial.calls.filter((c) => c === "POST /graphql PipelineGuardActivity")).toHaveLength(1);
    expect(findings(partial.outcomes)["acme/service-3"]).toEqual(["protection:main:required_approving_review_count"]);
  });

  test("a configuration with _extends is read through Probot, which follows it, and that repository's facts one by one; protection without administration is read through REST", async () => {
    fake.state.repository(repos[1]!.fullName)!.files.set(".github/pipeline-guard.yml", "_extends: service-0\n");
    const targets: InstalledRepository[] = repos.map((r) => ({ installationId: fake.state.installations[0]!.id, owner: OWNER, repo: r.name, defaultBranch: "main", archived: false, canReadRuleSuites: false, canReadProtection: r.name !== "service-2" }));
    const first = await scan(0, { memory: null, targets });
    expect(first.calls.filter((c) => c.includes("contents"))).toEqual(["GET service-1/contents/.github%2Fpipeline-guard.yml", "GET service-0/contents/.github%2Fpipeline-guard.yml"]);
    expect(first.calls.filter((c) => c.includes("/protection") || c.includes("/rules/"))).toEqual([
      "GET service-1/branches/main/protection",
      "GET service-1/rules/branches/main",
      "GET service-2/branches/main/protection",
      "GET service-2/rules/branches/main",
    ]);
    expect(findings(first.outcomes)["acme/service-3"]).toEqual(["protection:main:required_approving_review_count"]);
  });
});

describe("runScheduledScan's batched full reads with archived repositories", () => {
  test("an archived repository is neither in the batch nor read; the others keep their batch answers", async () => {
    const targets: InstalledRepository[] = repos.map((r, i) => ({ installationId: fake.state.installations[0]!.id, owner: OWNER, repo: r.name, defaultBranch: "main", archived: i === 0, canReadRuleSuites: false, canReadProtection: true }));
    const first = await scan(0, { memory: null, targets });
    expect(first.why["service-0"]).toBe("archived");
    const sent = fake.requests.filter((r) => r.operation === "PipelineGuardFullReads").map((r) => (r.body as { variables: Record<string, unknown> }).variables);
    expect(sent.map((v) => [v.n0, v.n1, v.n2, v.n3])).toEqual([["service-1", "service-2", "service-3", undefined]]);
    expect(first.calls.some((c) => c.includes("service-0"))).toBe(false);
    expect(first.calls.filter((c) => c.includes("/protection") || c.includes("contents") || c.includes("PipelineGuardActivity"))).toEqual([]);
    expect(findings(first.outcomes)["acme/service-3"]).toEqual(["protection:main:required_approving_review_count"]);
  });
});

describe("runScheduledScan with budget-aware pacing", () => {
  test("an installation with little left: the scan spends 20% of it, then waits for the reset instead of spending the rest", async () => {
    const installation = fake.state.installations[0]!;
    fake.setRemaining(installation.id, "core", 10, 30 * 60_000);
    const waits: number[] = [];
    const outcomes = await runScheduledScan({ app, appLogin, memory, pacer: createScanPacer({ budget: 0.2 }), sleep: async (ms) => void waits.push(ms) });
    expect(outcomes.every((o) => !("error" in o))).toBe(true);
    // 20% of 10 is 2 REST points: two or three repositories' full reads (their configuration, history and protection
    // come batched through GraphQL, their records in one listing each); then the reset, 30 minutes away, is waited for.
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
