/**
 * The batch read before the scheduled scan's full reads, against the fake GitHub in this process:
 * what it asks for follows each repository's configuration, and whatever fails leaves the
 * repository to be read on its own.
 */
import type { Probot } from "probot";
import { createAppFromEnv } from "../../src/cli/app-credentials.js";
import { prefetchFullReads, type PrefetchTarget } from "../../src/drift/full-read-prefetch.js";
import { FULL_READ_BRANCHES } from "../../src/github/full-read-facts.js";
import { FINGERPRINT_BRANCHES } from "../../src/github/repository-fingerprints.js";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { createAppIdentity } from "../e2e/app-process.js";
import { FakeGitHub } from "../e2e/fake-github.js";

const OWNER = "acme";
let fake: FakeGitHub;
let app: Probot;
let installationId: number;

const CONFIGS: Record<string, string> = {
  plain: "production:\n  branches: [main]\n  environments: [production]\n",
  globs: "production:\n  branches: ['release/*']\n  environments: ['prod-*']\n",
  quiet: "drift:\n  enabled: false\n",
  wide: `production:\n  branches: [${Array.from({ length: FINGERPRINT_BRANCHES + 5 }, (_, b) => `b${b}`).join(", ")}]\n`,
  wide2: `production:\n  branches: [${Array.from({ length: FINGERPRINT_BRANCHES }, (_, b) => `c${b}`).join(", ")}]\n`,
  wide3: `production:\n  branches: [${Array.from({ length: FINGERPRINT_BRANCHES }, (_, b) => `d${b}`).join(", ")}]\n`,
};

beforeEach(async () => {
  const identity = createAppIdentity({ owner: OWNER });
  fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date() });
  const repos = Object.entries(CONFIGS).map(([name, config]) => fake.state.createRepository({ owner: OWNER, name, files: { ".github/pipeline-guard.yml": config } }));
  installationId = fake.state.install({ account: OWNER, repositories: repos.map((r) => r.fullName), createdAt: fake.state.at(-1) }).id;
  app = createAppFromEnv(
    { APP_ID: String(identity.id), PRIVATE_KEY: identity.privateKey, GHE_HOST: fake.host, GHE_PROTOCOL: "http", LOG_LEVEL: "silent" },
    { Octokit: PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })) },
  );
});

afterEach(async () => {
  await fake.stop();
});

const target = (repo: string, changes: Partial<PrefetchTarget> = {}): PrefetchTarget => ({ owner: OWNER, repo, defaultBranch: "main", canReadProtection: true, remembered: ["main"], ...changes });
const factsQueries = () => fake.requests.filter((r) => r.operation === "PipelineGuardFullReads").map((r) => r.body as { query: string; variables: Record<string, unknown> });

describe("prefetchFullReads", () => {
  test("what is asked follows each configuration: exact branches and environments, a glob's remembered branches and all environments, nothing of drift with drift off", async () => {
    const read = await prefetchFullReads({
      app,
      installationId,
      now: new Date(fake.state.epoch.getTime()),
      targets: [target("plain"), target("globs", { remembered: ["release/1", "release/2"] }), target("quiet")],
    });

    expect(read.map((r) => r?.loaded.source)).toEqual(["file", "file", "file"]);
    const [sent] = factsQueries();
    expect(sent?.variables).toMatchObject({ r0b0: "refs/heads/main", e0: ["production"], r1b0: "refs/heads/release/1", r1b1: "refs/heads/release/2", e1: null, r2b0: "refs/heads/main" });
    expect(Object.keys(sent?.variables ?? {})).not.toContain("e2");
    // Protection for the repositories with drift on only.
    expect(sent?.query).toMatch(/r2: repository\(owner: \$o2, name: \$n2\) \{ b0: ref\(qualifiedName: \$r2b0\) \{ target/);
    expect(sent?.query).toMatch(/r0: repository\(owner: \$o0, name: \$n0\) \{ b0: ref\(qualifiedName: \$r0b0\) \{ branchProtectionRule/);
    expect(read[0]?.facts?.branches.get("main")?.protection).toMatchObject({ classic: null, rules: [] });
  });

  test("without administration, protection is not asked for", async () => {
    await prefetchFullReads({ app, installationId, now: new Date(), targets: [target("plain", { canReadProtection: false })] });
    expect(factsQueries()[0]?.query).not.toContain("branchProtectionRule");
  });

  test("branches past 20 a repository are left to the full read; past 50 a query, the next query takes them", async () => {
    await prefetchFullReads({ app, installationId, now: new Date(), targets: [target("wide"), target("wide2"), target("wide3")] });
    const queries = factsQueries();
    expect(queries.map((q) => Object.keys(q.variables).filter((k) => /^r\d+b\d+$/.test(k)).length)).toEqual([2 * FINGERPRINT_BRANCHES, FINGERPRINT_BRANCHES]);
    expect(2 * FINGERPRINT_BRANCHES).toBeLessThanOrEqual(FULL_READ_BRANCHES);
    expect(queries[0]?.variables).not.toHaveProperty(`r0b${FINGERPRINT_BRANCHES}`);
  });

  test("no token, or a failed configuration query: every repository is read on its own; a failed facts query keeps the configuration", async () => {
    const noToken = { log: app.log, auth: async () => Promise.reject(new Error("no token")) } as unknown as Pick<Probot, "auth" | "log">;
    expect(await prefetchFullReads({ app: noToken, installationId, now: new Date(), targets: [target("plain")] })).toEqual([null]);

    const failing = (operation: string) =>
      ({
        log: app.log,
        auth: async (id?: number) => {
          const octokit = await app.auth(id);
          const graphql = octokit.graphql;
          Object.assign(octokit, { graphql: Object.assign((q: string, v: Record<string, unknown>) => (q.includes(operation) ? Promise.reject(new Error("boom")) : graphql(q, v)), graphql) });
          return octokit;
        },
      }) as unknown as Pick<Probot, "auth" | "log">;
    expect(await prefetchFullReads({ app: failing("PipelineGuardConfigBlobs"), installationId, now: new Date(), targets: [target("plain")] })).toEqual([null]);
    const [kept] = await prefetchFullReads({ app: failing("PipelineGuardFullReads"), installationId, now: new Date(), targets: [target("plain")] });
    expect(kept).toMatchObject({ loaded: { source: "file" }, facts: null });
  });

  test("the look-back starts at the earliest of the targets' (never later than a scan's own)", async () => {
    const now = new Date("2026-03-10T12:00:00Z");
    await prefetchFullReads({ app, installationId, now, targets: [target("plain", { installedAt: new Date("2026-03-01T00:00:00Z") }), target("quiet")] });
    expect(factsQueries()[0]?.variables.since).toBe("2026-02-08T12:00:00.000Z");
  });

  test("no targets: no call; more than a batch: refused", async () => {
    expect(await prefetchFullReads({ app, installationId, now: new Date(), targets: [] })).toEqual([]);
    await expect(prefetchFullReads({ app, installationId, now: new Date(), targets: Array.from({ length: 26 }, (_, i) => target(`r${i}`)) })).rejects.toThrow("at most 25");
    expect(fake.requests.filter((r) => r.route === "POST /graphql")).toEqual([]);
  });
});
