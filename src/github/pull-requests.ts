import { type Gateway, statusOf } from "./gateway.js";

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
  /** When the PR last changed: orders the facts of deliveries that arrive out of order. */
  updatedAt: string | null;
}

export interface RawPullRequest {
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
  updated_at?: string | null;
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
    updatedAt: pr.updated_at ?? null,
  };
}

/** One pull request (`GET /repos/{o}/{r}/pulls/{n}`). */
export async function getPullRequest(gw: Gateway, number: number): Promise<PullRequestFacts> {
  const { data } = await gw.octokit.rest.pulls.get({ owner: gw.owner, repo: gw.repo, pull_number: number });
  return pullRequestFacts(data);
}

export interface MergedPullRequest {
  number: number;
  title: string;
  author: string;
}

/**
 * The PR merged into `branch` whose merge (merge commit, squash or rebase head) is this commit, if
 * any: one call. A PR merged into another branch does not count: its merge commit pushed on to
 * `branch` by hand never went through a PR into `branch`. A 404 (the commit is not known to the
 * API yet, or the repository went away) means none.
 */
export async function mergedPullRequestOf(gw: Gateway, sha: string, branch: string): Promise<MergedPullRequest | null> {
  try {
    const { data } = await gw.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: gw.owner, repo: gw.repo, commit_sha: sha, per_page: 100 });
    const pr = data.find((p) => p.merged_at && p.merge_commit_sha === sha && p.base.ref === branch);
    return pr ? { number: pr.number, title: pr.title, author: pr.user?.login ?? "ghost" } : null;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
