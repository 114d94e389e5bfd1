import picomatch from "picomatch";
import type { LoadedConfig } from "../config/load-config.js";
import { formatConfigError } from "../config/validate-config.js";
import { recordRulesetBypasses } from "../bypasses/ruleset-bypasses.js";
import { remindOverdue } from "../follow-ups/remind-overdue.js";
import { repairFollowUps } from "../follow-ups/repair-follow-ups.js";
import { listAppIssues } from "../records/record-store.js";
import { listMatchingBranches } from "../github/branches.js";
import type { Gateway } from "../github/gateway.js";
import type { FullReadFacts } from "../github/full-read-facts.js";
import { getRepositoryActivity, type ActivityStart, type DeploymentFact, type HistoryCommit } from "../github/repository-activity.js";
import { quietLogin, UNKNOWN_AUTHOR } from "../markdown/escape-markdown.js";
import { deploymentDriftItems } from "./deployment-drift.js";
import type { DriftItem } from "./drift-item.js";
import { emptyDriftState, mergeScan, type Acceptance } from "./drift-state.js";
import { historiesNeedRecords, recordMissing } from "./missing-records.js";
import { driftBlock, findDriftReport, findDriftReportAndOpenIssues } from "./record.js";
import { knownRecordsOf, recordCensus } from "./record-census.js";
import { protectionItems } from "./protection-drift.js";
import { planReportUpdate } from "./render-drift-report.js";
import { recheckTime, type ScanWatch } from "./scan-fingerprint.js";
import { applyReportUpdate } from "./report-issue.js";
import { rememberTampered, tamperedItems } from "./tampered-items.js";
import { terraformDriftItems } from "./terraform-drift.js";

/** SPEC section 6: overrides and bypasses of this many days are checked for a missing issue. */
export const LOOKBACK_DAYS = 30;
/** Glob patterns can match many branches; the scan looks at this many at most. */
export const MAX_PRODUCTION_BRANCHES = 20;

export interface ScanOptions {
  now: Date;
  defaultBranch: string;
  /** Reading rule suites needs `administration: write`; the caller knows the installation's permissions. */
  canReadRuleSuites: boolean;
  appLogin?: string;
  /** Commits before the app was installed are not missed webhooks: the look-back starts no earlier. */
  installedAt?: Date;
  /** A `branch_protection_rule` or `repository_ruleset` event: its comment names who changed what. */
  trigger?: { event: string; actor: string | null };
  /** `/pipeline-guard accept`: recorded in the state before the merge, so the item is listed apart at once. */
  accept?: { id: string; acceptance: Acceptance };
  /**
   * Facts the scheduled scan read for many repositories at once (src/drift/full-read-prefetch.ts):
   * a branch found there is not asked for again; anything missing is read as without them.
   */
  prefetched?: FullReadFacts | null;
  /**
   * Look the report up first, and take the app's open issues from that listing when it holds
   * every issue (`findDriftReportAndOpenIssues`): one call instead of two for most repositories.
   * The scheduled scan's batched reads set it; other scans list as they always did.
   */
  oneRecordListing?: boolean;
}

export interface ScanSummary {
  repository: string;
  open: number;
  accepted: number;
  newItems: string[];
  report: string;
  followUpsMade: number;
  bypassesMade: number;
  reminders: number;
  /** What the scan memory needs to skip this repository while nothing changes (see `scan-fingerprint.ts`). */
  watch?: ScanWatch;
}

/** Where the look-back for missed webhooks starts: 30 days ago, or the installation if later. */
export function lookbackSince(now: Date, installedAt: Date | undefined): Date {
  return new Date(Math.max(now.getTime() - LOOKBACK_DAYS * 24 * 3_600_000, installedAt?.getTime() ?? 0));
}

/**
 * A branch's first history page from the batch, kept to this scan's look-back (the batch's may
 * start a little earlier); undefined when the batch has nothing for it or lacks the deployments
 * this read needs.
 */
function prefetchedStart(prefetched: FullReadFacts | null | undefined, branch: string, since: Date, withDeployments: boolean): ActivityStart | undefined {
  const known = prefetched?.branches.get(branch);
  if (!known || (withDeployments && !prefetched?.deployments)) return undefined;
  const { activity, after } = known.activity;
  const history = activity.history.filter((commit) => Date.parse(commit.committedAt) >= since.getTime());
  return { activity: { ...activity, history, deployments: withDeployments ? [...(prefetched?.deployments ?? [])] : [] }, after };
}

async function productionBranches(gw: Gateway, loaded: LoadedConfig, defaultBranch: string): Promise<string[]> {
  const patterns = loaded.config.production.branches;
  if (patterns.length === 0) return [defaultBranch];
  if (!patterns.some((p) => picomatch.scan(p).isGlob)) return [...patterns];
  return listMatchingBranches(gw, patterns, MAX_PRODUCTION_BRANCHES);
}

/**
 * One repository's scan (SPEC section 6): gathers protection, deployments, Terraform drift,
 * missing records and overdue follow-ups, merges them into the report's state, and writes only
 * what changed. Parts that cannot be read this time are reported as scan items and keep their
 * earlier state.
 */
