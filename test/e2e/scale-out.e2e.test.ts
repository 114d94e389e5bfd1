/**
 * The built server as a replica runs it (issue #11): offline with Redis (Probot's `ioredis` is
 * the installed one, nothing is fetched through npx), the health and metrics routes, and the
 * graceful shutdown: SIGTERM in the middle of a handler lets it finish, then the process exits 0.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppIdentity, ensureBuilt, startAppServer, stopAllChildren, type AppServer } from "./app-process.js";
import { FakeGitHub } from "./fake-github.js";
import { EMERGENCY_TITLE, OWNER, PAYMENTS, seedPayments } from "./scenarios.js";
import { dropPrefix, redisDescribe, testPrefix, TEST_REDIS_URL } from "../helpers/redis.js";

const describeRedis = await redisDescribe("the offline Redis server test");
const TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function environment() {
  const identity = createAppIdentity({ owner: OWNER });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: new Date(Date.now() - 60_000) });
  seedPayments(fake);
  return { identity, fake };
}

function exited(server: AppServer): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) resolve({ code: server.child.exitCode, at: Date.now() });
    else server.child.once("exit", (code) => resolve({ code, at: Date.now() }));
  });
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => stopAllChildren());

describe("graceful shutdown of the built server", () => {
  test(
    "SIGTERM in the middle of a handler: readyz 503, a new delivery refused, the handler's write lands, exit 0",
    async () => {
      const { identity, fake } = await environment();
      try {
        const server = await startAppServer({ identity, fake });
        const { state, shapes } = fake;
        const repo = fake.repository(PAYMENTS);
        const pull = state.openPullRequest(repo, { title: EMERGENCY_TITLE, body: "## Justification\nINC-1: payouts are wrong.", author: "alice", headRef: "fix", commits: ["Fix payouts"] });
        state.addCheckRun(repo, { sha: pull.headSha, name: "ci", conclusion: "success" });
        // Every GitHub answer takes 400 ms: the `opened` handler runs for several seconds.
        fake.setDelay(400);
        const first = server.deliver("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "alice" }));
        await sleep(1_000);
        const exit = exited(server);
        const signalled = Date.now();
        server.child.kill("SIGTERM");
        await sleep(200);
        expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const refused = await server.deliver("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "edited", sender: "alice" }));
        expect(refused.status).toBe(500);
        // 202: Probot answers after 9 s and the handler goes on; either way it must finish before the exit.
        expect([200, 202]).toContain((await first).status);
        const { code, at } = await exit;
        expect(code).toBe(0);
        expect(fake.writes().filter((w) => w.route === "POST /repos/{owner}/{repo}/check-runs")).toHaveLength(1);
        const seconds = (at - signalled) / 1000;
        process.stderr.write(`scale-out e2e: exit ${code} ${seconds.toFixed(1)} s after SIGTERM (handler in flight, GitHub answering in 400 ms)\n`);
        expect(seconds).toBeLessThan(25);
        expect(server.logs.some((line) => line.includes("shutting down: no new work"))).toBe(true);
      } finally {
        await fake.stop();
      }
    },
    TIMEOUT_MS,
  );
});

describeRedis("the built server with REDIS_URL and no network", () => {
  test(
    "starts without npx or the npm registry (ioredis is installed), answers readyz and metrics, and exits 0 on SIGTERM",
    async () => {
      const { identity, fake } = await environment();
      const bin = mkdtempSync(join(tmpdir(), "pipeline-guard-no-npx-"));
      const marker = join(bin, "npx-was-called");
      // An npx that records its call and fails, first on the PATH; the registry is unreachable.
      writeFileSync(join(bin, "npx"), `#!/bin/sh\ntouch "${marker}"\nexit 1\n`);
      chmodSync(join(bin, "npx"), 0o755);
      const prefix = testPrefix("offline");
      try {
        const server = await startAppServer({
          identity,
          fake,
          env: { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, PATH: `${bin}:${process.env.PATH ?? ""}`, npm_config_registry: "http://127.0.0.1:9" },
        });
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        const repo = fake.repository(PAYMENTS);
        const push = fake.state.pushCommits(repo, { branch: "feature", commits: [{ message: "wip", author: "alice" }] });
        const delivered = await server.deliver("push", fake.shapes.pushEvent(repo, { branch: "feature", before: push.before, after: push.after, commits: push.commits, pusher: "alice" }));
        expect(delivered.status).toBe(200);
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        expect(metrics).toContain('pipeline_guard_deliveries_total{event="push",outcome="handled"} 1');
        expect(metrics).toMatch(/pipeline_guard_github_requests_total\{method="GET",route="\/repos\/\{owner\}\/\{repo\}\/contents\/\{path\}",status="200"\} \d/);
        expect(metrics).toContain('pipeline_guard_scan_jobs{state="waiting"} 0');
        const exit = exited(server);
        server.child.kill("SIGTERM");
        expect((await exit).code).toBe(0);
        expect(existsSync(marker)).toBe(false);
        expect(server.logs.join("\n")).not.toContain("npx");
      } finally {
        await fake.stop();
        rmSync(bin, { recursive: true, force: true });
        await dropPrefix(prefix);
      }
    },
    TIMEOUT_MS,
  );
});
