import type { Context } from "probot";
import { CHECK_NAME } from "../github/check-runs.js";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor } from "../github/gateway.js";
import { judgeMergeGroup } from "../overrides/pull-request-verdict.js";
import { rerunCheck } from "../overrides/rerun-check.js";
import { sharedCachedConfig } from "../config/config-cache.js";
import { readConfig } from "../config/read-config.js";
import { IMMUTABLE_CHECK_NAME } from "../immutable/immutable-outcome.js";
import { rerunImmutableCheck } from "../immutable/rerun-immutable-check.js";

/** `check_run.rerequested` on our check: the Re-run button (SPEC section 10.4). */
export async function handleCheckRunRerequested(context: Context<"check_run.rerequested">, appLogin: AppLogin): Promise<void> {
  const { check_run: checkRun, repository } = context.payload;
  if (checkRun.name === IMMUTABLE_CHECK_NAME) return rerunImmutable(context, appLogin);
  if (checkRun.name !== CHECK_NAME) return;
  await rerunCheck(gatewayFor(context, appLogin), context, {
    headSha: checkRun.head_sha,
    // GitHub lists open PRs whose head branch matches too: only one whose head is this commit is its PR.
    prNumber: checkRun.pull_requests.find((p) => p.head.sha === checkRun.head_sha)?.number,
    defaultBranch: repository.default_branch,
    headBranch: checkRun.check_suite?.head_branch ?? null,
  });
}

/**
 * Re-run on `Pipeline Guard: immutable infrastructure` (issue #13): judged again from the newest
 * plan run of the head. Only the app's own check run (another app or a workflow can name a check
 * run so, and its Re-run is theirs); the app's id costs one call per process. Immutable checks
 * off: the check is left as it is.
 */
async function rerunImmutable(context: Context<"check_run.rerequested">, appLogin: AppLogin): Promise<void> {
  const { check_run: checkRun } = context.payload;
  const appId = await appLogin.appId?.();
  if (appId === undefined || checkRun.app?.id !== appId) {
    context.log.info({ app: checkRun.app?.id, sha: checkRun.head_sha }, "Re-run of an immutable check the app did not make (or its id is unknown): ignored");
    return;
  }
  const { owner, repo } = context.repo();
  const loaded = (await sharedCachedConfig(owner, repo)) ?? (await readConfig(context));
  if (!loaded.config.immutable.enabled || loaded.config.immutable.plan_workflow === "") {
    context.log.info({ sha: checkRun.head_sha }, "Re-run of the immutable check while immutable checks are off: kept as it is");
    return;
  }
  // The suite's branch; else the branch of a PR GitHub lists with this commit as its head.
  const listed = checkRun.pull_requests.find((p) => p.head.sha === checkRun.head_sha)?.head.ref;
  const headBranch = checkRun.check_suite?.head_branch ?? listed ?? null;
  await rerunImmutableCheck(gatewayFor(context, appLogin), { headSha: checkRun.head_sha, headBranch, config: loaded.config });
}

/** GitHub names a merge group's branch `gh-readonly-queue/<base>/pr-<number>-<sha>`. */
const MERGE_QUEUE_REF = /\/pr-(\d+)-[0-9a-f]+$/;

/** `merge_group.checks_requested`: a required `Pipeline Guard` must report on the group's head too. */
export async function handleMergeGroup(context: Context<"merge_group.checks_requested">, appLogin: AppLogin): Promise<void> {
  const { merge_group: group, repository } = context.payload;
  const match = MERGE_QUEUE_REF.exec(group.head_ref);
  await judgeMergeGroup(gatewayFor(context, appLogin), context, {
    headSha: group.head_sha,
    headRef: group.head_ref,
    prNumber: match ? Number(match[1]) : null,
    defaultBranch: repository?.default_branch ?? group.base_ref.replace(/^refs\/heads\//, ""),
  });
}
