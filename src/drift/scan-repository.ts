import picomatch from "picomatch";
import { z } from "zod";
import type { LoadedConfig } from "../config/load-config.js";
import { formatConfigError } from "../config/validate-config.js";
import { getBranchRules, getClassicProtection } from "../github/branch-protection.js";
import { CHECK_NAME } from "../github/check-runs.js";
import { type Gateway, statusOf } from "../github/gateway.js";
import { createComment, findIssueByKey, findOrCreateIssue, listAppIssues, updateIssue, type IssueSummary } from "../github/issues.js";
import { addLabels, APP_LABELS } from "../github/labels.js";
import { getRepositoryActivity, type DeploymentFact, type HistoryCommit } from "../github/repository-activity.js";
import { listRulesetBypasses } from "../github/rule-suites.js";
import { fetchTerraformPlan } from "../github/terraform-artifact.js";
import { dispatchWorkflow } from "../github/workflows.js";
import { isExemptActor, reportBypass } from "../handlers/report-bypass.js";
import { openFollowUp } from "../handlers/open-follow-up.js";
import { readStateBlock } from "../render/hidden-block.js";
import { followUpKey } from "../render/render-follow-up-issue.js";
import { escapeInlineText, quietLogin } from "../render/escape-markdown.js";
import { deploymentItems, latestSuccessfulDeployments } from "./deployment-items.js";
import { diffProtection, normalizeProtection, type ProtectionSnapshot } from "./diff-protection.js";
import type { DriftItem, DriftKind } from "./drift-item.js";
import { mergeScan, readDriftState, type Acceptance } from "./drift-state.js";
import { findMissingRecords, pullRequestMarkers } from "./find-missing-records.js";
import { overdueActions, renderReminder } from "./overdue-follow-ups.js";
import { DRIFT_REPORT_KEY, DRIFT_REPORT_TITLE, planReportUpdate, renderDriftReport, type DriftReportParams } from "./render-drift-report.js";
import { terraformItems } from "./terraform-items.js";

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
  trigger?: { event: string; actor: string };
  /** `/pipeline-guard accept`: recorded in the state before the merge, so the item is listed apart at once. */
  accept?: { id: string; acceptance: Acceptance };
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
}

async function productionBranches(gw: Gateway, loaded: LoadedConfig, defaultBranch: string): Promise<string[]> {
  const patterns = loaded.config.production.branches;
  if (patterns.length === 0) return [defaultBranch];
  if (!patterns.some((p) => picomatch.scan(p).isGlob)) return [...patterns];
  const branches = await gw.octokit.paginate(gw.octokit.rest.repos.listBranches, { owner: gw.owner, repo: gw.repo, per_page: 100 });
  return branches
    .map((b) => b.name)
    .filter((name) => picomatch.isMatch(name, patterns, { dot: true }))
    .slice(0, MAX_PRODUCTION_BRANCHES);
}

const scanProblem = (id: string, title: string, fix: string): DriftItem => ({ id: `scan:${id}`, kind: "scan", title, details: [], fix });

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
 * One repository's scan (SPEC section 6): gathers protection, deployments, Terraform drift,
 * missing records and overdue follow-ups, merges them into the report's state, and writes only
 * what changed. Parts that cannot be read this time are reported as scan items and keep their
 * earlier state.
 */
