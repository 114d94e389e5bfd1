import type { LoadedConfig } from "../config/load-config.js";
import { findContainingBranch } from "../github/branches.js";
import type { Gateway } from "../github/gateway.js";
import type { DeploymentFact, HistoryCommit } from "../github/repository-activity.js";
import { deploymentItems, latestSuccessfulDeployments } from "./deployment-items.js";
import type { DriftItem } from "./drift-item.js";

/** Deployment drift: a SHA in the branches' history, or a branch's head, is on them without a call; others cost a compare. */
export async function deploymentDriftItems(
  gw: Gateway,
  params: { deployments: readonly DeploymentFact[]; histories: Map<string, HistoryCommit[]>; branches: readonly string[]; config: LoadedConfig["config"]; heads?: readonly string[] },
): Promise<DriftItem[]> {
  const { config, branches } = params;
  const onBranch = new Set([...[...params.histories.values()].flat().map((c) => c.sha), ...(params.heads ?? [])]);
  const items: DriftItem[] = [];
  for (const deployment of latestSuccessfulDeployments(params.deployments, config.production.environments)) {
    const onProductionBranch = onBranch.has(deployment.sha) || (await findContainingBranch(gw, branches, deployment.sha)) !== null;
    items.push(...deploymentItems({ deployment, onProductionBranch, branches, allowedCreators: config.drift.deployments.allowed_creators }));
  }
  return items;
}
