import type { Config } from "../config/schema.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { COULD_NOT_BE_CHECKED_TITLE } from "../github/check-runs.js";
import { parseCheckMemory, type CheckMemory } from "./check-memory.js";
import type { AssociatedPullRequest, CommitProvenanceFacts, GuardCheckRun } from "../github/commit-provenance.js";
import type { PullRequestFacts } from "../github/pull-requests.js";
import { collectMarkers, type FoundMarker } from "../markers/collect-markers.js";

/**
 * The change that brought a commit (SPEC section 10, rules 4 and 5): what the gate judges a
 * deployment by, and what Re-run gives a commit that is not the head of an open PR.
 * - `pull-request`: merged through a PR into a production branch (its merge commit, or a commit it
 *   brought), or, off the production branches, the head of a PR that is not open;
 * - `direct-push`: on a production branch, merged by no PR: an override when its commit carries a
 *   marker, else a bypass;
 * - `none`: on no production branch, and no PR has it as its head;
 * Each carries `check`: the app's own latest run on the commit itself.
 * - `unknown-commit`: GitHub does not know the SHA as a commit of this repository.
 */
export type ChangeOfCommit =
  | { kind: "pull-request"; branch: string | null; pr: PullRequestFacts; headCheck: GuardCheckRun | null; headChecksRead: boolean; check: GuardCheckRun | null }
  | { kind: "direct-push"; branch: string; markers: FoundMarker[]; author: string | null; committer: string | null; message: string; check: GuardCheckRun | null }
  | { kind: "none"; check: GuardCheckRun | null }
  | { kind: "unknown-commit" };

/** Who the app is: only its own runs, in this repository, are verdicts. */
export interface OwnChecks {
  /** The app's login (`<slug>[bot]`). */
  appLogin: string;
  /** `owner/name` of the repository judged. */
  repository: string;
}

/**
 * The app's latest `Pipeline Guard` run among `runs`, or null. A run of the same name written by a
 * workflow (`github-actions`) or another app, or by this app in another repository (a fork where
 * the PR's author installed it), is anyone's word and never counts.
 */
export function latestOwnCheck(runs: readonly GuardCheckRun[], own: OwnChecks): GuardCheckRun | null {
  const slug = own.appLogin.replace(/\[bot\]$/, "").toLowerCase();
  const repository = own.repository.toLowerCase();
  let latest: GuardCheckRun | null = null;
  for (const run of runs) {
    if (run.appSlug?.toLowerCase() !== slug || run.repository?.toLowerCase() !== repository) continue;
    if (!latest || run.id > latest.id) latest = run;
  }
  return latest;
}

/** A check the app wrote because it could not check (an error) is no verdict: Re-run evaluates again, and the gate looks further. */
export function isVerdict(check: GuardCheckRun | null): check is GuardCheckRun {
  return check !== null && check.status === "completed" && check.title !== COULD_NOT_BE_CHECKED_TITLE;
}

/**
 * The PR that brought the commit onto a production branch: merged into a production branch, its
 * merge commit first (merge, squash, or a rebase's last commit), else the one PR GitHub associates
 * with a commit it brought. Two candidates and no merge commit among them: null (the caller then
 * judges the commit as pushed, the stricter road).
 */
function mergedPullRequest(prs: readonly AssociatedPullRequest[], sha: string, isProduction: (branch: string) => boolean): AssociatedPullRequest | null {
  const merged = prs.filter((p) => p.facts.merged && isProduction(p.facts.baseRef));
  const exact = merged.find((p) => p.facts.mergeCommitSha?.toLowerCase() === sha.toLowerCase());
  if (exact) return exact;
  return merged.length === 1 ? (merged[0] ?? null) : null;
}

export function changeOfCommit(params: {
  facts: CommitProvenanceFacts;
  config: Pick<Config, "production" | "markers">;
  defaultBranch: string;
  own: OwnChecks;
}): ChangeOfCommit {
  const { facts, config, own } = params;
  const commit = facts.commit;
  if (!commit) return { kind: "unknown-commit" };
  const check = latestOwnCheck(commit.checks, own);
  const branch = facts.containing[0] ?? null;
  const isProduction = (name: string) => isProductionBranch({ branch: name, defaultBranch: params.defaultBranch, production: config.production });
  const asPullRequest = (p: AssociatedPullRequest): ChangeOfCommit => ({
    kind: "pull-request",
    branch,
    pr: p.facts,
    headCheck: p.headChecks ? latestOwnCheck(p.headChecks, own) : null,
    headChecksRead: p.headChecks !== null,
    check,
  });
  if (branch !== null) {
    const pr = mergedPullRequest(commit.pullRequests, facts.sha, isProduction);
    if (pr) return asPullRequest(pr);
    const markers = collectMarkers({ commits: [{ sha: facts.sha, message: commit.message }] }, config.markers);
    return { kind: "direct-push", branch, markers, author: commit.author, committer: commit.committer, message: commit.message, check };
  }
  const headOf = commit.pullRequests.find((p) => p.facts.headSha.toLowerCase() === facts.sha.toLowerCase());
  return headOf ? asPullRequest(headOf) : { kind: "none", check };
}

/**
 * What the provenance query already tells of a PR head's memory (SPEC section 10, rules 6 and 12):
 * null when the head carries no check of the app's, the memory when the app's latest check there
 * holds a whole one; undefined when only the app's older runs can tell (the caller reads them).
 */
export function rememberedOfHead(change: Extract<ChangeOfCommit, { kind: "pull-request" }>): CheckMemory | null | undefined {
  if (!change.headChecksRead) return undefined;
  if (change.headCheck === null) return null;
  const memory = parseCheckMemory(change.headCheck.text, { pr: change.pr.number, head: change.pr.headSha });
  return memory && !memory.partial && !memory.carryFrom ? memory : undefined;
}
