/**
 * End to end: the built server (`node lib/main.js`) and command (`node lib/cli/main.js`), run
 * as users run them, against a fake GitHub Enterprise Server on 127.0.0.1 (test/e2e/fake-github.ts).
 * Webhooks arrive signed over HTTP; the app authenticates with its JWT and installation tokens;
 * every assertion is on what the fake holds afterwards (issues, labels, comments, check runs).
 *
 * Each scenario has its own fake and its own server, and they run at once: the server spaces
 * its writes out (Octokit's throttling: a second between writes, three between those that
 * notify people), so one after the other they would take a minute.
 */
import { isDeepStrictEqual } from "node:util";
import { ensureBuilt, stopAllChildren } from "./app-process.js";
import { isWrite, type RecordedRequest } from "./fake-github.js";
import { issuesLabelled, repositoryState, type RepositoryState } from "./final-state.js";
import {
  EMERGENCY_TITLE,
  FORK_TITLE,
  INFRA,
  PAYMENTS,
  fixInfraDrift,
  playDirectPush,
  playEmergencyMerge,
  playForkSkipTests,
  requestDeployment,
  runScan,
  seedInfra,
  seedPayments,
  startEnvironment,
  type Environment,
} from "./scenarios.js";
import { signatureOf, type DeliveryResult } from "./webhook-delivery.js";

/** Seeded objects are dated from here: a whole minute, shared by every environment of the run. */
const EPOCH = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
const SCENARIO_TIMEOUT_MS = 60_000;

const environments = new Set<Environment>();
/** Requests the fake served and seconds taken, per scenario (printed with E2E_REPORT=1). */
const served: Record<string, { requests: number; seconds: number }> = {};
const loadedAt = Date.now();
let builtIn = 0;

const startedAt = new WeakMap<Environment, number>();

async function environment(params: Parameters<typeof startEnvironment>[0]): Promise<Environment> {
  const started = Date.now();
  const env = await startEnvironment(params);
  environments.add(env);
  startedAt.set(env, started);
  return env;
}

async function finish(name: string, env: Environment): Promise<void> {
  served[name] = { requests: env.fake.requests.length, seconds: (Date.now() - (startedAt.get(env) ?? Date.now())) / 1000 };
  environments.delete(env);
  await env.stop();
}

/** Resolved by scenarios 1 and 3 with their final state, which scenario 7 must reach through 502s. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
const cleanEmergency = deferred<RepositoryState>();
const cleanDirectPush = deferred<RepositoryState>();

beforeAll(async () => {
  const started = Date.now();
  await ensureBuilt();
  builtIn = (Date.now() - started) / 1000;
}, 180_000);

afterAll(async () => {
  await Promise.all([...environments].map((env) => env.stop()));
  await stopAllChildren();
  if (process.env.E2E_REPORT) {
    const report = { build: builtIn, scenarios: (Date.now() - loadedAt) / 1000 - builtIn, served };
    process.stderr.write(`e2e: ${JSON.stringify(report, null, 2)}\n`);
  }
});

const FOLLOW_UP = "pipeline-guard:follow-up";
const BYPASS = "pipeline-guard:bypass";
const DRIFT = "pipeline-guard:drift";
const BOT = "pipeline-guard[bot]";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `reached` holds and the fake has had no request for a while (bounded): the state a
 * person would find once the app is done, however long its retries took.
 */
async function settle(env: Environment, reached: () => boolean, params = { timeoutMs: 40_000, quietMs: 1500 }): Promise<void> {
  const deadline = Date.now() + params.timeoutMs;
  let seen = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (env.fake.requests.length !== seen) {
      seen = env.fake.requests.length;
      quietSince = Date.now();
    }
    if (reached() && Date.now() - quietSince >= params.quietMs) return;
    await sleep(100);
  }
}

/** 200: the handlers are done. 202: Probot's 9 s ran out and they go on (a loaded machine). 500 would be a handler that threw. */
const ACCEPTED = [200, 202];

/** Every delivery accepted; any answered 202 is waited for, until the fake has been quiet longer than the server's throttle spaces writes. */
async function handled(env: Environment, results: readonly DeliveryResult[]): Promise<void> {
  for (const result of results) expect(ACCEPTED).toContain(result.status);
  if (results.some((r) => r.status === 202)) await settle(env, () => true, { timeoutMs: 40_000, quietMs: 3_500 });
}

