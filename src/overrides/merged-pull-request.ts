import type { LoadedConfig } from "../config/load-config.js";
import type { Gateway } from "../github/gateway.js";
import { requiredChecksState } from "../github/required-checks.js";
import type { PullRequestEvaluation } from "./evaluate-pull-request.js";
import { isExemptActor, reportBypass } from "../bypasses/report-bypass.js";
import { openFollowUp } from "../follow-ups/record.js";
import { reportComment } from "./report-pull-request.js";
import { dispatchRetest } from "../follow-ups/retest.js";
import { notify } from "../notifications/notify.js";
import { deferredReplacements } from "../immutable/immutable-deferral.js";
import { allowedMarkers } from "./override-verdict.js";

/** At the merge of an override: its follow-up issue, linked from the PR comment. */
export async function followUpMergedOverride(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  const { pr, markers, decision } = evaluation;
  if (!decision.isOverride || !pr.mergeCommitSha) return;
  // Immutable resources whose replacement an allowed [emergency-deploy] deferred (issue #13): one box each.
  const replace = await deferredReplacements(gw, { pr: pr.number, head: pr.headSha, allowed: allowedMarkers(decision, markers), config: loaded.config });
  const { issue, created } = await openFollowUp(
    gw,
    {
      pr: { number: pr.number, title: pr.title },
      sha: pr.mergeCommitSha,
      branch: pr.baseRef,
      markers: markers.map((m) => m.name),
      labels: decision.labels,
      items: decision.followUpItems,
      author: pr.author,
      merger: pr.mergedBy ?? pr.author,
      at: new Date(pr.mergedAt ?? Date.now()),
      justification: evaluation.justification,
      incident: decision.incident,
      unmet: decision.requirements.filter((r) => !r.met).map((r) => r.detail),
      ...(replace.length > 0 ? { replace } : {}),
    },
    loaded.config,
  );
  if (created) {
    notify(gw, loaded.config, { kind: "override", repository: `${gw.owner}/${gw.repo}`, markers: markers.map((m) => m.name), change: `#${pr.number} ${pr.title}`, by: pr.author, url: issue.html_url });
  }
  // In a dry run there is no issue number to link; the comment's write is still logged.
  await reportComment(gw, evaluation, { loaded, update: issue.number > 0 ? (state) => ({ ...state, followUp: issue.number }) : undefined });
  // Only with the issue's creation, so that a redelivered `closed` does not run the suite twice.
  if (created && decision.followUpItems.includes("retest")) await dispatchRetest(gw, { config: loaded.config, branch: pr.baseRef, sha: pr.mergeCommitSha });
}

/** A merge while required checks were not all green (an admin merge) is a bypass. */
export async function reportFailingChecksMerge(gw: Gateway, evaluation: PullRequestEvaluation, loaded: LoadedConfig): Promise<void> {
  const { pr } = evaluation;
  const { config } = loaded;
  const merger = pr.mergedBy ?? pr.author;
  if (config.bypass.failing_checks_merge === "off" || !pr.mergeCommitSha) return;
  // Only a bot can be the app: a person's merge costs no look-up of the app's login.
  if (isExemptActor(merger, config, merger.endsWith("[bot]") ? await gw.appLogin() : undefined)) return;
  const { failing } = await requiredChecksState(gw, pr.number);
  if (failing.length === 0) return;
  await reportBypass(
    gw,
    {
      kind: "merged with failing checks",
      branch: pr.baseRef,
      sha: pr.mergeCommitSha,
      actor: merger,
      at: new Date(pr.mergedAt ?? Date.now()),
      pr: { number: pr.number, title: pr.title },
      details: failing.map((f) => `required check \`${f.name.replace(/`/g, "'")}\` was ${f.result} on the PR's head ${pr.headSha.slice(0, 7)}`),
    },
    config.bypass.failing_checks_merge,
    config.mode,
    config,
  );
}
