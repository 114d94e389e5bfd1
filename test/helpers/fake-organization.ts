/**
 * An organization on the fake GitHub in this process (test/e2e/fake-github.ts, which charges
 * points as GitHub does), installed for one app, and that app: what the scan's change-detection
 * and queue tests start from. Repositories `service-0`… each hold `config` and a protected `main`.
 */
import type { Job } from "bullmq";
import type { Probot } from "probot";
import { createAppFromEnv } from "../../src/cli/app-credentials.js";
import { SCHEDULE_JOB, type FiringOutcome, type ScanQueue } from "../../src/drift/scan-queue.js";
import { PipelineGuardOctokit } from "../../src/github/octokit.js";
import { createAppIdentity } from "../e2e/app-process.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import type { FakeRepository } from "../e2e/fake-state.js";

export const ORGANIZATION = "acme";

export interface FakeOrganization {
  fake: FakeGitHub;
  app: Probot;
  repos: FakeRepository[];
}

export async function startFakeOrganization(params: {
  size: number;
  config: string;
  /** These repositories require no review: drift against `required_approving_review_count: 1`. */
  drifted: (index: number) => boolean;
  /** A production deployment of `main`'s head in each repository, as the bench's organization has. */
  deployments?: boolean;
  epoch?: Date;
}): Promise<FakeOrganization> {
  const identity = createAppIdentity({ owner: ORGANIZATION });
  const fake = await FakeGitHub.start({ app: identity, publicKey: identity.publicKey, epoch: params.epoch ?? new Date() });
  const repos = Array.from({ length: params.size }, (_, i) => {
    const repo = fake.state.createRepository({ owner: ORGANIZATION, name: `service-${i}`, files: { ".github/pipeline-guard.yml": params.config } });
    fake.state.setProtection(repo, "main", { contexts: ["ci"], approvingReviews: params.drifted(i) ? 0 : 1 });
    if (params.deployments) fake.state.addDeployment(repo, { sha: repo.branches.get("main")!, environment: "production", creator: "deployer" });
    return repo;
  });
  fake.state.install({ account: ORGANIZATION, repositories: repos.map((r) => r.fullName), createdAt: fake.state.at(-1) });
  const app = createAppFromEnv(
    { APP_ID: String(identity.id), PRIVATE_KEY: identity.privateKey, GHE_HOST: fake.host, GHE_PROTOCOL: "http", LOG_LEVEL: "silent" },
    { Octokit: PipelineGuardOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })) },
  );
  return { fake, app, repos };
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Fires the drift schedule as BullMQ's job scheduler does (a `SCHEDULE_JOB` with id `jobId`) and
 * waits for the firing and every job it queued (and those they queued) to finish: the firing's
 * outcome, and the jobs of its slot.
 */
export async function fireAndSettle(queue: ScanQueue, jobId: string): Promise<{ firing: FiringOutcome; jobs: Job[] }> {
  const job = await queue.queue.add(SCHEDULE_JOB, {}, { jobId });
  await until(async () => (await queue.queue.getJob(job.id!))?.finishedOn !== undefined, 10_000);
  const firing = (await queue.queue.getJob(job.id!))!.returnvalue as FiringOutcome;
  await until(async () => {
    const counts = await queue.counts();
    return counts.waiting + counts.active + counts.delayed === 0;
  }, 30_000);
  const jobs = (await queue.queue.getJobs(["completed", "failed"])).filter((j) => j.id?.startsWith(`schedule-${firing.slot}-`));
  return { firing, jobs };
}
