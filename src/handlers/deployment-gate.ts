import type { Context } from "probot";
import type { Config } from "../config/schema.js";
import { readConfig } from "../config/read-config.js";
import { findContainingBranch, latestGuardChecks, reviewDeploymentGate, runIdOfCallbackUrl } from "../github/deployment-gate.js";
import { gatewayFor, statusOf, type Gateway } from "../github/gateway.js";
import {
  branchesToCheck,
  decideDeployment,
  decideOnGateError,
  decideWithoutDeployment,
  decideWithoutFacts,
  type DeploymentDecision,
} from "../policy/decide-deployment.js";

type GateContext = Context<"deployment_protection_rule.requested">;

/** A commit SHA as GitHub writes it (SHA-1; SHA-256 for the day GitHub hosts such repositories). */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** The error's text in the comment is cut here: enough to say what failed. */
const ERROR_TEXT_LIMIT = 160;

/**
 * `deployment_protection_rule.requested` (SPEC section 7). Every request that can be answered is
 * answered, an error included (the gate then fails closed): GitHub keeps a deployment waiting
 * until the app answers. Costs, besides the token: config, one compare per production branch
 * asked (stopping at the first that contains the SHA), the check runs, the answer.
 */
export async function handleDeploymentProtectionRule(context: GateContext): Promise<void> {
  const { payload } = context;
  const gw = gatewayFor(context);
  const environment = payload.environment ?? payload.deployment?.environment;
  if (!payload.deployment_callback_url) {
    context.log.error({ environment }, "deployment protection rule request without deployment_callback_url: no answer can be sent");
    return;
  }
  const runId = runIdOfCallbackUrl(payload.deployment_callback_url, gw);
  if (runId === null) {
    // Answering a run of another repository (or a URL we cannot read) could approve the wrong
    // deployment: it is left for GitHub to time out.
    context.log.error({ callbackUrl: payload.deployment_callback_url }, "deployment_callback_url is not a deployment protection rule of this repository's runs: not answered");
    return;
  }
  if (!environment) {
    context.log.error({ runId }, "deployment protection rule request names no environment: no answer can be sent");
    return;
  }
  const decision = await decideGate(gw, context, environment);
  context.log.info({ runId, environment, sha: payload.deployment?.sha, state: decision.state }, "deployment gate decided");
  try {
    await reviewDeploymentGate(gw, { runId, environment, decision });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    // GitHub answers 422 when the rule was already decided (a redelivery, or a person approved it).
    context.log.warn({ runId, environment, state: decision.state, error: describeError(error) }, "GitHub did not take the deployment gate's answer (already decided?)");
  }
}

async function decideGate(gw: Gateway, context: GateContext, environment: string): Promise<DeploymentDecision> {
  const deployment = context.payload.deployment;
  if (!deployment || !COMMIT_SHA.test(deployment.sha)) return decideWithoutDeployment(environment);
  let mode: Config["mode"] | null = null;
  try {
    const { config } = await readConfig(context);
    mode = config.mode;
    const early = decideWithoutFacts({ environment, config });
    if (early) return early;
    const branches = branchesToCheck({ production: config.production, defaultBranch: context.payload.repository.default_branch, ref: deployment.ref });
    const containingBranch = await findContainingBranch(gw, branches, deployment.sha);
    const checks = await latestGuardChecks(gw, deployment.sha);
    return decideDeployment({ environment, sha: deployment.sha, config, branchesChecked: branches, containingBranch, checks });
  } catch (error) {
    context.log.error({ err: error, environment, sha: deployment.sha }, "deployment gate could not gather its facts; it fails closed");
    return decideOnGateError({ environment, mode, error: describeError(error) });
  }
}

function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  const text = status === undefined ? message : `GitHub answered ${status}: ${message}`;
  return text.length > ERROR_TEXT_LIMIT ? `${text.slice(0, ERROR_TEXT_LIMIT - 1)}…` : text;
}
