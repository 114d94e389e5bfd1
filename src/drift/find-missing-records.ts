import type { Config } from "../config/schema.js";
import { collectMarkers } from "../markers/collect-markers.js";
import type { HistoryCommit } from "../github/repository-activity.js";
import type { OverrideRecord } from "../follow-ups/record.js";
import type { BypassRecord } from "../bypasses/record.js";
import { markerNames } from "../overrides/describe-markers.js";
import { findCommitJustification, findPullRequestJustification } from "../overrides/find-justification.js";

/** Which overrides and bypasses the app already recorded: follow-up keys and the commits its issues cover. */
export interface KnownRecords {
  followUpKeys: ReadonlySet<string>;
  coveredShas: ReadonlySet<string>;
}

export interface MissingRecords {
  followUps: OverrideRecord[];
  bypass: BypassRecord | null;
}

/**
 * The markers of a merged PR as the history shows it: title, body (read as a PR body, so quoted,
 * fenced and commented text does not count) and the commit's message. A squash commit's message
 * can repeat the PR body (GitHub's "title and description" squash setting); read as a commit
 * message, the markers a PR template explains in a code block would count there though they never
 * counted on the PR, and every such merge would get a follow-up. That copy is left out.
 */
export function pullRequestMarkers(commit: HistoryCommit, markers: Config["markers"]): ReturnType<typeof collectMarkers> {
  if (!commit.pr) return [];
  const body = commit.pr.body.replace(/\r\n?/g, "\n").trim();
  const message = commit.message.replace(/\r\n?/g, "\n");
  return collectMarkers({ title: commit.pr.title, body: commit.pr.body, commits: [{ sha: commit.sha, message: body ? message.split(body).join("") : message }] }, markers);
}

/**
 * Overrides and bypasses of the period whose issue does not exist, as a missed webhook leaves
 * them. Merged PRs count by title, body and merge commit message (their other commits would cost
 * a call each). Uncovered direct pushes become one bypass record, keyed by the newest commit:
 * the history does not say where one push ended and the next began.
 */
export function findMissingRecords(params: {
  history: readonly HistoryCommit[];
  known: KnownRecords;
  branch: string;
  config: Pick<Config, "markers" | "bypass" | "overrides">;
  appLogin?: string;
}): MissingRecords {
  const { history, known, branch, config } = params;
  const followUps: OverrideRecord[] = [];
  const direct: HistoryCommit[] = [];
  // A PR merged with a merge commit brings its own commits into the history too: one record per PR.
  const recorded = new Set<string>(known.followUpKeys);
  // No empty login in the set: a commit whose author has no GitHub account (author null) would match it.
  const exempt = new Set([...config.bypass.allowed_actors, params.appLogin ?? ""].filter(Boolean).map((a) => a.toLowerCase()));
  for (const commit of history) {
    if (commit.pr) {
      const markers = pullRequestMarkers(commit, config.markers);
      if (markers.length === 0 || recorded.has(`pr=${commit.pr.number}`)) continue;
      recorded.add(`pr=${commit.pr.number}`);
      followUps.push(overrideRecord({ commit, markers: markers.map((m) => m.name), branch, config, pr: commit.pr }));
      continue;
    }
    if (known.coveredShas.has(commit.sha) || exempt.has((commit.author ?? "").toLowerCase())) continue;
    const markers = collectMarkers({ commits: [commit] }, config.markers);
    if (markers.length > 0) {
      if (!recorded.has(`sha=${commit.sha}`)) followUps.push(overrideRecord({ commit, markers: markers.map((m) => m.name), branch, config }));
    } else {
      direct.push(commit);
    }
  }
  const newest = direct[0];
  const bypass: BypassRecord | null = newest
    ? {
        kind: "direct push",
        branch,
        sha: newest.sha,
        actor: newest.author,
        at: new Date(newest.committedAt),
        details: ["Found by the drift scan: the push's webhook was missed, so the pusher is not known; the commit author is shown."],
        commits: direct.map((c) => ({ sha: c.sha, message: c.message })),
      }
    : null;
  return { followUps, bypass };
}

function overrideRecord(params: {
  commit: HistoryCommit;
  markers: string[];
  branch: string;
  config: Pick<Config, "markers" | "overrides">;
  pr?: NonNullable<HistoryCommit["pr"]>;
}): OverrideRecord {
  const { commit, markers, branch, config, pr } = params;
  const policies = markers.map((m) => config.markers[m]).filter((p) => p !== undefined);
  const items = [...new Set(policies.flatMap((p) => p.follow_up))];
  return {
    ...(pr ? { pr: { number: pr.number, title: pr.title } } : {}),
    sha: commit.sha,
    branch,
    markers,
    labels: [...new Set(policies.map((p) => p.label))],
    items: (["retest", "postmortem", "review"] as const).filter((i) => items.includes(i)),
    author: pr?.author ?? commit.author,
    merger: pr?.mergedBy ?? commit.author,
    at: new Date(pr?.mergedAt ?? commit.committedAt),
    justification: pr
      ? findPullRequestJustification(pr.body, config.overrides.justification.headings)
      : findCommitJustification(commit.message, config.overrides.justification.headings),
    unmet: [`Recorded by the drift scan (the webhook was missed): whether ${markerNames(markers.map((name) => ({ name })))} was allowed and justified was not checked at the time.`],
  };
}
