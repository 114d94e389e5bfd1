import type { LoadedConfig } from "../config/load-config.js";
import { collectMarkers, type FoundMarker } from "../markers/collect-markers.js";
import { evaluateOverride, type OverrideDecision } from "../policy/evaluate-override.js";
import { findPullRequestJustification } from "../policy/find-justification.js";
import { listPullRequestCommits } from "../github/commits.js";
import type { Gateway } from "../github/gateway.js";
import { checkAllowed } from "../github/permissions.js";
import { renderOverrideSummary } from "../render/render-override-summary.js";

/** What the app needs to know of a pull request, from a webhook payload or the API. */
export interface PullRequestFacts {
  number: number;
  title: string;
  body: string | null;
  author: string;
  headSha: string;
  baseSha: string;
  baseRef: string;
  /** Null when the fork was deleted: treated as a fork. */
  headRepo: string | null;
  baseRepo: string;
  commits: number | undefined;
  labels: string[];
  merged: boolean;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  mergedAt: string | null;
}

interface RawPullRequest {
  number: number;
  title: string;
  body?: string | null;
  user: { login: string } | null;
  head: { sha: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string; repo: { full_name: string } };
  commits?: number;
  labels?: Array<{ name: string }>;
  merged?: boolean | null;
  merged_by?: { login: string } | null;
  merge_commit_sha?: string | null;
  merged_at?: string | null;
}

/** Tolerant of the fields a truncated or older payload may lack. */
export function pullRequestFacts(pr: RawPullRequest): PullRequestFacts {
  return {
    number: pr.number,
    title: pr.title ?? "",
    body: pr.body ?? null,
    author: pr.user?.login ?? "ghost",
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    headRepo: pr.head.repo?.full_name ?? null,
    baseRepo: pr.base.repo.full_name,
    commits: pr.commits,
    labels: (pr.labels ?? []).map((l) => l.name),
    merged: pr.merged === true || Boolean(pr.merged_at),
    mergedBy: pr.merged_by?.login ?? null,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    mergedAt: pr.merged_at ?? null,
  };
}

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
