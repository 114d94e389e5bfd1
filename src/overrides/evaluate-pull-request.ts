import type { LoadedConfig } from "../config/load-config.js";
import { collectMarkers, type FoundMarker } from "../markers/collect-markers.js";
import { evaluateOverride, type OverrideDecision } from "./evaluate-override.js";
import { findPullRequestJustification } from "./find-justification.js";
import { listPullRequestCommits } from "../github/commits.js";
import type { Gateway } from "../github/gateway.js";
import type { PullRequestFacts } from "../github/pull-requests.js";
import { checkAllowed } from "../github/permissions.js";
import { renderOverrideSummary } from "./render-override-summary.js";

export interface PullRequestEvaluation {
  pr: PullRequestFacts;
  markers: FoundMarker[];
  decision: OverrideDecision;
  /** The markdown shared by the check run and the PR comment. */
  summary: string;
  justification: string | null;
}

/** Gathers the facts (commits; permissions only when a marker exists), then asks the policy. */
export async function evaluatePullRequest(gw: Gateway, pr: PullRequestFacts, loaded: LoadedConfig): Promise<PullRequestEvaluation> {
  const { config } = loaded;
  const commits = await listPullRequestCommits(gw, { number: pr.number, commits: pr.commits, baseSha: pr.baseSha, headSha: pr.headSha });
  const markers = collectMarkers({ title: pr.title, body: pr.body, commits }, config.markers);
  const fromFork = pr.headRepo === null || pr.headRepo.toLowerCase() !== pr.baseRepo.toLowerCase();
  const authorization = markers.length > 0 && !fromFork ? await checkAllowed(gw, pr.author, config.overrides.allowed) : null;
  const justification = findPullRequestJustification(pr.body, config.overrides.justification.headings);
  const decision = evaluateOverride({
    markers,
    actor: pr.author,
    fromFork,
    authorization,
    justification,
    justificationWhere: "pull-request",
    config,
  });
  const summary = renderOverrideSummary({ markers, decision, config, configErrors: loaded.errors });
  return { pr, markers, decision, summary, justification };
}
