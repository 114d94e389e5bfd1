/**
 * Several replicas on one Redis (issue #11): three real servers (`node lib/main.js`, each its own
 * process) with the same `REDIS_URL` and a key prefix of this test's own, against the fake GitHub.
 * Deliveries are sent to all three at once, as a load balancer spreading GitHub's retries would.
 */
import { ensureBuilt, startAppServer, stopAllChildren, type AppServer } from "../e2e/app-process.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import { issuesLabelled, repositoryState } from "../e2e/final-state.js";
import { EMERGENCY_TITLE, OWNER, PAYMENTS, seedPayments } from "../e2e/scenarios.js";
import { createAppIdentity, type AppIdentity } from "../e2e/app-process.js";
import { createDelivery, sendDelivery, type DeliveryResult } from "../e2e/webhook-delivery.js";
import { configChanged, rememberConfig, sharedCachedConfig } from "../../src/config/config-cache.js";
import type { LoadedConfig } from "../../src/config/load-config.js";
import { runWithInfrastructure } from "../../src/infrastructure/current-infrastructure.js";
import { createRedisInfrastructure } from "../../src/infrastructure/redis-infrastructure.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the replicas tests");
const TIMEOUT_MS = 90_000;
const FOLLOW_UP = "pipeline-guard:follow-up";
const BODY = "Payouts are off by a cent.\n\n## Justification\nINC-4711: merchants are underpaid right now.";

interface Replicas {
  identity: AppIdentity;
  fake: FakeGitHub;
  servers: AppServer[];
  prefix: string;
  stop(): Promise<void>;
}

async function startReplicas(name: string): Promise<Replicas> {
  const identity = createAppIdentity({ owner: OWNER });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date(Date.now() - 60_000) });
  seedPayments(fake);
  const prefix = testPrefix(name);
  const servers = await Promise.all([0, 1, 2].map(() => startAppServer({ identity, fake, env: { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } })));
  return {
    identity,
    fake,
    servers,
    prefix,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await fake.stop();
      await dropPrefix(prefix);
    },
  };
}

function expectAccepted(results: readonly DeliveryResult[], replicas: Replicas): void {
  const failed = results.filter((r) => r.status !== 200 && r.status !== 202);
  if (failed.length > 0) throw new Error(`${failed.map((f) => `${f.status} ${f.text}`).join("\n")}\n${replicas.servers.flatMap((s) => s.logs.slice(-20)).join("\n")}`);
}

