import type { Gateway } from "./gateway.js";

export interface RequiredChecksResult {
  required: string[];
  /** Required checks whose latest result on the PR's head was not a success (never reported counts as failing). */
  failing: Array<{ name: string; result: string }>;
}

const PASSING = new Set(["SUCCESS", "NEUTRAL", "SKIPPED"]);

/**
 * One GraphQL call instead of four REST calls: the required contexts from classic protection
 * and from every ruleset in force on the base branch, and the head commit's check and status
 * results. Keeps a merged PR within its call budget.
 */
export const REQUIRED_CHECKS_QUERY = `query PipelineGuardRequiredChecks($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      baseRef {
        branchProtectionRule { requiredStatusCheckContexts }
        rules(first: 100) { nodes { type parameters { ... on RequiredStatusChecksParameters { requiredStatusChecks { context } } } } }
      }
      commits(last: 1) { nodes { commit { oid statusCheckRollup { contexts(first: 100) { nodes {
        __typename
        ... on CheckRun { name status conclusion }
        ... on StatusContext { context state }
      } } } } } }
    }
  }
}`;

interface RollupNode {
  __typename: string;
  name?: string;
  status?: string;
  conclusion?: string | null;
  context?: string;
  state?: string;
}

interface RequiredChecksResponse {
  repository: {
    pullRequest: {
      baseRef: {
        branchProtectionRule: { requiredStatusCheckContexts: Array<string | null> | null } | null;
        rules: { nodes: Array<{ type: string; parameters: { requiredStatusChecks?: Array<{ context: string }> } | null } | null> | null } | null;
      } | null;
      commits: { nodes: Array<{ commit: { statusCheckRollup: { contexts: { nodes: Array<RollupNode | null> | null } } | null } } | null> | null };
    } | null;
  } | null;
}

export async function requiredChecksState(gw: Gateway, pullNumber: number): Promise<RequiredChecksResult> {
  const data = await gw.octokit.graphql<RequiredChecksResponse>(REQUIRED_CHECKS_QUERY, { owner: gw.owner, repo: gw.repo, number: pullNumber });
  const pr = data.repository?.pullRequest;
  const required = new Set<string>();
  for (const context of pr?.baseRef?.branchProtectionRule?.requiredStatusCheckContexts ?? []) if (context) required.add(context);
  for (const rule of pr?.baseRef?.rules?.nodes ?? []) {
    if (rule?.type !== "REQUIRED_STATUS_CHECKS") continue;
    for (const check of rule.parameters?.requiredStatusChecks ?? []) required.add(check.context);
  }
  const results = new Map<string, string>();
  for (const node of pr?.commits.nodes?.[0]?.commit.statusCheckRollup?.contexts.nodes ?? []) {
    if (node?.__typename === "CheckRun" && node.name) {
      results.set(node.name, node.status === "COMPLETED" ? (node.conclusion ?? "UNKNOWN") : (node.status ?? "UNKNOWN"));
    } else if (node?.__typename === "StatusContext" && node.context) {
      results.set(node.context, node.state ?? "UNKNOWN");
    }
  }
  const failing = [...required].flatMap((name) => {
    const result = results.get(name) ?? "MISSING";
    return PASSING.has(result) ? [] : [{ name, result: result.toLowerCase() }];
  });
  return { required: [...required], failing };
}
