import type { WorkflowRunFact } from "../github/terraform-artifact.js";

/**
 * SPEC section 10 rule 8: the events whose runs count. Each runs the workflow as the production
 * branch has it; `pull_request` (and every other event) runs what a PR or another ref proposes.
 */
export const TRUSTED_EVENTS: ReadonlySet<string> = new Set(["schedule", "workflow_dispatch", "push"]);

/**
 * Compare calls a scan may spend to learn whether a run's commit is on the branch, when it is not
 * among the commits the scan already read (30 days): one keeps the scan's budget at one call
 * more in the common case of a branch without commits for a month.
 */
export const MAX_BRANCH_CHECKS = 1;

/** Why a run does not count. */
export type Distrust =
  | { kind: "fork" }
  | { kind: "event"; event: string }
  | { kind: "branch"; branch: string | null }
  | { kind: "commit" }
  /** Its commit is not among those read, and the compare calls of this scan are spent. */
  | { kind: "unverified" };

export interface SkippedRun {
  run: WorkflowRunFact;
  why: Distrust;
}

/** No trusted completed run among those listed; `skipped` are the untrusted ones, newest first. */
export interface NoTrustedRun {
  kind: "no-run";
  skipped: SkippedRun[];
}

/** What the run says of itself: its repository, its event, its branch (no call). */
export function distrustOf(run: WorkflowRunFact, branch: string): Distrust | null {
  if (!run.fromThisRepository) return { kind: "fork" };
  if (!TRUSTED_EVENTS.has(run.event)) return { kind: "event", event: run.event };
  if (run.head_branch !== branch) return { kind: "branch", branch: run.head_branch };
  return null;
}

/**
 * The newest run that counts (SPEC section 10 rule 8): from this repository, triggered by
 * `schedule`, `workflow_dispatch` or `push`, on the branch, and on a commit of the branch. A
 * run's `head_branch` is only a name (a tag, a fork's branch can carry it), so its commit is
 * checked too: against `knownShas` (the branch's commits the scan already read), else by
 * `isOnBranch` (a compare call), at most MAX_BRANCH_CHECKS times. Fails closed: a run that
 * cannot be verified does not count.
 */
export async function newestTrustedRun(
  runs: readonly WorkflowRunFact[],
  params: { branch: string; knownShas: ReadonlySet<string>; isOnBranch: (sha: string) => Promise<boolean> },
): Promise<WorkflowRunFact | NoTrustedRun> {
  const skipped: SkippedRun[] = [];
  const checked = new Map<string, boolean>();
  for (const run of runs) {
    const why = distrustOf(run, params.branch);
    if (why) {
      skipped.push({ run, why });
      continue;
    }
    if (params.knownShas.has(run.head_sha)) return run;
    let onBranch = checked.get(run.head_sha);
    if (onBranch === undefined) {
      if (checked.size >= MAX_BRANCH_CHECKS) {
        skipped.push({ run, why: { kind: "unverified" } });
        continue;
      }
      onBranch = await params.isOnBranch(run.head_sha);
      checked.set(run.head_sha, onBranch);
    }
    if (onBranch) return run;
    skipped.push({ run, why: { kind: "commit" } });
  }
  return { kind: "no-run", skipped };
}
