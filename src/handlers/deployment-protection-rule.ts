import type { Context } from "probot";
import { decideGate, describeError } from "../gate/decide-gate.js";
import { reviewDeploymentGate, runIdOfCallbackUrl } from "../github/deployment-gate.js";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor, statusOf } from "../github/gateway.js";

type GateContext = Context<"deployment_protection_rule.requested">;

/**
 * `deployment_protection_rule.requested` (SPEC sections 7 and 10.5). Every request that can be
 * answered is answered, an error included (the gate then fails closed): GitHub keeps a deployment
 * waiting until the app answers. Costs, besides the token: at most 5 calls, the answer included
 * (config, the provenance query, the answer; the PR's commits and permission only when its
 * verdict must be computed).
 */
export async function handleDeploymentProtectionRule(context: GateContext, appLogin: AppLogin): Promise<void> {
  const { payload } = context;
  const gw = gatewayFor(context, appLogin);
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
  const decision = await decideGate(gw, context, { environment, deployment: payload.deployment, defaultBranch: payload.repository.default_branch });
  context.log.info({ runId, environment, sha: payload.deployment?.sha, state: decision.state }, "deployment gate decided");
  try {
    await reviewDeploymentGate(gw, { runId, environment, decision });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    // GitHub answers 422 when the rule was already decided (a redelivery, or a person approved it).
    context.log.warn({ runId, environment, state: decision.state, error: describeError(error) }, "GitHub did not take the deployment gate's answer (already decided?)");
  }
}
