import { z } from "zod";
import type { LoadedConfig } from "../config/load-config.js";
import { isExemptActor, reportBypass } from "../bypasses/report-bypass.js";
import { openFollowUp } from "../follow-ups/open-follow-up.js";
import { followUpKey } from "../follow-ups/render-follow-up-issue.js";
import { hasGuardCheck } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { listAppIssues } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import type { HistoryCommit } from "../github/repository-activity.js";
import { readStateBlock } from "../markdown/hidden-block.js";
import { findMissingRecords, pullRequestMarkers } from "./find-missing-records.js";

const followUpState = z.object({ kind: z.literal("follow-up"), sha: z.string(), pr: z.number().optional(), commits: z.array(z.string()).default([]) });
const bypassShas = z.object({ kind: z.literal("bypass"), sha: z.string(), commits: z.array(z.string()).default([]) });

/** What the app's follow-ups and bypass issues of the period already cover (two calls, only when the history has candidates). */
async function knownRecords(gw: Gateway, since: Date): Promise<{ followUpKeys: Set<string>; coveredShas: Set<string> }> {
  const [followUps, bypasses] = await Promise.all([
    listAppIssues(gw, { label: APP_LABELS.followUp.name, state: "all", since }),
    listAppIssues(gw, { label: APP_LABELS.bypass.name, state: "all", since }),
  ]);
  const followUpKeys = new Set<string>();
  const coveredShas = new Set<string>();
  for (const issue of followUps) {
    const state = followUpState.safeParse(readStateBlock(issue.body));
    if (!state.success) continue;
    followUpKeys.add(state.data.pr ? `pr=${state.data.pr}` : `sha=${state.data.sha}`);
    coveredShas.add(state.data.sha);
    for (const sha of state.data.commits) coveredShas.add(sha);
  }
  for (const issue of bypasses) {
    const state = bypassShas.safeParse(readStateBlock(issue.body));
    if (!state.success) continue;
    coveredShas.add(state.data.sha);
    for (const sha of state.data.commits) coveredShas.add(sha);
  }
  return { followUpKeys, coveredShas };
}

/** Whether a history holds anything that needs an issue: a marker in a merged PR, or a commit that came without one. */
function hasCandidates(history: readonly HistoryCommit[], markersPresent: (commit: HistoryCommit) => boolean, exempt: (commit: HistoryCommit) => boolean): boolean {
  return history.some((c) => (c.pr ? markersPresent(c) : !exempt(c)));
}

/**
 * Overrides and bypasses of the look-back whose issue is missing (a missed webhook) get it,
 * through the same functions as the webhooks, so nothing is made twice. Returns how many were made.
 */
export async function recordMissing(
  gw: Gateway,
  params: { loaded: LoadedConfig; histories: Map<string, HistoryCommit[]>; since: Date; appLogin?: string },
): Promise<{ followUpsMade: number; bypassesMade: number }> {
  const made = { followUpsMade: 0, bypassesMade: 0 };
  const { config } = params.loaded;
  const withMarkers = (c: HistoryCommit) => pullRequestMarkers(c, config.markers).length > 0;
  // A direct commit of an exempt actor (a release bot) never needs an issue: it costs no look-up.
  const exempt = (c: HistoryCommit) => c.author !== null && isExemptActor(c.author, config, params.appLogin);
  if (![...params.histories.values()].some((h) => hasCandidates(h, withMarkers, exempt))) return made;
  const known = await knownRecords(gw, params.since);
  for (const [branch, history] of params.histories) {
    const missing = findMissingRecords({ history, known, branch, config, appLogin: params.appLogin });
    // A commit on two production branches (a release branch cut from main) is one record, not one per branch.
    for (const record of missing.followUps) known.followUpKeys.add(followUpKey(record));
    for (const commit of missing.bypass?.commits ?? []) known.coveredShas.add(commit.sha);
    for (const record of missing.followUps) {
      const { created } = await openFollowUp(gw, record, config);
      if (created) made.followUpsMade++;
    }
    if (missing.bypass && !isExemptActor(missing.bypass.actor, config, params.appLogin)) {
      // In `check` mode there is no issue to find again: without this look-up every scan of the
      // look-back would add one more failing check run to the same commit.
      if (config.bypass.direct_push === "check" && (await hasGuardCheck(gw, missing.bypass.sha))) continue;
      const { created } = await reportBypass(gw, missing.bypass, config.bypass.direct_push, config.mode);
      if (created) made.bypassesMade++;
    }
  }
  return made;
}
