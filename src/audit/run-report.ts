import { Context, type Probot } from "probot";
import { readBypass } from "../bypasses/record.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { readConfig } from "../config/read-config.js";
import { openItems, readFollowUp } from "../follow-ups/record.js";
import { appLoginResolver } from "../github/app-identity.js";
import type { Gateway } from "../github/gateway.js";
import { accountOf, listAppInstallations, listInstallationRepositories } from "../github/installations.js";
import { listMergedPullRequests, TooManyMergesError } from "../github/merged-pull-requests.js";
import { teamsByMember } from "../github/teams.js";
import { listAppIssues } from "../records/record-store.js";
import { computeReport, type BypassFact, type MergeFact, type OverrideFact, type Report } from "./report-figures.js";

export interface ReportResult {
  report: Report;
  accounts: string[];
  repositories: number;
  suspended: string[];
}

/**
 * `pipeline-guard report`: the facts of every repository the app is installed on, for the period
 * and the previous one of the same length, read from the app's records (found by author, read from
 * their signed state; a record that does not verify counts for nothing) and one search of merged
 * PRs per repository; then the figures. Per repository: the configuration (production branches),
 * the app's issues (one call per 100), the merged PRs (one GraphQL call per 100). Per organization:
 * its teams and their members.
 */
export async function runReport(params: { app: Probot; since: Date; until: Date }): Promise<ReportResult> {
  const { app, since, until } = params;
  const previousSince = new Date(since.getTime() - (until.getTime() - since.getTime()));
  const appLogin = appLoginResolver(app);
  const result: Omit<ReportResult, "report"> = { accounts: [], repositories: 0, suspended: [] };
  const overrides: OverrideFact[] = [];
  const bypasses: BypassFact[] = [];
  const merges: MergeFact[] = [];
  const notes: string[] = [];
  const teams = new Map<string, Map<string, string[]> | null>();
  for (const installation of await listAppInstallations(app)) {
    const account = accountOf(installation);
    if (installation.suspended_at != null) {
      result.suspended.push(account);
      continue;
    }
    const { octokit, repositories } = await listInstallationRepositories(app, installation.id);
    result.accounts.push(account);
    const members = await teamsByMember(octokit, account);
    if (!members) notes.push(`the teams of ${account} could not be read (a user account, or no members: read): its people are listed as (no team)`);
    teams.set(account.toLowerCase(), members);
    for (const repository of repositories) {
      const gw: Gateway = { octokit, log: app.log, owner: repository.owner.login, repo: repository.name, dryRun: false, appLogin };
      const name = `${gw.owner}/${gw.repo}`;
      const context = new Context(
        { id: `report-${Date.now()}`, name: "repository", payload: { repository: { owner: { login: gw.owner }, name: gw.repo }, installation: { id: installation.id } } } as never,
        octokit as never,
        app.log,
      );
      const { config } = await readConfig(context);
      const defaultBranch = repository.default_branch ?? "main";
      for (const issue of await listAppIssues(gw, { state: "all", since: previousSince, direction: "asc" })) {
        const followUp = readFollowUp(gw, issue);
        if (followUp?.status === "verified") {
          const { state } = followUp;
          overrides.push({
            repository: name,
            at: state.at,
            author: state.author,
            markers: state.markers,
            pr: state.pr?.number ?? null,
            dueAt: state.dueAt,
            state: issue.state === "closed" ? "closed" : "open",
            closedAt: issue.closedAt,
            done: openItems(state).length === 0,
            waived: Boolean(state.waiver),
            retestAt: state.ticks.retest?.at ?? null,
          });
          continue;
        }
        const bypass = readBypass(gw, issue);
        if (bypass?.status === "verified") bypasses.push({ repository: name, at: bypass.state.at, actor: bypass.state.actor, kind: bypass.state.bypass });
      }
      try {
        for (const pr of await listMergedPullRequests(gw, previousSince)) {
          if (isProductionBranch({ branch: pr.base, defaultBranch, production: config.production })) merges.push({ repository: name, at: pr.mergedAt, author: pr.author });
        }
      } catch (error) {
        if (!(error instanceof TooManyMergesError)) throw error;
        notes.push(`${error.message}: its production merges are not counted`);
      }
      result.repositories++;
    }
  }
  const report = computeReport({
    since,
    until,
    overrides,
    bypasses,
    merges,
    notes,
    teamsOf: (login, repository) => {
      const owner = repository.split("/")[0]?.toLowerCase() ?? "";
      return (login && teams.get(owner)?.get(login.toLowerCase())) || [];
    },
  });
  return { ...result, report };
}