export async function scanRepository(gw: Gateway, loaded: LoadedConfig, options: ScanOptions): Promise<ScanSummary> {
  const { config } = loaded;
  const { now } = options;
  const lookback = now.getTime() - LOOKBACK_DAYS * 24 * 3_600_000;
  const since = new Date(Math.max(lookback, options.installedAt?.getTime() ?? 0));
  const summary: ScanSummary = { repository: `${gw.owner}/${gw.repo}`, open: 0, accepted: 0, newItems: [], report: "none", followUpsMade: 0, bypassesMade: 0, reminders: 0 };
  const branches = await productionBranches(gw, loaded, options.defaultBranch);

  // Follow-up upkeep is not drift: it runs whether or not drift reporting is on.
  const histories = new Map<string, HistoryCommit[]>();
  const deployments: DeploymentFact[] = [];
  for (const [index, branch] of branches.entries()) {
    const environments = config.production.environments.some((e) => picomatch.scan(e).isGlob) ? null : config.production.environments;
    const activity = await getRepositoryActivity(gw, { branch, since, withDeployments: config.drift.enabled && index === 0, environments });
    histories.set(branch, activity.history);
    deployments.push(...activity.deployments);
  }
  await recordMissing(gw, { loaded, histories, since, summary, appLogin: options.appLogin });
  await remindOverdue(gw, now, summary);
  if (config.bypass.direct_push !== "off" && options.canReadRuleSuites) await recordRulesetBypasses(gw, { loaded, branches, summary, appLogin: options.appLogin });
  if (!config.drift.enabled) return summary;

  const report = await findIssueByKey(gw, { label: APP_LABELS.drift.name, kind: "drift", key: "drift" });
  const { state: previous, damaged } = readDriftState(report?.body);
  const protection = await protectionItems(gw, { branches, declared: config.drift.protection, baseline: previous.baseline });
  const terraform = await terraformDriftItems(gw, { config, branch: branches[0], now });
  const found: DriftItem[] = [
    // The fix text must not spell the state block's opening: the block is found by its first occurrence.
    ...(damaged ? [scanProblem("state", "The report's hidden state block was damaged (edited by hand?) and has been rebuilt", "Leave the hidden state line at the end of this issue's body as it is (edit the text above it only).")] : []),
    ...protection.items,
    ...(await deploymentDriftItems(gw, { deployments, histories, branches, config })),
    ...terraform.items,
  ];
  const accepted = options.accept ? { ...previous.accepted, [options.accept.id]: options.accept.acceptance } : previous.accepted;
  const merged = mergeScan({
    previous: { ...previous, baseline: protection.baseline, accepted },
    found,
    now,
    incomplete: [...protection.incomplete, ...terraform.incomplete],
  });
  const reportParams: DriftReportParams = {
    owner: gw.owner,
    repo: gw.repo,
    open: merged.open,
    accepted: merged.accepted,
    state: merged.state,
    now,
    configErrors: loaded.errors.map(formatConfigError),
  };
  const update = planReportUpdate({
    ...reportParams,
    existing: report ? { body: report.body, state: report.state === "closed" ? "closed" : "open" } : null,
    newItems: merged.newItems,
  });
  summary.open = merged.open.length;
  summary.accepted = merged.accepted.length;
  summary.newItems = merged.newItems.map((i) => i.id);
  const trigger = options.trigger ? `\n\nSeen at once through the \`${options.trigger.event}\` event; the change was made by ${quietLogin(options.trigger.actor)}.` : "";
  const withTrigger = "comment" in update && update.comment ? { ...update, comment: update.comment + trigger } : update;
  summary.report = await applyReportUpdate(gw, { update: withTrigger, report, baselineBody: protection.baselineRecorded ? renderDriftReport(reportParams) : null });
  return summary;
}

interface PartItems {
  items: DriftItem[];
  /** Kinds that could not be read this time: their earlier state is kept. */
  incomplete: DriftKind[];
}

/**
 * Protection drift of each production branch: against `drift.protection` where it declares
 * something, else against the baseline; a branch without a baseline gets one recorded.
 */
async function protectionItems(
  gw: Gateway,
  params: { branches: readonly string[]; declared: LoadedConfig["config"]["drift"]["protection"]; baseline: Record<string, ProtectionSnapshot> },
): Promise<PartItems & { baseline: Record<string, ProtectionSnapshot>; baselineRecorded: boolean }> {
  const baseline = { ...params.baseline };
  const result = { items: [] as DriftItem[], incomplete: [] as DriftKind[], baseline, baselineRecorded: false };
  for (const branch of params.branches) {
    try {
      const actual = normalizeProtection(await getClassicProtection(gw, branch), await getBranchRules(gw, branch));
      const recorded = baseline[branch];
      if (Object.keys(params.declared).length > 0) {
        result.items.push(...diffProtection({ branch, expected: params.declared, actual, source: "config" }));
      } else if (recorded) {
        result.items.push(...diffProtection({ branch, expected: recorded, actual, source: "baseline" }));
      } else {
        baseline[branch] = actual;
        result.baselineRecorded = true;
      }
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      result.incomplete.push("protection");
      result.items.push(scanProblem(`protection:${branch}`, `The protection of ${escapeInlineText(branch)} could not be read (403)`, "Grant the app `administration: read`, as `app.yml` asks."));
    }
  }
  return result;
}

