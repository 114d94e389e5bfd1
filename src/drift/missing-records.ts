import type { LoadedConfig } from "../config/load-config.js";
import { isExemptActor, reportBypass } from "../bypasses/report-bypass.js";
import type { Config } from "../config/schema.js";
import { followUpKey, openFollowUp, type OverrideRecord } from "../follow-ups/record.js";
import { replacementsDeferredBeforeMerge } from "../immutable/immutable-deferral.js";
import { hasGuardCheck } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import type { HistoryCommit } from "../github/repository-activity.js";
import { findMissingRecords, pullRequestMarkers } from "./find-missing-records.js";

/**
 * Whether the histories hold anything that needs a record: a marker in a merged PR, or a commit
 * that came without one from someone not exempt. Without one, the scan reads no record listing.
 */
export function historiesNeedRecords(params: { loaded: LoadedConfig; histories: Map<string, HistoryCommit[]>; appLogin?: string }): boolean {
  const { config } = params.loaded;
  // A direct commit of an exempt actor (a release bot) never needs an issue: it costs no look-up.
  const exempt = (c: HistoryCommit) => c.author !== null && isExemptActor(c.author, config, params.appLogin);
  return [...params.histories.values()].some((history) => history.some((c) => (c.pr ? pullRequestMarkers(c, config.markers).length > 0 : !exempt(c))));
}

/** Said on a scan-opened follow-up whose immutable check could not be read. */
export const DEFERRALS_UNREAD_NOTE =
  "The immutable check (Pipeline Guard: immutable infrastructure) of the pull request's head could not be read, so the resources whose replacement an [emergency-deploy] override deferred, if any, are not listed here: see that check on the head.";

/**
 * A merged PR's follow-up with a box per immutable resource whose replacement its allowed
 * `[emergency-deploy]` deferred, as at a merge seen by webhook (issue #13): read from the
 * immutable check's memory on the PR's head (1 call, only for such a marker with immutable checks
 * on). When that read fails the follow-up is still opened, without the boxes and saying so: a
 * record is never lost for want of a detail, and nobody is told that nothing was deferred.
 */
async function withDeferredReplacements(gw: Gateway, params: { record: OverrideRecord; history: readonly HistoryCommit[]; config: Config }): Promise<OverrideRecord> {
  const { record } = params;
  if (!record.pr) return record;
  const pr = record.pr.number;
  const head = params.history.find((c) => c.pr?.number === pr)?.pr?.headSha;
  try {
    const replace = await replacementsDeferredBeforeMerge(gw, { pr, head, markers: record.markers, config: params.config });
    return replace.length > 0 ? { ...record, replace } : record;
  } catch (error) {
    gw.log.warn({ err: error, pr, sha: head }, "the immutable check of a merged PR's head could not be read: its follow-up is opened without deferred replacements");
    return { ...record, unmet: [...record.unmet, DEFERRALS_UNREAD_NOTE] };
  }
}

/**
 * Overrides and bypasses of the look-back whose issue is missing (a missed webhook) get it,
 * through the same functions as the webhooks, so nothing is made twice. Returns how many were made.
 */
export async function recordMissing(
  gw: Gateway,
  params: { loaded: LoadedConfig; histories: Map<string, HistoryCommit[]>; known: { followUpKeys: Set<string>; coveredShas: Set<string> }; appLogin?: string },
): Promise<{ followUpsMade: number; bypassesMade: number }> {
  const made = { followUpsMade: 0, bypassesMade: 0 };
  const { config } = params.loaded;
  const known = params.known;
  for (const [branch, history] of params.histories) {
    const missing = findMissingRecords({ history, known, branch, config, appLogin: params.appLogin });
    // A commit on two production branches (a release branch cut from main) is one record, not one per branch.
    for (const record of missing.followUps) known.followUpKeys.add(followUpKey(record));
    for (const commit of missing.bypass?.commits ?? []) known.coveredShas.add(commit.sha);
    for (const record of missing.followUps) {
      const { created } = await openFollowUp(gw, await withDeferredReplacements(gw, { record, history, config }), config);
      if (created) made.followUpsMade++;
    }
    if (missing.bypass && !isExemptActor(missing.bypass.actor, config, params.appLogin)) {
      // In `check` mode there is no issue to find again: without this look-up every scan of the
      // look-back would add one more failing check run to the same commit.
      if (config.bypass.direct_push === "check" && (await hasGuardCheck(gw, missing.bypass.sha))) continue;
      const { created } = await reportBypass(gw, missing.bypass, config.bypass.direct_push, config.mode, config);
      if (created) made.bypassesMade++;
    }
  }
  return made;
}