function routes(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => r.route);
}

/** What scenario 1 leaves, checked on the final state (used again through 502s in scenario 7). */
function expectEmergencyFollowedUp(state: RepositoryState, play: { pull: { headSha: string }; mergeSha: string }): void {
  const pr = state.issues.find((i) => i.kind === "pull request")!;
  expect(pr).toMatchObject({ number: 1, title: EMERGENCY_TITLE, state: "closed", labels: ["emergency-deploy"] });

  // The override's verdict on the PR's head (at `opened`), then on the merge commit (at the
  // merge); the deployment gate judges the PR's verdict (scenario 8).
  const guard = state.checkRuns.filter((r) => r.name === "Pipeline Guard");
  const allowed = { app: "pipeline-guard", status: "completed", conclusion: "success", title: "Override allowed: emergency-deploy" };
  expect(guard).toEqual([
    expect.objectContaining({ ...allowed, sha: play.pull.headSha.slice(0, 7) }),
    expect.objectContaining({ ...allowed, sha: play.mergeSha.slice(0, 7) }),
  ]);
  expect(guard[0]!.summary).toContain("emergency-deploy");
  expect(guard[1]!.summary).toBe(guard[0]!.summary);

  const followUps = issuesLabelled(state, FOLLOW_UP);
  expect(followUps).toHaveLength(1);
  const followUp = followUps[0]!;
  expect(followUp).toMatchObject({
    number: 2,
    title: `Follow-up: emergency-deploy in #1 ${EMERGENCY_TITLE}`,
    state: "open",
    author: BOT,
    labels: ["emergency-deploy", FOLLOW_UP],
    assignees: ["alice", "bob"],
  });
  expect(followUp.body).toContain("<!-- pipeline-guard:follow-up pr=1 -->");
  expect(followUp.body).toContain("merged by @bob");
  expect(followUp.body).toContain("INC-4711");
  expect(followUp.body).toMatch(/- \[ \] .*postmortem/i);
  expect(followUp.body).toMatch(/- \[ \] .*review/i);

  // One comment on the PR, by the app, linking the follow-up.
  expect(pr.comments).toHaveLength(1);
  expect(pr.comments[0]!.author).toBe(BOT);
  expect(pr.comments[0]!.body).toContain("**Follow-up issue:** #2");
  expect(pr.comments[0]!.body).toContain("Override allowed: emergency-deploy");

  // CI and Pipeline Guard were green on the head: no bypass.
  expect(issuesLabelled(state, BYPASS)).toEqual([]);
  expect(state.labels).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: FOLLOW_UP, color: "fbca04" }),
      expect.objectContaining({ name: "emergency-deploy", description: expect.stringContaining("Pipeline Guard") }),
    ]),
  );
}

function expectDirectPushReported(state: RepositoryState, sha: string): void {
  const bypasses = issuesLabelled(state, BYPASS);
  expect(bypasses).toHaveLength(1);
  expect(bypasses[0]).toMatchObject({ title: `Bypass: direct push on main (${sha.slice(0, 7)})`, state: "open", author: BOT, labels: [BYPASS] });
  expect(bypasses[0]!.body).toContain("**Who:** @dana");
  expect(bypasses[0]!.body).toContain(`${sha.slice(0, 7)} Raise the payout batch timeout to 30 s`);
  expect(bypasses[0]!.body).toContain(`<!-- pipeline-guard:bypass sha=${sha} -->`);
  expect(issuesLabelled(state, FOLLOW_UP)).toEqual([]);
  expect(state.checkRuns).toEqual([]);
}