/** Deployment drift: a SHA in the branches' history is on them without a call; others cost a compare. */
async function deploymentDriftItems(
  gw: Gateway,
  params: { deployments: readonly DeploymentFact[]; histories: Map<string, HistoryCommit[]>; branches: readonly string[]; config: LoadedConfig["config"] },
): Promise<DriftItem[]> {
  const { config, branches } = params;
  const onBranch = new Set([...params.histories.values()].flat().map((c) => c.sha));
  const items: DriftItem[] = [];
  for (const deployment of latestSuccessfulDeployments(params.deployments, config.production.environments)) {
    const onProductionBranch = onBranch.has(deployment.sha) || (await isOnAnyBranch(gw, deployment.sha, branches));
    items.push(...deploymentItems({ deployment, onProductionBranch, branches, allowedCreators: config.drift.deployments.allowed_creators }));
  }
  return items;
}

/** Infrastructure drift from the newest plan of `drift.terraform.workflow`; a 4xx is a scan item, a 5xx fails the scan. */
async function terraformDriftItems(gw: Gateway, params: { config: LoadedConfig["config"]; branch: string | undefined; now: Date }): Promise<PartItems> {
  const terraform = params.config.drift.terraform;
  const { branch, now } = params;
  if (!terraform.workflow || !branch) return { items: [], incomplete: [] };
  // Dispatched first; the newest *completed* run is read now, the fresh one at the next scan.
  if (terraform.dispatch) await dispatchPlan(gw, terraform.workflow, branch);
  try {
    const fetch = await fetchTerraformPlan(gw, { workflow: terraform.workflow, branch, artifact: terraform.artifact, file: terraform.file });
    return { items: terraformItems({ fetch, terraform, branch, now }), incomplete: [] };
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined || status >= 500) throw error;
    return {
      items: [scanProblem("terraform", `The Terraform plan could not be read (${status})`, `Check that ${escapeInlineText(terraform.workflow)} exists and the app may read Actions.`)],
      incomplete: ["terraform"],
    };
  }
}