/** An emergency PR opened (delivered to the first replica) and merged on the fake. */
async function openAndMerge(replicas: Replicas) {
  const { state, shapes } = replicas.fake;
  const repo = replicas.fake.repository(PAYMENTS);
  const pull = state.openPullRequest(repo, { title: EMERGENCY_TITLE, body: BODY, author: "alice", headRef: "hotfix/rounding", commits: ["Round payouts half-even"] });
  state.addCheckRun(repo, { sha: pull.headSha, name: "ci", conclusion: "success" });
  expectAccepted([await replicas.servers[0]!.deliver("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "alice" }))], replicas);
  const before = repo.branches.get("main")!;
  const merge = state.mergePullRequest(repo, pull.number, { by: "bob" });
  return { repo, pull, merge, before };
}

function send(server: AppServer, identity: AppIdentity, delivery: ReturnType<typeof createDelivery>): Promise<DeliveryResult> {
  return sendDelivery(server.webhookUrl, delivery, { secret: identity.webhookSecret });
}

describeRedis("three replicas on one Redis", () => {
  const running = new Set<Replicas>();
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(async () => {
    await Promise.all([...running].map((r) => r.stop()));
    await stopAllChildren();
  });

  test(
    "the same `closed` delivery sent to three replicas at once: one follow-up and one comment",
    async () => {
      const replicas = await startReplicas("same-delivery");
      running.add(replicas);
      const { repo, pull } = await openAndMerge(replicas);
      const delivery = createDelivery("pull_request", replicas.fake.shapes.pullRequestEvent(repo, pull.number, { action: "closed", sender: "bob" }));
      const results = await Promise.all(replicas.servers.map((server) => send(server, replicas.identity, delivery)));
      expectAccepted(results, replicas);

      const state = repositoryState(replicas.fake, PAYMENTS);
      expect(issuesLabelled(state, FOLLOW_UP)).toHaveLength(1);
      expect(replicas.fake.requests.filter((r) => r.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(1);
      const pr = state.issues.find((i) => i.kind === "pull request")!;
      expect(pr.comments).toHaveLength(1);
      // Handled once: one merge-commit check, not one per replica.
      expect(state.checkRuns.filter((r) => r.name === "Pipeline Guard" && pull.headSha.slice(0, 7) !== r.sha)).toHaveLength(1);
      // Every replica logged the delivery; two of them found it already handled.
      const skipped = replicas.servers.filter((s) => s.logs.some((line) => line.includes("delivery already handled")));
      expect(skipped).toHaveLength(2);
      running.delete(replicas);
      await replicas.stop();
    },
    TIMEOUT_MS,
  );

  test(
    "three different `closed` deliveries and the merge's push, on three replicas at once: one follow-up, one comment",
    async () => {
      const replicas = await startReplicas("closed-and-push");
      running.add(replicas);
      const { repo, pull, merge, before } = await openAndMerge(replicas);
      const { shapes } = replicas.fake;
      const closed = replicas.servers.map(() => createDelivery("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "closed", sender: "bob" })));
      const push = createDelivery("push", shapes.pushEvent(repo, { branch: "main", before, after: merge.sha, commits: [merge], pusher: "bob" }));
      const results = await Promise.all([
        ...replicas.servers.map((server, i) => send(server, replicas.identity, closed[i]!)),
        send(replicas.servers[1]!, replicas.identity, push),
      ]);
      expectAccepted(results, replicas);

      const state = repositoryState(replicas.fake, PAYMENTS);
      expect(issuesLabelled(state, FOLLOW_UP)).toHaveLength(1);
      expect(replicas.fake.requests.filter((r) => r.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(1);
      const pr = state.issues.find((i) => i.kind === "pull request")!;
      expect(pr.comments).toHaveLength(1);
      expect(pr.comments[0]!.body).toContain("**Follow-up issue:** #2");
      running.delete(replicas);
      await replicas.stop();
    },
    TIMEOUT_MS,
  );
});

describeRedis("the configuration cache across replicas", () => {
  const prefix = testPrefix("config");
  let a: ReturnType<typeof createRedisInfrastructure>;
  let b: ReturnType<typeof createRedisInfrastructure>;
  beforeAll(() => {
    a = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
    b = createRedisInfrastructure({ url: TEST_REDIS_URL, prefix });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await dropPrefix(prefix);
  });

  test("a configuration change seen on one replica (a push touching the file) drops the other replica's copy at once", async () => {
    const loaded = { config: { production: { branches: ["main"] } } } as unknown as LoadedConfig;
    await runWithInfrastructure(b, async () => {
      const version = await b.configVersions.current("acme", "payments");
      rememberConfig("acme", "payments", loaded, Date.now(), version);
      expect(await sharedCachedConfig("acme", "payments")).toBe(loaded);
    });
    await runWithInfrastructure(a, () => configChanged("acme", "payments"));
    await runWithInfrastructure(b, async () => {
      expect(await sharedCachedConfig("acme", "payments")).toBeUndefined();
    });
    // The owner's `.github` repository holds the defaults of every repository.
    await runWithInfrastructure(b, async () => rememberConfig("acme", "payments", loaded, Date.now(), await b.configVersions.current("acme", "payments")));
    await runWithInfrastructure(a, () => configChanged("acme", ".github"));
    await runWithInfrastructure(b, async () => {
      expect(await sharedCachedConfig("acme", "payments")).toBeUndefined();
    });
  });
});
