/**
 * The end-to-end scenarios, shared by the tests (test/e2e/*.test.ts) and the demo
 * (scripts/demo.ts): an environment (the fake GitHub, the real server) and, for each scenario,
 * what is on GitHub before (the seed) and what happens (the play). The tests assert on the
 * fake's state afterwards; the demo prints it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAppIdentity, REPO_ROOT, runCommand, startAppServer, type AppIdentity, type AppServer, type ProcessResult } from "./app-process.js";
import { FakeGitHub } from "./fake-github.js";
import type { FakePull, FakeRepository } from "./fake-state.js";
import { createDelivery, type DeliveryResult } from "./webhook-delivery.js";

export const OWNER = "acme";
export const PAYMENTS = `${OWNER}/payments`;
export const INFRA = `${OWNER}/infra`;

export interface Environment {
  identity: AppIdentity;
  fake: FakeGitHub;
  /** Null for an environment of the command only (the drift scan). */
  server: AppServer | null;
  stop(): Promise<void>;
}

/**
 * A fake GitHub, seeded by `seed`, and (unless `server: false`) the real server pointed at it.
 * `epoch`: the instant seeded objects are dated from; two environments with the same epoch
 * end in the same state for the same play.
 */
export async function startEnvironment(params: { epoch: Date; seed: (fake: FakeGitHub) => void; server?: boolean; chaos?: { rate: number; seed: number } }): Promise<Environment> {
  const identity = createAppIdentity({ owner: OWNER });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: params.epoch });
  let server: AppServer | null = null;
  try {
    params.seed(fake);
    if (params.chaos) fake.setChaos(params.chaos);
    if (params.server !== false) server = await startAppServer({ identity, fake });
  } catch (error) {
    await fake.stop();
    throw error;
  }
  return {
    identity,
    fake,
    server,
    async stop() {
      await server?.stop();
      await fake.stop();
    },
  };
}

function serverOf(env: Environment): AppServer {
  if (!env.server) throw new Error("this environment has no server");
  return env.server;
}

/** A failed delivery (a handler that threw answers 500) fails the play, with the server's log. */
function expectAccepted(result: DeliveryResult, env: Environment): DeliveryResult {
  if (result.status !== 200 && result.status !== 202) {
    throw new Error(`delivery ${result.delivery.name} ${result.delivery.id} answered ${result.status} ${result.text}\n${serverOf(env).logs.slice(-30).join("\n")}`);
  }
  return result;
}

/**
 * Pipeline Guard installed on acme two days ago, for the repositories seeded (after their last
 * commit: the drift scan's look-back for missed webhooks starts at the installation).
 */
function installApp(fake: FakeGitHub, repo: FakeRepository): void {
  fake.state.install({ account: OWNER, repositories: [repo.fullName], createdAt: fake.state.at(-48) });
}

const PAYMENTS_CONFIG = `# Pipeline Guard: production is main; emergencies get a follow-up within two days.
production:
  branches: [main]
follow_up:
  due_hours: 48
  assignees: [author, merger]
`;

/**
 * acme/payments: main protected (CI and Pipeline Guard required, one review), alice and carol
 * may write, bob maintains, dana is an admin (who may push past protection: enforce_admins is
 * off). `withConfig: false`: no `.github/pipeline-guard.yml`, so the defaults apply (after
 * Probot looks for the org's `.github` repository, which acme lacks).
 */
export function seedPayments(fake: FakeGitHub, params: { withConfig?: boolean } = {}): FakeRepository {
  const { state } = fake;
  const repo = state.createRepository({
    owner: OWNER,
    name: "payments",
    files: params.withConfig === false ? {} : { ".github/pipeline-guard.yml": PAYMENTS_CONFIG },
    collaborators: { alice: "write", bob: "maintain", carol: "write", dana: "admin" },
  });
  state.setProtection(repo, "main", { contexts: ["ci", "Pipeline Guard"], enforceAdmins: false, approvingReviews: 1 });
  installApp(fake, repo);
  return repo;
}

