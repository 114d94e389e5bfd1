import type { Probot } from "probot";
import { PAUSE_BETWEEN_REPOSITORIES_MS } from "./drift/drift-schedule.js";
import { appLoginResolver } from "./github/app-identity.js";
import { handleCheckRunRerequested, handleMergeGroup } from "./handlers/check-run.js";
import { handleDeploymentProtectionRule } from "./handlers/deployment-protection-rule.js";
import { handleProtectionChanged, handleRepositoriesAdded } from "./handlers/drift-events.js";
import { handleIssueClosed, handleIssueEdited, handleIssueUnlabeled } from "./handlers/issues.js";
import { handleIssueComment } from "./handlers/issue-comment.js";
import { handlePullRequest } from "./handlers/pull-request.js";
import { handlePullRequestReview } from "./handlers/pull-request-review.js";
import { handlePush } from "./handlers/push.js";
import { markRepositoryChanged } from "./handlers/scan-marks.js";
import { processScanMemory, type ScanMemory } from "./infrastructure/scan-memory.js";
import { handleWorkflowRun } from "./handlers/workflow-run.js";

export interface PipelineGuardOptions {
  /** Pause between repositories of a multi-repository scan (tests set 0). */
  pauseMs?: number;
  /** What the scheduled scan remembers; the webhooks below mark repositories changed in it. */
  scanMemory?: ScanMemory;
}

/** Wires events to handlers; the handlers and the core do the thinking. */
export function createPipelineGuard(options: PipelineGuardOptions = {}) {
  const pauseMs = options.pauseMs ?? PAUSE_BETWEEN_REPOSITORIES_MS;
  const memory = options.scanMemory ?? processScanMemory;
  return function pipelineGuard(app: Probot): void {
    const appLogin = appLoginResolver(app);
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
      (context) => handlePullRequest(context, appLogin),
    );
    app.on(["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], (context) =>
      handlePullRequestReview(context, appLogin),
    );
    app.on("push", (context) => handlePush(context, appLogin));
    app.on(["push", "branch_protection_rule", "repository_ruleset", "workflow_run", "issues"], async (context) => {
      await markRepositoryChanged(context, { memory });
    });
    app.on("workflow_run.completed", (context) => handleWorkflowRun(context, appLogin));
    app.on("check_run.rerequested", (context) => handleCheckRunRerequested(context, appLogin));
    app.on("merge_group.checks_requested", (context) => handleMergeGroup(context, appLogin));
    app.on("issues.closed", (context) => handleIssueClosed(context, appLogin));
    app.on("issues.edited", (context) => handleIssueEdited(context, appLogin));
    app.on("issues.unlabeled", (context) => handleIssueUnlabeled(context, appLogin));
    app.on(["installation.created", "installation_repositories.added"], async (context) => {
      await handleRepositoriesAdded(app, context, { appLogin, pauseMs });
    });
    app.on(["branch_protection_rule", "repository_ruleset"], async (context) => {
      await handleProtectionChanged(app, context, { appLogin });
    });
    app.on("deployment_protection_rule.requested", (context) => handleDeploymentProtectionRule(context, appLogin));
    app.on("issue_comment.created", (context) => handleIssueComment(app, context, appLogin));
  };
}

export default createPipelineGuard();
