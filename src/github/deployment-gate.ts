import type { DeploymentDecision, GateCheck } from "../policy/decide-deployment.js";
import { CHECK_NAME } from "./check-runs.js";
import { type Gateway, statusOf, write } from "./gateway.js";

/**
 * Whether `branch` contains `sha`: the compare API's `branch...sha` is `identical` (the branch's
 * head) or `behind` (an ancestor of it). A 404 means the SHA (or the branch) is unknown, which
 * is not on the branch. One call, with no commits asked for beyond the status.
 */
export async function branchContainsSha(gw: Gateway, branch: string, sha: string): Promise<boolean> {
  try {
    const { data } = await gw.octokit.rest.repos.compareCommitsWithBasehead({ owner: gw.owner, repo: gw.repo, basehead: `${branch}...${sha}`, per_page: 1 });
    return data.status === "identical" || data.status === "behind";
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** The first of `branches` that contains `sha`, asking one branch at a time; null when none does. */
export async function findContainingBranch(gw: Gateway, branches: readonly string[], sha: string): Promise<string | null> {
  for (const branch of branches) {
    if (await branchContainsSha(gw, branch, sha)) return branch;
  }
  return null;
}

/** The latest `Pipeline Guard` check runs on a commit (GitHub's `filter=latest`): one call. */
export async function latestGuardChecks(gw: Gateway, sha: string): Promise<GateCheck[]> {
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: sha, check_name: CHECK_NAME, filter: "latest", per_page: 100 });
  return data.check_runs.map((run) => ({ status: run.status, conclusion: run.conclusion, title: run.output.title }));
}

/** GitHub does not document a length limit for this comment; it is shown in the run's page, so it stays short. */
const GATE_COMMENT_LIMIT = 1000;

/**
 * Approves or rejects the deployment of one workflow run to one environment
 * (`POST /repos/{o}/{r}/actions/runs/{run_id}/deployment_protection_rule`).
 */
export async function reviewDeploymentGate(gw: Gateway, params: { runId: number; environment: string; decision: DeploymentDecision }): Promise<void> {
  const { runId, environment, decision } = params;
  const comment = decision.comment.length > GATE_COMMENT_LIMIT ? `${decision.comment.slice(0, GATE_COMMENT_LIMIT - 1)}…` : decision.comment;
  await write(
    gw,
    `${decision.state === "approved" ? "approve" : "reject"} deployment`,
    { runId, environment, state: decision.state },
    () => gw.octokit.rest.actions.reviewCustomGatesForRun({ owner: gw.owner, repo: gw.repo, run_id: runId, environment_name: environment, state: decision.state, comment }),
    undefined,
  );
}

const CALLBACK_PATH = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule\/?$/;

/**
 * The workflow run id of a `deployment_callback_url`, or null unless the URL is the callback of
 * a run of this very repository (`/repos/{owner}/{repo}/actions/runs/{id}/deployment_protection_rule`,
 * under `/api/v3` on GitHub Enterprise Server). Only the id is used: the answer goes to the
 * app's own API host, never to a host named in the payload.
 */
export function runIdOfCallbackUrl(url: string, repository: { owner: string; repo: string }): number | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const match = CALLBACK_PATH.exec(path);
  if (!match) return null;
  const [, owner = "", repo = "", id = ""] = match;
  const same = (a: string, b: string) => safeDecode(a)?.toLowerCase() === b.toLowerCase();
  if (!same(owner, repository.owner) || !same(repo, repository.repo)) return null;
  const runId = Number(id);
  return Number.isSafeInteger(runId) && runId > 0 ? runId : null;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
