import type { DeploymentDecision } from "../gate/decide-deployment.js";
import { type Gateway, write } from "./gateway.js";

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
