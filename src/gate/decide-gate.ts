import type { Context } from "probot";
import type { Config } from "../config/schema.js";
import { readConfig } from "../config/read-config.js";
import { findContainingBranch } from "../github/branches.js";
import { latestGuardChecks } from "../github/check-runs.js";
import { statusOf, type Gateway } from "../github/gateway.js";
import {
  branchesToCheck,
  decideDeployment,
  decideOnGateError,
  decideWithoutDeployment,
  decideWithoutFacts,
  type DeploymentDecision,
} from "./decide-deployment.js";

/** A commit SHA as GitHub writes it (SHA-1; SHA-256 for the day GitHub hosts such repositories). */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** The error's text in the comment is cut here: enough to say what failed. */
const ERROR_TEXT_LIMIT = 160;

export interface GateRequest {
  environment: string;
  deployment: { sha: string; ref?: string | null } | null | undefined;
  defaultBranch: string;
}

/**
 * Gathers the facts and decides (SPEC section 7). Costs, besides the token: config, one compare
 * per production branch asked (stopping at the first that contains the SHA), the check runs.
 * Any error fails closed.
 */
export async function decideGate(gw: Gateway, context: Pick<Context, "config" | "log" | "repo">, request: GateRequest): Promise<DeploymentDecision> {
  const { environment, deployment } = request;
  if (!deployment || !COMMIT_SHA.test(deployment.sha)) return decideWithoutDeployment(environment);
  let mode: Config["mode"] | null = null;
  try {
    const { config } = await readConfig(context);
    mode = config.mode;
    const early = decideWithoutFacts({ environment, config });
    if (early) return early;
    const branches = branchesToCheck({ production: config.production, defaultBranch: request.defaultBranch, ref: deployment.ref });
    const containingBranch = await findContainingBranch(gw, branches, deployment.sha);
    const checks = await latestGuardChecks(gw, deployment.sha);
    return decideDeployment({ environment, sha: deployment.sha, config, branchesChecked: branches, containingBranch, checks });
  } catch (error) {
    gw.log.error({ err: error, environment, sha: deployment.sha }, "deployment gate could not gather its facts; it fails closed");
    return decideOnGateError({ environment, mode, error: describeError(error) });
  }
}

export function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  const text = status === undefined ? message : `GitHub answered ${status}: ${message}`;
  return text.length > ERROR_TEXT_LIMIT ? `${text.slice(0, ERROR_TEXT_LIMIT - 1)}…` : text;
}