export const EMERGENCY_TITLE = "[emergency-deploy] Round payouts half-even";
const EMERGENCY_BODY = `Payouts to 1,200 merchants have been off by a cent since the 09:00 release.

## Justification
INC-4711: merchants are being underpaid right now; the fix is one line and was paired on with @bob.

<!-- PR template: markers go in the title, e.g. [skip-tests] -->`;

export interface EmergencyMerge {
  repo: FakeRepository;
  pull: FakePull;
  mergeSha: string;
  opened: DeliveryResult;
  closed: DeliveryResult[];
}

/**
 * Scenario 1 (and 2): alice opens an `[emergency-deploy]` PR with a justification, CI passes,
 * bob merges it. GitHub sends `pull_request.opened`, then `pull_request.closed` (merged).
 * `closedDeliveries: 3`: the same `closed` delivery is sent three times, the first two at once
 * (a redelivery racing the original), the third after them.
 */
export async function playEmergencyMerge(env: Environment, params: { closedDeliveries?: 1 | 3 } = {}): Promise<EmergencyMerge> {
  const { state, shapes } = env.fake;
  const server = serverOf(env);
  const repo = env.fake.repository(PAYMENTS);
  const pull = state.openPullRequest(repo, { title: EMERGENCY_TITLE, body: EMERGENCY_BODY, author: "alice", headRef: "hotfix/payout-rounding", commits: ["Round payouts half-even"] });
  state.addCheckRun(repo, { sha: pull.headSha, name: "ci", conclusion: "success" });
  const opened = expectAccepted(await server.deliver("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "alice" })), env);

  const merge = state.mergePullRequest(repo, pull.number, { by: "bob" });
  const delivery = createDelivery("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "closed", sender: "bob" }));
  const closed: DeliveryResult[] = [];
  if (params.closedDeliveries === 3) {
    closed.push(...(await Promise.all([server.send(delivery), server.send(delivery)])));
    closed.push(await server.send(delivery));
  } else {
    closed.push(await server.send(delivery));
  }
  for (const result of closed) expectAccepted(result, env);
  return { repo, pull, mergeSha: merge.sha, opened, closed };
}

export interface DirectPush {
  repo: FakeRepository;
  sha: string;
  delivery: DeliveryResult;
}

/** Scenario 3: dana (an admin) pushes a commit straight to main, without a marker. */
export async function playDirectPush(env: Environment): Promise<DirectPush> {
  const { state, shapes } = env.fake;
  const repo = env.fake.repository(PAYMENTS);
  const push = state.pushCommits(repo, { branch: "main", commits: [{ message: "Raise the payout batch timeout to 30 s\n\nThe batch timed out twice tonight.", author: "dana" }] });
  const payload = shapes.pushEvent(repo, { branch: "main", before: push.before, after: push.after, commits: push.commits, pusher: "dana" });
  const delivery = expectAccepted(await serverOf(env).deliver("push", payload), env);
  return { repo, sha: push.after, delivery };
}

export const FORK_TITLE = "[skip-tests] Cache node_modules in CI";

/** Scenario 4: mallory, from a fork, opens a `[skip-tests]` PR, with a justification even. */
export async function playForkSkipTests(env: Environment): Promise<{ repo: FakeRepository; pull: FakePull; delivery: DeliveryResult }> {
  const { state, shapes } = env.fake;
  const repo = env.fake.repository(PAYMENTS);
  const pull = state.openPullRequest(repo, {
    title: FORK_TITLE,
    body: "## Justification\nThe suite takes 40 minutes and this only touches CI.",
    author: "mallory",
    headRef: "faster-ci",
    commits: ["Cache node_modules between CI runs"],
    fork: "mallory",
  });
  const delivery = expectAccepted(await serverOf(env).deliver("pull_request", shapes.pullRequestEvent(repo, pull.number, { action: "opened", sender: "mallory" })), env);
  return { repo, pull, delivery };
}

const INFRA_CONFIG = `# Declared protection of main, and the nightly Terraform plan to read.
drift:
  protection:
    enforce_admins: true
    required_approving_review_count: 1
  terraform:
    workflow: drift.yml
`;

export function terraformFixture(name: string): string {
  return readFileSync(join(REPO_ROOT, "test", "fixtures", "terraform", name), "utf8");
}

/**
 * acme/infra: `drift.protection` declares enforce_admins and one review, but someone turned
 * enforce_admins off in the settings; the newest run of drift.yml uploaded a plan in which a
 * security group was changed by hand (test/fixtures/terraform/plan.drift.json); mallory's PR from
 * a fork, on a head branch she named main, ran drift.yml after it and uploaded a plan without
 * changes, which must not count (SPEC section 10 rule 8). The latest
 * production deployment is of main's head, by deploy-bot. The repository's last commit is
 * older than the installation, so the scan has no history to check for missed webhooks.
 */
export function seedInfra(fake: FakeGitHub): FakeRepository {
  const { state } = fake;
  const repo = state.createRepository({ owner: OWNER, name: "infra", files: { ".github/pipeline-guard.yml": INFRA_CONFIG }, collaborators: { dana: "admin" } });
  state.setProtection(repo, "main", { contexts: ["terraform-plan"], enforceAdmins: false, approvingReviews: 1 });
  state.addWorkflow(repo, { file: "drift.yml", name: "Terraform drift" });
  state.addWorkflowRun(repo, { file: "drift.yml", branch: "main", conclusion: "success", updatedAt: state.at(-2), artifacts: [{ name: "terraform-plan", files: { "plan.json": terraformFixture("plan.drift.json") } }] });
  state.addWorkflowRun(repo, { file: "drift.yml", branch: "main", fork: "mallory", conclusion: "success", updatedAt: state.at(-1), artifacts: [{ name: "terraform-plan", files: { "plan.json": terraformFixture("plan.no-op.json") } }] });
  state.addDeployment(repo, { sha: repo.branches.get("main")!, environment: "production", creator: "deploy-bot" });
  installApp(fake, repo);
  return repo;
}

/** The drift fixed through the pipeline: protection re-applied, and a new plan with no changes. */
export function fixInfraDrift(fake: FakeGitHub): void {
  const { state } = fake;
  const repo = fake.repository(INFRA);
  state.setProtection(repo, "main", { contexts: ["terraform-plan"], enforceAdmins: true, approvingReviews: 1 });
  state.addWorkflowRun(repo, { file: "drift.yml", branch: "main", conclusion: "success", updatedAt: state.at(-1), artifacts: [{ name: "terraform-plan", files: { "plan.json": terraformFixture("plan.no-op.json") } }] });
}

export interface ScanRun extends ProcessResult {
  /** Index of the first request of this run in `fake.requests`, and one past its last. */
  from: number;
  to: number;
}

/** Scenario 6's step: `pipeline-guard scan --repo acme/infra`, as a CronJob would run it. */
export async function runScan(env: Environment): Promise<ScanRun> {
  const from = env.fake.requests.length;
  const result = await runCommand({ identity: env.identity, fake: env.fake, args: ["scan", "--repo", INFRA] });
  return { ...result, from, to: env.fake.requests.length };
}

/**
 * Scenario 8's step: a workflow run waits to deploy `sha` to production, and GitHub asks the app
 * (`deployment_protection_rule.requested`). Returns the delivery and the index of its first
 * request in `fake.requests`, to count the gate's calls.
 */
export async function requestDeployment(env: Environment, params: { sha: string; runId: number }): Promise<{ delivery: DeliveryResult; from: number }> {
  const repo = env.fake.repository(PAYMENTS);
  const from = env.fake.requests.length;
  const payload = env.fake.shapes.deploymentProtectionRuleEvent(repo, { environment: "production", sha: params.sha, ref: "main", runId: params.runId, creator: "deploy-bot" });
  const delivery = expectAccepted(await serverOf(env).deliver("deployment_protection_rule", payload), env);
  return { delivery, from };
}
