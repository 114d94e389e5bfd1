import type { LoadedConfig } from "../config/load-config.js";
import { collectMarkers, type FoundMarker } from "../markers/collect-markers.js";
import { evaluateOverride, type OverrideDecision } from "./evaluate-override.js";
import { findPullRequestJustification } from "./find-justification.js";
import { listPullRequestCommits, type CommitText } from "../github/commits.js";
import type { Gateway } from "../github/gateway.js";
import type { PullRequestFacts } from "../github/pull-requests.js";
import { authorizePeople } from "./authorize-people.js";
import { gatherApprovals } from "./gather-approvals.js";
import { readCheckMemory, renderCheckMemory, type CheckMemory } from "./check-memory.js";
import {
  commitMarkerFacts,
  editedIntroducers,
  markerDigest,
  markerPeople,
  mergeIntroducers,
  mergeMarkers,
  pushedIntroducers,
  stillPresent,
  type CommitMarkerFacts,
  type RememberedIntroducer,
} from "./introducers.js";
import { renderOverrideSummary } from "./render-override-summary.js";

export interface PullRequestEvaluation {
  pr: PullRequestFacts;
  markers: FoundMarker[];
  decision: OverrideDecision;
  /** The markdown shared by the check run and the PR comment. */
  summary: string;
  justification: string | null;
  /** What the check on the head remembers for the next evaluation of that head. */
  memory: CheckMemory;
}

/**
 * What made this evaluation, as far as who could have introduced a marker goes:
 * - `opened`: a new PR, nothing to remember yet;
 * - `edited`: `from` holds the old title and body of the fields that changed (`changes.*.from`);
 * - `synchronize`: new commits, pushed by `sender` on top of `before`;
 * - `again`: the same head judged again (reopened, ready for review, a label removed, the merge,
 *   Re-run, `/pipeline-guard recheck`, a merge group): everything comes from the head's memory.
 */
export type EvaluationTrigger =
  | { event: "opened" }
  | { event: "edited"; sender: string; from: { title?: string | null; body?: string | null }; baseChanged: boolean }
  | { event: "synchronize"; sender: string; before: string | null }
  /**
   * Evaluated again (Re-run, recheck, the gate). `remembered`: the head's memory when the caller
   * already read it (null: the head carries no check of the app's), so that it costs no call.
   */
  | { event: "again"; remembered?: CheckMemory | null };

/** Filled while evaluating: what a check that fails closed half-way must still remember. */
export interface EvaluationProgress {
  memory?: CheckMemory;
}

/** Remembered commit facts serve when they were read for this base, with these marker definitions, and the PR still has that many commits. */
function usable(commits: CommitMarkerFacts | null | undefined, pr: PullRequestFacts, digest: string): CommitMarkerFacts | null {
  if (!commits || commits.base !== pr.baseRef || commits.digest !== digest) return null;
  return pr.commits === undefined || pr.commits === commits.count ? commits : null;
}

/**
 * Gathers the facts, then asks the policy. The commits are read on `opened` and `synchronize`, and
 * otherwise only when the head's memory lacks them; permissions only when a marker exists, once per
 * person who could have introduced one. `unwritten` gives introducers of this process's results
 * that were dropped as stale. Errors propagate, with `progress` saying what to remember anyway.
 */
export async function evaluatePullRequest(
  gw: Gateway,
  params: {
    pr: PullRequestFacts;
    loaded: LoadedConfig;
    trigger: EvaluationTrigger;
    unwritten?: (headSha: string) => Promise<RememberedIntroducer[]>;
    progress?: EvaluationProgress;
  },
): Promise<PullRequestEvaluation> {
  const { pr, loaded, trigger } = params;
  const { config } = loaded;
  const progress = params.progress ?? {};
  const unwritten = params.unwritten ?? (async () => []);
  const before = trigger.event === "synchronize" ? trigger.before : null;

  const stashed = await unwritten(pr.headSha);
  let brought: RememberedIntroducer[] =
    trigger.event === "edited"
      ? editedIntroducers({ sender: trigger.sender, from: trigger.from, now: { title: pr.title, body: pr.body }, markers: config.markers })
      : [];
  let remembered: CheckMemory | null = null;
  if (trigger.event === "edited" || trigger.event === "again") {
    // Should reading the memory fail, the check that fails closed keeps what this event brought,
    // marked partial: the next reader joins it to the older memory of the head.
    progress.memory = { pr: pr.number, head: pr.headSha, introducers: mergeIntroducers(stashed, brought), commits: null, partial: true };
    remembered = trigger.event === "again" && trigger.remembered !== undefined ? trigger.remembered : await readCheckMemory(gw, { sha: pr.headSha, pr: pr.number });
  }
  let carried = mergeIntroducers(stashed, remembered?.introducers ?? []);
  // Until the previous head's memory is read, this head's check owes it (`carryFrom`).
  progress.memory = { pr: pr.number, head: pr.headSha, introducers: mergeIntroducers(carried, brought), commits: null, ...(before ? { carryFrom: before } : {}) };

  const digest = markerDigest(config.markers);
  let commits: CommitText[] | null = null;
  let commitFacts = trigger.event === "edited" && trigger.baseChanged ? null : usable(remembered?.commits, pr, digest);
  if (!commitFacts) {
    commits = await listPullRequestCommits(gw, { number: pr.number, commits: pr.commits, baseSha: pr.baseSha, headSha: pr.headSha });
    commitFacts = commitMarkerFacts(commits, { markers: config.markers, base: pr.baseRef, count: pr.commits });
  }
  const markers = mergeMarkers(collectMarkers({ title: pr.title, body: pr.body }, config.markers), commitFacts.markers);

  if (trigger.event === "synchronize" && markers.length > 0) {
    // Introducers remembered for the previous head still count for the markers still here.
    if (before) {
      const previous = await readCheckMemory(gw, { sha: before, pr: pr.number });
      carried = mergeIntroducers(carried, previous?.introducers ?? [], await unwritten(before));
    }
    brought = pushedIntroducers({ sender: trigger.sender, before, commits: commits ?? [], markers: commitFacts.markers });
  }
  const present = new Set(markers.map((m) => m.name));
  const introducers = stillPresent(mergeIntroducers(carried, brought), present);
  const memory: CheckMemory = { pr: pr.number, head: pr.headSha, introducers, commits: commitFacts };
  progress.memory = memory;
  renderCheckMemory(memory); // throws when it cannot be kept: better an error check now than a verdict that forgets

  const fromFork = pr.headRepo === null || pr.headRepo.toLowerCase() !== pr.baseRepo.toLowerCase();
  const people = markerPeople({ actor: { login: pr.author, role: "PR author" }, commitPeople: commitFacts.people, introducers });
  const authorization = markers.length > 0 && !fromFork ? await authorizePeople(gw, people, config.overrides.allowed) : null;
  // The two-person rule costs nothing until it is on and a marker is there.
  const approval =
    markers.length > 0 && !fromFork && config.overrides.approval.required > 0
      ? await gatherApprovals(gw, { number: pr.number, headSha: pr.headSha, people, approval: config.overrides.approval })
      : null;
  const justification = findPullRequestJustification(pr.body, config.overrides.justification.headings);
  const decision = evaluateOverride({
    markers,
    actor: pr.author,
    fromFork,
    authorization,
    justification,
    justificationWhere: "pull-request",
    approval,
    config,
  });
  const summary = renderOverrideSummary({ markers, decision, config, configErrors: loaded.errors });
  return { pr, markers, decision, summary, justification, memory };
}