describe("Pipeline Guard end to end: lib/main.js and lib/cli/main.js against a fake GitHub", () => {
  // Listed first because it is the slowest: concurrent tests start in file order, five at a time.
  test.concurrent(
    "7. the fake answers 502 to a tenth of the requests: scenarios 1 and 3 still end in the same state",
    async () => {
      // A tenth: each 502 costs the server a retry after 1 s, and after the first retry of an
      // event 4 s (plugin-retry's count leaks across an Octokit's requests). The seeds are chosen
      // so that writes are among the failures: the check run and the comment update in
      // scenario 1, the bypass issue's creation in scenario 3.
      const [emergency, push] = await Promise.all([
        environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake), chaos: { rate: 0.1, seed: 20261127 } }),
        environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake), chaos: { rate: 0.1, seed: 16 } }),
      ]);
      try {
        const [merged, pushed] = await Promise.all([playEmergencyMerge(emergency), playDirectPush(push)]);
        // Retries make a delivery slower than Probot's 9 s, which it then answers 202 and finishes in the background.
        for (const result of [merged.opened, ...merged.closed, pushed.delivery]) expect(ACCEPTED).toContain(result.status);
        const [cleanEmergencyState, cleanPushState] = await Promise.all([cleanEmergency.promise, cleanDirectPush.promise]);
        await settle(emergency, () => isDeepStrictEqual(repositoryState(emergency.fake, PAYMENTS), cleanEmergencyState));
        await settle(push, () => isDeepStrictEqual(repositoryState(push.fake, PAYMENTS), cleanPushState));

        const emergencyState = repositoryState(emergency.fake, PAYMENTS);
        const pushState = repositoryState(push.fake, PAYMENTS);
        expectEmergencyFollowedUp(emergencyState, merged);
        expectDirectPushReported(pushState, pushed.sha);
        expect(emergencyState).toEqual(cleanEmergencyState);
        expect(pushState).toEqual(cleanPushState);
        for (const env of [emergency, push]) expect(env.fake.requests.filter((r) => r.injected).length).toBeGreaterThan(0);
      } finally {
        await finish("7a. emergency PR merged, through 502s", emergency);
        await finish("7b. direct push, through 502s", push);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "1. an emergency PR with a justification, merged: labels, a successful check on the head and on the merge commit, one follow-up, a PR comment linking it",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake) });
      try {
        const play = await playEmergencyMerge(env);
        await handled(env, [play.opened, ...play.closed]);
        const state = repositoryState(env.fake, PAYMENTS);
        expectEmergencyFollowedUp(state, play);
        cleanEmergency.resolve(state);
        // The app authenticated as itself and read its configuration the way Probot does.
        expect(routes(env.fake.requests)).toEqual(
          expect.arrayContaining(["POST /app/installations/{installation_id}/access_tokens", "GET /repos/{owner}/{repo}/contents/{path}", "POST /graphql"]),
        );
        expect(env.fake.unhandled()).toEqual([]);
        expect(env.fake.requests.filter((r) => r.status >= 500)).toEqual([]);
      } catch (error) {
        cleanEmergency.reject(error);
        throw error;
      } finally {
        await finish("1. emergency PR merged", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "2. the same `closed` delivery three times, two of them at once: still one follow-up",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake) });
      try {
        const play = await playEmergencyMerge(env, { closedDeliveries: 3 });
        await handled(env, play.closed);
        expect(play.closed).toHaveLength(3);
        expect(new Set(play.closed.map((c) => c.delivery.id)).size).toBe(1);
        const state = repositoryState(env.fake, PAYMENTS);
        expect(issuesLabelled(state, FOLLOW_UP)).toHaveLength(1);
        expect(env.fake.requests.filter((r) => r.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(1);
        const pr = state.issues.find((i) => i.kind === "pull request")!;
        expect(pr.comments).toHaveLength(1);
        expect(pr.comments[0]!.body).toContain("**Follow-up issue:** #2");
        // One check on the head (at `opened`); the merge commit's is created by each delivery, the same each time.
        const guard = state.checkRuns.filter((r) => r.name === "Pipeline Guard");
        expect(guard.map((r) => [r.sha, r.conclusion])).toEqual([
          [play.pull.headSha.slice(0, 7), "success"],
          ...Array.from({ length: 3 }, () => [play.mergeSha.slice(0, 7), "success"]),
        ]);
        expect(env.fake.unhandled()).toEqual([]);
      } finally {
        await finish("2. closed delivered three times", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "3. a direct push to main without a marker: one bypass issue",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake) });
      try {
        const play = await playDirectPush(env);
        await handled(env, [play.delivery]);
        const state = repositoryState(env.fake, PAYMENTS);
        expectDirectPushReported(state, play.sha);
        cleanDirectPush.resolve(state);
        // The push was checked for a merged PR before it was called a bypass.
        expect(routes(env.fake.requests)).toContain("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls");
        expect(env.fake.unhandled()).toEqual([]);
      } catch (error) {
        cleanDirectPush.reject(error);
        throw error;
      } finally {
        await finish("3. direct push", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "4. a fork PR with [skip-tests]: a failing check that says why, and no follow-up",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake, { withConfig: false }) });
      try {
        const play = await playForkSkipTests(env);
        await handled(env, [play.delivery]);
        const state = repositoryState(env.fake, PAYMENTS);
        const checks = state.checkRuns.filter((r) => r.name === "Pipeline Guard");
        expect(checks).toEqual([expect.objectContaining({ sha: play.pull.headSha.slice(0, 7), conclusion: "failure", title: "Override not allowed: skip-tests (1 requirement unmet)" })]);
        expect(checks[0]!.summary).toContain("markers in a pull request from a fork are never honored");
        const pr = state.issues.find((i) => i.kind === "pull request")!;
        expect(pr).toMatchObject({ title: FORK_TITLE, labels: ["skip-tests"] });
        expect(pr.comments).toHaveLength(1);
        expect(pr.comments[0]!.body).toContain("markers in a pull request from a fork are never honored");
        expect(issuesLabelled(state, FOLLOW_UP)).toEqual([]);
        // No configuration file: Probot looked in the org's `.github` repository too, and the defaults applied.
        expect(env.fake.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/contents/{path}").map((r) => r.path)).toEqual([
          "/repos/acme/payments/contents/.github%2Fpipeline-guard.yml",
          "/repos/acme/.github/contents/.github%2Fpipeline-guard.yml",
        ]);
        // A fork's author is never asked about: the marker is refused whoever wrote it.
        expect(routes(env.fake.requests)).not.toContain("GET /repos/{owner}/{repo}/collaborators/{username}/permission");
        expect(env.fake.unhandled()).toEqual([]);
      } finally {
        await finish("4. fork PR with [skip-tests]", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "5. webhooks with a wrong signature, and with none: rejected with 4xx, nothing read or written",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake) });
      try {
        const { fake } = env;
        const server = env.server!;
        const repo = fake.repository(PAYMENTS);
        const pull = fake.state.openPullRequest(repo, { title: "[skip-tests] Forged", body: "## Justification\nTrust me.", author: "alice", headRef: "forged", commits: ["Forged"] });
        const payload = fake.shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "alice" });

        const wrongSecret = await server.deliverSigned("pull_request", payload, signatureOf(JSON.stringify(payload), "not-the-secret"));
        const unsigned = await server.deliverSigned("pull_request", payload, null);
        const garbled = await server.deliverSigned("pull_request", payload, "sha256=00");
        for (const result of [wrongSecret, unsigned, garbled]) {
          expect(result.status).toBeGreaterThanOrEqual(400);
          expect(result.status).toBeLessThan(500);
        }
        expect(fake.requests).toEqual([]);

        // The same payload, signed with the secret, is handled: the refusals were the signatures'.
        const signed = await server.deliver("pull_request", payload);
        await handled(env, [signed]);
        expect(repositoryState(fake, PAYMENTS).checkRuns).toEqual([expect.objectContaining({ name: "Pipeline Guard", conclusion: "success" })]);
      } finally {
        await finish("5. bad signatures (then one good)", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "6. `pipeline-guard scan`: one drift report for protection and Terraform drift; nothing written again; closed once fixed",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedInfra(fake), server: false });
      try {
        const { fake } = env;
        const first = await runScan(env);
        expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: expect.stringContaining("1 repositories scanned, 0 failed") });
        expect(first.stdout).toContain(`${INFRA}: 2 open, 0 accepted, 2 new; report created`);
        let state = repositoryState(fake, INFRA);
        const reports = issuesLabelled(state, DRIFT);
        expect(reports).toHaveLength(1);
        expect(reports[0]).toMatchObject({ title: "Configuration drift report", state: "open", author: BOT });
        expect(reports[0]!.body).toContain("protection:main:enforce_admins");
        expect(reports[0]!.body).toContain("enforce_admins is false, expected true");
        expect(reports[0]!.body).toContain("terraform:aws_security_group.app");
        // The deployment of main's head, and the plan's run on it, are on main without a compare call:
        // the head is read with the history (issue #12). Neither is drift.
        expect(reports[0]!.body).not.toContain("deployment:");
        const firstRoutes = routes(fake.requests.slice(first.from, first.to));
        expect(firstRoutes).toEqual(
          expect.arrayContaining(["GET /app/installations", "GET /installation/repositories", "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", "GET /_blobs/{owner}/{repo}/artifacts/{artifact_id}.zip"]),
        );
        expect(firstRoutes).not.toContain("GET /repos/{owner}/{repo}/compare/{basehead}");

        const second = await runScan(env);
        expect(second.code).toBe(0);
        expect(second.stdout).toContain(`${INFRA}: 2 open, 0 accepted, 0 new; report unchanged`);
        // Reads only: besides GETs, the token exchange and the batched full read's two GraphQL queries
        // (the configuration, then the branches' facts: reads sent as POSTs, issue #12).
        const secondRequests = fake.requests.slice(second.from, second.to);
        expect(secondRequests.filter((r) => r.method !== "GET").map((r) => r.route)).toEqual(["POST /app/installations/{installation_id}/access_tokens", "POST /graphql", "POST /graphql"]);
        expect(secondRequests.filter(isWrite)).toEqual([]);
        expect(repositoryState(fake, INFRA)).toEqual(state);

        fixInfraDrift(fake);
        const third = await runScan(env);
        expect(third.code).toBe(0);
        expect(third.stdout).toContain(`${INFRA}: 0 open, 0 accepted, 0 new; report closed`);
        state = repositoryState(fake, INFRA);
        const closed = issuesLabelled(state, DRIFT);
        expect(closed).toHaveLength(1);
        expect(closed[0]).toMatchObject({ number: reports[0]!.number, state: "closed", stateReason: "completed" });
        expect(closed[0]!.comments.map((c) => c.body)).toEqual([expect.stringContaining("No drift is left")]);
        expect(fake.unhandled()).toEqual([]);
      } finally {
        await finish("6. drift scan (3 runs)", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  test.concurrent(
    "8. the deployment gate judges provenance: the merged emergency fix is approved by its PR's verdict; a direct push (a bypass) is rejected, a workflow's 'Pipeline Guard' run notwithstanding; at most 5 calls each",
    async () => {
      const env = await environment({ epoch: EPOCH, seed: (fake) => seedPayments(fake) });
      try {
        const { fake } = env;
        const merged = await playEmergencyMerge(env);
        await handled(env, [merged.opened, ...merged.closed]);
        const approved = await requestDeployment(env, { sha: merged.mergeSha, runId: 9001 });
        await handled(env, [approved.delivery]);

        const pushed = await playDirectPush(env);
        await handled(env, [pushed.delivery]);
        // A workflow job named "Pipeline Guard" passes on the pushed commit: anyone's word, not the app's.
        fake.state.addCheckRun(pushed.repo, { sha: pushed.sha, name: "Pipeline Guard", conclusion: "success" });
        const rejected = await requestDeployment(env, { sha: pushed.sha, runId: 9002 });
        await handled(env, [rejected.delivery]);

        expect(pushed.repo.gateReviews).toEqual([
          {
            runId: 9001,
            environment: "production",
            state: "approved",
            comment: expect.stringContaining(
              `Approved: ${merged.mergeSha.slice(0, 7)} reached the production branch main through pull request #1, whose Pipeline Guard verdict passes: Override allowed: emergency-deploy (its Pipeline Guard check on the PR's head ${merged.pull.headSha.slice(0, 7)}).`,
            ),
          },
          {
            runId: 9002,
            environment: "production",
            state: "rejected",
            comment: expect.stringContaining(`Rejected by Pipeline Guard: ${pushed.sha.slice(0, 7)} was pushed directly to the production branch main without a pull request or an override marker (a bypass)`),
          },
        ]);
        // Each answer within the budget: config, the provenance query, the answer (and the app's login, once per process).
        const gateCalls = (from: number, to: number) => routes(fake.requests.slice(from, to)).filter((r) => !r.endsWith("/access_tokens") && r !== "GET /app");
        const pushStart = fake.requests.findIndex((r, i) => i > approved.from && r.route === "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls");
        expect(gateCalls(approved.from, pushStart)).toEqual([
          "GET /repos/{owner}/{repo}/contents/{path}",
          "POST /graphql",
          "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
        ]);
        expect(gateCalls(rejected.from, fake.requests.length)).toEqual([
          "GET /repos/{owner}/{repo}/contents/{path}",
          "POST /graphql",
          "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
        ]);
        expect(fake.unhandled()).toEqual([]);
      } finally {
        await finish("8. deployment gate", env);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

});