export async function scanRepository(gw: Gateway, loaded: LoadedConfig, options: ScanOptions): Promise<ScanSummary> {
  const { config } = loaded;
  const { now } = options;
  const since = lookbackSince(now, options.installedAt);
  const summary: ScanSummary = { repository: `${gw.owner}/${gw.repo}`, open: 0, accepted: 0, newItems: [], report: "none", followUpsMade: 0, bypassesMade: 0, reminders: 0 };
  const branches = await productionBranches(gw, loaded, options.defaultBranch);

  // Follow-up upkeep is not drift: it runs whether or not drift reporting is on.
  const histories = new Map<string, HistoryCommit[]>();
  const deployments: DeploymentFact[] = [];
  const heads = new Map<string, string>();
  for (const [index, branch] of branches.entries()) {
    const environments = config.production.environments.some((e) => picomatch.scan(e).isGlob) ? null : config.production.environments;
    const withDeployments = config.drift.enabled && index === 0;
    const start = prefetchedStart(options.prefetched, branch, since, withDeployments);
    const activity = await getRepositoryActivity(gw, { branch, since, withDeployments, environments, start });
    histories.set(branch, activity.history);
    if (activity.head) heads.set(branch, activity.head);
    deployments.push(...activity.deployments);
  }
  // The app's records: open ones (overdue reminders, repairs) and, when the history holds
  // anything that needs a record, every one of the look-back (what is already recorded).
  const early = config.drift.enabled && options.oneRecordListing ? await findDriftReportAndOpenIssues(gw) : null;
  const openIssues = early?.open ?? (await listAppIssues(gw, { state: "open" }));
  const needsRecords = historiesNeedRecords({ loaded, histories, appLogin: options.appLogin });
  const recentIssues = needsRecords ? await listAppIssues(gw, { state: "all", since }) : [];
  const census = recordCensus(gw, [...openIssues, ...recentIssues]);
  if (needsRecords) {
    const made = await recordMissing(gw, { loaded, histories, known: knownRecordsOf(census), appLogin: options.appLogin });
    summary.followUpsMade += made.followUpsMade;
    summary.bypassesMade += made.bypassesMade;
  }
  const openFollowUps = census.followUps.filter((f) => f.issue.state === "open");
  await repairFollowUps(gw, openFollowUps);
  summary.reminders += await remindOverdue(gw, { followUps: openFollowUps, now, escalate: config.follow_up.escalate, notify: config.notify });
  if (config.bypass.direct_push !== "off" && options.canReadRuleSuites) summary.bypassesMade += await recordRulesetBypasses(gw, { loaded, branches, appLogin: options.appLogin });
  const terraform = config.drift.enabled && config.drift.terraform.workflow ? config.drift.terraform : null;
  const watch = (acceptancesUntil: ReadonlyArray<string | null>): ScanWatch => ({
    branches,
    recheckAt: recheckTime({ now, followUpsDue: openFollowUps.map((f) => f.state.dueAt), acceptancesUntil }),
    terraform: terraform ? { workflow: terraform.workflow, maxAgeHours: terraform.max_age_hours, dispatch: terraform.dispatch } : null,
  });
  if (!config.drift.enabled) return { ...summary, watch: watch([]) };

  const report = early ? early.report : await findDriftReport(gw);
  const previous = report?.status === "verified" ? report.state : emptyDriftState();
  const tampered = [...census.tampered, ...(report?.status === "invalid" ? [{ number: report.issue.number, reason: `${report.reason} (the drift report itself: its acceptances and baseline were dropped)` }] : [])];
  const prefetchedProtection = new Map([...(options.prefetched?.branches ?? [])].flatMap(([branch, facts]) => (facts.protection ? [[branch, facts.protection] as const] : [])));
  const protection = await protectionItems(gw, { branches, declared: config.drift.protection, baseline: previous.baseline, prefetched: prefetchedProtection });
  // The branch's commits already read: a Terraform run on one of them needs no compare call.
  const knownShas = new Set([...(histories.get(branches[0] ?? "") ?? []).map((commit) => commit.sha), ...[heads.get(branches[0] ?? "") ?? ""].filter(Boolean)]);
  const terraformPart = await terraformDriftItems(gw, { config, branch: branches[0], now, knownShas });
  const remembered = rememberTampered(previous.tampered, tampered, now);
  const found: DriftItem[] = [
    ...tamperedItems(remembered),
    ...protection.items,
    ...(await deploymentDriftItems(gw, { deployments, histories, branches, config, heads: [...heads.values()] })),
    ...terraformPart.items,
  ];
  const accepted = options.accept ? { ...previous.accepted, [options.accept.id]: options.accept.acceptance } : previous.accepted;
  const merged = mergeScan({
    previous: { ...previous, baseline: protection.baseline, accepted, tampered: remembered },
    found,
    now,
    incomplete: [...protection.incomplete, ...terraformPart.incomplete],
  });
  const shown = { owner: gw.owner, repo: gw.repo, open: merged.open, accepted: merged.accepted, now, configErrors: loaded.errors.map(formatConfigError) };
  const existing = report?.issue ?? null;
  const update = planReportUpdate({
    ...shown,
    state: merged.state,
    block: driftBlock(gw, existing?.number ?? null, merged.state),
    existing: existing ? { body: existing.body, state: existing.state === "closed" ? "closed" : "open" } : null,
    newItems: merged.newItems,
  });
  summary.open = merged.open.length;
  summary.accepted = merged.accepted.length;
  summary.newItems = merged.newItems.map((i) => i.id);
  const trigger = options.trigger ? `Seen at once through the \`${options.trigger.event}\` event; the change was made by ${options.trigger.actor ? quietLogin(options.trigger.actor) : UNKNOWN_AUTHOR}.` : "";
  // The first report opened by the event names who made the change too: in a first comment, which later rewrites of the body keep.
  const withTrigger =
    trigger && update.action === "create" ? { ...update, comment: trigger } : "comment" in update && update.comment && trigger ? { ...update, comment: `${update.comment}\n\n${trigger}` } : update;
  summary.report = await applyReportUpdate(gw, { update: withTrigger, report: existing, shown, state: merged.state, baselineRecorded: protection.baselineRecorded });
  return { ...summary, watch: watch(Object.values(merged.state.accepted).map((a) => a.until)) };
}