/** The compare API says whether a branch contains a SHA: `behind` or `identical` means it does. */
async function isOnAnyBranch(gw: Gateway, sha: string, branches: readonly string[]): Promise<boolean> {
  for (const branch of branches) {
    try {
      const { data } = await gw.octokit.rest.repos.compareCommitsWithBasehead({ owner: gw.owner, repo: gw.repo, basehead: `${branch}...${sha}`, per_page: 1 });
      if (data.status === "behind" || data.status === "identical") return true;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  return false;
}

async function dispatchPlan(gw: Gateway, workflow: string, branch: string): Promise<void> {
  try {
    await dispatchWorkflow(gw, { workflow, ref: branch, inputs: {} });
  } catch (error) {
    gw.log.warn({ err: error, workflow }, "the drift workflow could not be dispatched; the next scan reads the newest run there is");
  }
}

type ReportUpdate = ReturnType<typeof planReportUpdate>;

async function applyReportUpdate(gw: Gateway, params: { update: ReportUpdate; report: IssueSummary | null; baselineBody: string | null }): Promise<string> {
  const { update, report } = params;
  switch (update.action) {
    case "none":
      if (!report && params.baselineBody) {
        // The baseline must live somewhere and the app keeps no database: a closed report holds it quietly.
        const { issue } = await createReport(gw, params.baselineBody);
        await updateIssue(gw, issue.number, { state: "closed", state_reason: "completed" });
        return "baseline recorded";
      }
      return "unchanged";
    case "create":
      await createReport(gw, update.body);
      return "created";
    case "update":
      await updateIssue(gw, report!.number, { body: update.body });
      if (update.comment) await createComment(gw, report!.number, update.comment);
      return "updated";
    case "close":
      await updateIssue(gw, report!.number, { body: update.body, state: "closed", state_reason: "completed" });
      await createComment(gw, report!.number, update.comment);
      return "closed";
    case "reopen-update":
      await updateIssue(gw, report!.number, { body: update.body, state: "open" });
      await createComment(gw, report!.number, update.comment);
      return "reopened";
  }
}

async function createReport(gw: Gateway, body: string) {
  // renderDriftReport starts with the hidden key; findOrCreateIssue adds it itself.
  return findOrCreateIssue(gw, { kind: "drift", key: "drift", title: DRIFT_REPORT_TITLE, body: body.replace(`${DRIFT_REPORT_KEY}\n`, ""), labels: [APP_LABELS.drift] });
}

async function recordMissing(
  gw: Gateway,
  params: { loaded: LoadedConfig; histories: Map<string, HistoryCommit[]>; since: Date; summary: ScanSummary; appLogin?: string },
): Promise<void> {
  const { config } = params.loaded;
  const withMarkers = (c: HistoryCommit) => pullRequestMarkers(c, config.markers).length > 0;
  // A direct commit of an exempt actor (a release bot) never needs an issue: it costs no look-up.
  const exempt = (c: HistoryCommit) => c.author !== null && isExemptActor(c.author, config, params.appLogin);
  if (![...params.histories.values()].some((h) => hasCandidates(h, withMarkers, exempt))) return;
  const known = await knownRecords(gw, params.since);
  for (const [branch, history] of params.histories) {
    const missing = findMissingRecords({ history, known, branch, config, appLogin: params.appLogin });
    // A commit on two production branches (a release branch cut from main) is one record, not one per branch.
    for (const record of missing.followUps) known.followUpKeys.add(followUpKey(record));
    for (const commit of missing.bypass?.commits ?? []) known.coveredShas.add(commit.sha);
    for (const record of missing.followUps) {
      const { created } = await openFollowUp(gw, record, config);
      if (created) params.summary.followUpsMade++;
    }
    if (missing.bypass && !isExemptActor(missing.bypass.actor, config, params.appLogin)) {
      // In `check` mode there is no issue to find again: without this look-up every scan of the
      // look-back would add one more failing check run to the same commit.
      if (config.bypass.direct_push === "check" && (await hasOwnCheckRun(gw, missing.bypass.sha))) continue;
      const { created } = await reportBypass(gw, missing.bypass, config.bypass.direct_push, config.mode);
      if (created) params.summary.bypassesMade++;
    }
  }
}

/** Whether the commit already carries a `Pipeline Guard` check run (the push handler's, or an earlier scan's). */
async function hasOwnCheckRun(gw: Gateway, sha: string): Promise<boolean> {
  const { data } = await gw.octokit.rest.checks.listForRef({ owner: gw.owner, repo: gw.repo, ref: sha, check_name: CHECK_NAME, per_page: 1 });
  return data.total_count > 0;
}

async function remindOverdue(gw: Gateway, now: Date, summary: ScanSummary): Promise<void> {
  const open = await listAppIssues(gw, { label: APP_LABELS.followUp.name, state: "open" });
  for (const action of overdueActions(open, now)) {
    if (action.addLabel) await addLabels(gw, action.issue.number, [APP_LABELS.overdue]);
    if (action.remind) {
      await createComment(gw, action.issue.number, renderReminder(action));
      summary.reminders++;
    }
  }
}

async function recordRulesetBypasses(gw: Gateway, params: { loaded: LoadedConfig; branches: readonly string[]; summary: ScanSummary; appLogin?: string }): Promise<void> {
  const { config } = params.loaded;
  for (const branch of params.branches) {
    const bypasses = await listRulesetBypasses(gw, branch);
    for (const suite of bypasses ?? []) {
      if (!suite.afterSha || isExemptActor(suite.actor, config, params.appLogin)) continue;
      const { created } = await reportBypass(
        gw,
        {
          kind: "ruleset bypass",
          branch,
          sha: suite.afterSha,
          actor: suite.actor,
          at: new Date(suite.pushedAt || Date.now()),
          before: suite.beforeSha,
          after: suite.afterSha,
          details: [`GitHub recorded this push as bypassing the branch's rulesets (rule suite ${suite.id}).`],
        },
        "issue",
        config.mode,
      );
      if (created) params.summary.bypassesMade++;
    }
  }
}
