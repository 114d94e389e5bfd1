import type { Config } from "../config/schema.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { readPlanResources } from "../drift/parse-terraform-plan.js";
import { createCheckRun, type OwnCheckRun } from "../github/check-runs.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { runPullRequests, type RunPullRequest } from "../github/run-pull-requests.js";
import { fetchRunPlan, runFact, type PlanFetch, type RawRun } from "../github/terraform-artifact.js";
import { workflowFileOf } from "../github/workflows.js";
import { IMMUTABLE_CHECK_NAME, readError, type ImmutableOutcome, type NotJudged } from "./immutable-outcome.js";
import { judgeImmutablePlan } from "./judge-immutable-plan.js";
import { renderImmutableCheck } from "./render-immutable-check.js";
import { writeDeferrableCheck } from "./write-deferrable-check.js";
import { isDeferrable } from "./immutable-memory.js";
import { withImmutableCheckLock } from "./immutable-check-lock.js";

/** What the immutable check needs of a `workflow_run.completed` payload's run. */
export type PlanRun = RawRun & {
  path: string;
  repository?: { id: number; full_name: string } | null;
  head_repository?: { id: number; full_name: string } | null;
  /** Reusable workflows the run called: `owner/repo/.github/workflows/x.yml@ref`. */
  referenced_workflows?: Array<{ path: string }> | null;
};

/** `.github/workflows/plan.yml@refs/heads/x` → `.github/workflows/plan.yml`. */
function withoutRef(path: string): string {
  const at = path.indexOf("@");
  return at === -1 ? path : path.slice(0, at);
}

/** Whether the run is one of `immutable.plan_workflow` triggered by a pull request: no call. */
export function isPlanRun(run: Pick<PlanRun, "path" | "event">, immutable: Pick<Config["immutable"], "enabled" | "plan_workflow">): boolean {
  return immutable.enabled && immutable.plan_workflow !== "" && run.event === "pull_request" && workflowFileOf(withoutRef(run.path)) === workflowFileOf(immutable.plan_workflow);
}

/** The workflow files in this repository that made the run: its own, and the reusable workflows it called from here. */
function runWorkflowFiles(run: PlanRun, repository: string): string[] {
  const prefix = `${repository.toLowerCase()}/`;
  const called = (run.referenced_workflows ?? []).flatMap(({ path }) => (path.toLowerCase().startsWith(prefix) ? [withoutRef(path.slice(prefix.length))] : []));
  return [withoutRef(run.path), ...called];
}

function fetchOutcome(fetch: PlanFetch, immutable: Config["immutable"]): ImmutableOutcome {
  const notJudged = (why: NotJudged): ImmutableOutcome => ({ kind: "not-judged", why });
  switch (fetch.kind) {
    case "run-failed":
      return notJudged({ kind: "run-failed", conclusion: fetch.run.conclusion ?? "without a conclusion" });
    case "no-artifact":
      return notJudged({ kind: "no-artifact" });
    case "no-file":
      return notJudged({ kind: "no-file" });
    case "too-large":
      return notJudged({ kind: "too-large", what: fetch.what, bytes: fetch.bytes, limit: fetch.limit });
    case "unreadable":
      return notJudged({ kind: "unreadable-artifact", error: fetch.error });
    case "plan": {
      const read = readPlanResources(fetch.text);
      if (!read.ok) return notJudged({ kind: "unreadable-plan", error: read.error });
      return { kind: "judged", judgement: judgeImmutablePlan({ changes: read.changes, incomplete: read.incomplete, immutable }) };
    }
  }
}

/**
 * Judges the plan of one PR run: provenance first (no artifact of a fork's run, or of a run whose
 * workflow the PR changes, is ever downloaded), then the plan, read with the drift scan's bounds.
 */
