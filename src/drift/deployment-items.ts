import picomatch from "picomatch";
import type { DeploymentFact } from "../github/repository-activity.js";
import type { DriftItem } from "./drift-item.js";
import { UNKNOWN_AUTHOR } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/** The newest successful deployment of each production environment (facts arrive oldest first). */
export function latestSuccessfulDeployments(deployments: readonly DeploymentFact[], environments: readonly string[]): DeploymentFact[] {
  const latest = new Map<string, DeploymentFact>();
  for (const deployment of deployments) {
    if (deployment.state !== "success" || !picomatch.isMatch(deployment.environment, [...environments], { dot: true })) continue;
    const seen = latest.get(deployment.environment);
    if (!seen || seen.createdAt <= deployment.createdAt) latest.set(deployment.environment, deployment);
  }
  return [...latest.values()].sort((a, b) => (a.environment < b.environment ? -1 : 1));
}

/** Deployment drift: code that is not on a production branch, or a creator not allowed. */
export function deploymentItems(params: {
  deployment: DeploymentFact;
  onProductionBranch: boolean;
  branches: readonly string[];
  allowedCreators: readonly string[];
}): DriftItem[] {
  const { deployment, onProductionBranch, branches, allowedCreators } = params;
  const env = inlineLiteral(deployment.environment);
  const sha = deployment.sha.slice(0, 7);
  const items: DriftItem[] = [];
  const redeploy = `Deploy ${env} again from ${branches.map((b) => inlineLiteral(b)).join(" or ")} through the pipeline.`;
  if (!onProductionBranch) {
    items.push({
      id: `deployment:${deployment.environment}`,
      kind: "deployment",
      title: `${env} runs ${sha}, which is not on a production branch`,
      details: [`deployed at ${formatUtcMinute(deployment.createdAt)} by ${deployment.creator ? inlineLiteral(deployment.creator) : UNKNOWN_AUTHOR}`],
      fix: `Merge the change through a pull request, or roll back: ${redeploy}`,
    });
  }
  const creator = deployment.creator ?? "";
  if (allowedCreators.length > 0 && !allowedCreators.some((c) => c.toLowerCase() === creator.toLowerCase())) {
    items.push({
      id: `deployment:${deployment.environment}:creator`,
      kind: "deployment",
      title: `${env} was deployed by ${creator ? inlineLiteral(creator) : UNKNOWN_AUTHOR}, who is not in drift.deployments.allowed_creators`,
      details: [`commit ${sha}, at ${formatUtcMinute(deployment.createdAt)}`],
      fix: `Deployments to production go through the pipeline's deploy job. ${redeploy}`,
    });
  }
  return items;
}
