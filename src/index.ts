import type { ApplicationFunctionOptions, Probot } from "probot";
import { PAUSE_BETWEEN_REPOSITORIES_MS } from "./drift/drift-schedule.js";
import { appLoginResolver } from "./github/app-identity.js";
import { deliveryGuard } from "./infrastructure/guard-delivery.js";
import type { Infrastructure } from "./infrastructure/infrastructure.js";
import { infrastructureFromEnvironment } from "./infrastructure/infrastructure-from-environment.js";
import type { RedisInfrastructure } from "./infrastructure/redis-infrastructure.js";
import { startScanQueueFromEnvironment, type ScanQueue } from "./drift/scan-queue.js";
import { Lifecycle, parseShutdownTimeout } from "./infrastructure/lifecycle.js";
import { createMetrics } from "./infrastructure/metrics.js";
import { instrumentAppAuth, serveReplica } from "./infrastructure/serve-replica.js";
import { handleCheckRunRerequested, handleMergeGroup } from "./handlers/check-run.js";
import { handleDeploymentProtectionRule } from "./handlers/deployment-protection-rule.js";
import { handleProtectionChanged, handleRepositoriesAdded } from "./handlers/drift-events.js";
import { handleIssueClosed, handleIssueEdited, handleIssueUnlabeled } from "./handlers/issues.js";
import { handleIssueComment } from "./handlers/issue-comment.js";
import { handlePullRequest } from "./handlers/pull-request.js";
import { handlePullRequestReview } from "./handlers/pull-request-review.js";
import { handlePush } from "./handlers/push.js";
import { markRepositoryChanged } from "./handlers/scan-marks.js";
import type { ScanMemory } from "./infrastructure/scan-memory.js";
import { handleWorkflowRun } from "./handlers/workflow-run.js";

export interface PipelineGuardOptions {
  /** Pause between repositories of a multi-repository scan (tests set 0). */
  pauseMs?: number;
  /** What the scheduled scan remembers; the webhooks below mark repositories changed in it. Default: the infrastructure's (the process's Map, or Redis for every replica). */
  scanMemory?: ScanMemory;
  /** Shared locks, delivery memory and caches; default: Redis when `REDIS_URL` is set, else this process's. */
  infrastructure?: Infrastructure;
  /** Start the BullMQ scan queue when the infrastructure is Redis (default: when `APP_ID` is set). */
  scanQueue?: boolean;
}

/** Wires events to handlers; the handlers and the core do the thinking. */
export function createPipelineGuard(options: PipelineGuardOptions = {}) {
  const pauseMs = options.pauseMs ?? PAUSE_BETWEEN_REPOSITORIES_MS;
  return function pipelineGuard(app: Probot, hosting?: Partial<ApplicationFunctionOptions>): void {
    const appLogin = appLoginResolver(app);
    const infrastructure = options.infrastructure ?? infrastructureFromEnvironment(process.env, app.log);
    const memory = options.scanMemory ?? infrastructure.scanMemory;
    const metrics = createMetrics({ scanJobCounts: async () => ((infrastructure.scans as ScanQueue | undefined)?.counts() ?? {}) as Record<string, number> });
    const lifecycle = new Lifecycle();
    const guard = deliveryGuard(infrastructure, { lifecycle, metrics });
    instrumentAppAuth(app, metrics);
    // In a server: health and metrics routes, and a graceful shutdown.
    if (hosting?.addHandler) {
      serveReplica({ app, addHandler: hosting.addHandler, lifecycle, infrastructure, metrics, timeoutMs: parseShutdownTimeout(process.env.SHUTDOWN_TIMEOUT) });
    }
    // With Redis (and credentials: without them Probot serves its setup page) scans are BullMQ jobs.
    if (infrastructure.kind === "redis" && !infrastructure.scans && (options.scanQueue ?? Boolean(process.env.APP_ID))) {
      infrastructure.scans = startScanQueueFromEnvironment({ app, infrastructure: infrastructure as RedisInfrastructure, appLogin, env: process.env, metrics, memory });
    }
    app.on(
      [
        "pull_request.opened",
        "pull_request.edited",
        "pull_request.synchronize",
        "pull_request.reopened",
        "pull_request.ready_for_review",
        "pull_request.unlabeled",
        "pull_request.closed",
      ],
      guard((context) => handlePullRequest(context, appLogin)),
    );
    app.on(
      ["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"],
      guard((context) => handlePullRequestReview(context, appLogin)),
    );
    app.on("push", guard((context) => handlePush(context, appLogin)));
    // Not guarded: marking is cheap and idempotent, and it shares its deliveries with the handlers
    // above and below, whose guard would take this one's delivery for a duplicate.
    app.on(["push", "branch_protection_rule", "repository_ruleset", "workflow_run", "issues"], async (context) => {
      await markRepositoryChanged(context, { memory });
    });
    app.on("workflow_run.completed", guard((context) => handleWorkflowRun(context, appLogin)));
    app.on("check_run.rerequested", guard((context) => handleCheckRunRerequested(context, appLogin)));
    app.on("merge_group.checks_requested", guard((context) => handleMergeGroup(context, appLogin)));
    app.on("issues.closed", guard((context) => handleIssueClosed(context, appLogin)));
    app.on("issues.edited", guard((context) => handleIssueEdited(context, appLogin)));
    app.on("issues.unlabeled", guard((context) => handleIssueUnlabeled(context, appLogin)));
    app.on(["installation.created", "installation_repositories.added"], guard((context) => handleRepositoriesAdded(app, context, { appLogin, pauseMs })));
    app.on(["branch_protection_rule", "repository_ruleset"], guard((context) => handleProtectionChanged(app, context, { appLogin })));
    app.on("deployment_protection_rule.requested", guard((context) => handleDeploymentProtectionRule(context, appLogin)));
    app.on("issue_comment.created", guard((context) => handleIssueComment(app, context, appLogin)));
  };
}

export default createPipelineGuard();