async function judgeRun(gw: Gateway, params: { run: PlanRun; pr: RunPullRequest; immutable: Config["immutable"] }): Promise<ImmutableOutcome> {
  const { run, pr, immutable } = params;
  const fact = runFact(run);
  // SPEC section 10 rule 8's first condition: a fork's run is its author's, whatever it uploads.
  if (!fact.fromThisRepository || pr.isCrossRepository) return { kind: "not-judged", why: { kind: "fork", headRepo: run.head_repository?.full_name ?? null } };
  const changed = runWorkflowFiles(run, `${gw.owner}/${gw.repo}`).find((path) => pr.files.includes(path));
  if (changed) return { kind: "not-judged", why: { kind: "workflow-changed", path: changed } };
  if (pr.changedFiles > pr.files.length) return { kind: "not-judged", why: { kind: "files-unknown", changedFiles: pr.changedFiles, listed: pr.files.length } };
  try {
    return fetchOutcome(await fetchRunPlan(gw, { run: fact, artifact: immutable.artifact, file: immutable.file }), immutable);
  } catch (error) {
    const status = statusOf(error);
    gw.log.warn({ err: error, status, run: run.id }, "the PR's plan could not be read; its immutable check fails closed");
    return { kind: "not-judged", why: readError(error) };
  }
}

/** The app's id, to read its own verdict with the PR; undefined (no verdict read, nothing deferred) when GitHub could not say. */
export async function ownAppId(gw: Gateway): Promise<number | undefined> {
  return gw.appLogin.appId?.();
}

/** Whether the PR goes into a production branch. */
export function intoProduction(pr: RunPullRequest, params: { defaultBranch: string | null; config: Pick<Config, "production"> }): boolean {
  return isProductionBranch({ branch: pr.baseRef, defaultBranch: params.defaultBranch ?? "", production: params.config.production });
}

/**
 * Judges the run's plan for the PR and writes the check on the run's commit: with its memory when
 * an override could defer its findings (then deferred when `verdict` is an allowed
 * `[emergency-deploy]`). Called under the head's immutable check lock.
 */
export async function judgeAndWriteCheck(gw: Gateway, params: { run: PlanRun; pr: RunPullRequest; verdict: OwnCheckRun | null | undefined; config: Config }): Promise<void> {
  const { run, pr, config } = params;
  const outcome = await judgeRun(gw, { run, pr, immutable: config.immutable });
  if (outcome.kind === "judged" && isDeferrable(outcome.judgement)) {
    await writeDeferrableCheck(gw, { run, pr: pr.number, judgement: outcome.judgement, verdict: params.verdict, config });
    return;
  }
  const check = renderImmutableCheck({ outcome, mode: config.mode, immutable: config.immutable, runUrl: run.html_url });
  await createCheckRun(gw, { headSha: run.head_sha, name: IMMUTABLE_CHECK_NAME, ...check });
}

/**
 * `workflow_run.completed` of `immutable.plan_workflow` (issue #13): finds the open PR into a
 * production branch whose head is the run's commit, in the run's own head repository (1 GraphQL
 * call, which also lists the PR's files and reads the app's own `Pipeline Guard` verdict on the
 * commit), reads the run's plan (artifacts 1, download 1) and writes `Pipeline Guard: immutable
 * infrastructure` on the head (1): 4 calls, whether or not an override defers the findings (and
 * the app's identity, once per process). A run for a commit that is no longer the PR's head is
 * ignored: the head's own run decides.
 */
export async function checkPlanRun(gw: Gateway, params: { run: PlanRun; config: Config }): Promise<void> {
  const { run, config } = params;
  const headRepo = run.head_repository?.full_name.toLowerCase();
  const branch = run.head_branch;
  if (!branch || !headRepo) return;
  await withImmutableCheckLock(gw, run.head_sha, async () => {
    const appId = await ownAppId(gw);
    const found = await runPullRequests(gw, branch, appId === undefined ? undefined : { sha: run.head_sha, appId });
    const production = found.pullRequests.filter((pr) => pr.headRepo?.toLowerCase() === headRepo && intoProduction(pr, { defaultBranch: found.defaultBranch, config }));
    const pr = production.find((candidate) => candidate.headSha === run.head_sha);
    if (!pr) {
      if (production.length > 0) gw.log.info({ run: run.id, sha: run.head_sha, pulls: production.map((p) => p.number) }, "plan run for a commit that is no longer the PR's head: ignored");
      return;
    }
    await judgeAndWriteCheck(gw, { run, pr, verdict: found.verdict, config });
  });
}
