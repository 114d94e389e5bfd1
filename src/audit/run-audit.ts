import type { Probot } from "probot";
import { readBypass } from "../bypasses/record.js";
import { readFollowUp } from "../follow-ups/record.js";
import { appLoginResolver } from "../github/app-identity.js";
import type { Gateway } from "../github/gateway.js";
import { accountOf, listAppInstallations, listInstallationRepositories } from "../github/installations.js";
import { getIssue, type IssueSummary } from "../github/issues.js";
import { listAppIssues } from "../records/record-store.js";
import { bypassRow, followUpRow, type AuditRow } from "./audit-row.js";

export interface AuditResult {
  rows: AuditRow[];
  /** Accounts whose installation was read, and how many repositories in all. */
  accounts: string[];
  repositories: number;
  /** Installations left out because GitHub suspended them (no token can be made for one). */
  suspended: string[];
}

export class NotInstalledError extends Error {}

/**
 * The ledger (SPEC section 8a): for each installation of the app (or only `owner`'s), each
 * repository it may read, the app's follow-up and bypass records opened in the period, as rows,
 * oldest first. The records are the issues the app opened (found by author, never by label) and
 * are read from their signed state; a record someone changed is listed as tampered. One listing
 * per repository (paginated), and one `GET` per closed record for who closed it. Repositories are
 * read one after the other, which keeps the rate limit's use flat; an API error stops the run (a
 * ledger with a hole would mislead an auditor).
 */
export async function runAudit(params: { app: Probot; since: Date; owner?: string }): Promise<AuditResult> {
  const { app, since, owner } = params;
  const appLogin = appLoginResolver(app);
  const all = (await listAppInstallations(app)).map((i) => ({ id: i.id, account: accountOf(i), suspended: i.suspended_at != null }));
  const wanted = owner === undefined ? all : all.filter((i) => i.account.toLowerCase() === owner.toLowerCase());
  if (owner !== undefined && wanted.length === 0) throw new NotInstalledError(`the app is not installed on "${owner}"`);
  const result: AuditResult = { rows: [], accounts: [], repositories: 0, suspended: [] };
  for (const installation of wanted) {
    if (installation.suspended) {
      result.suspended.push(installation.account);
      continue;
    }
    const { octokit, repositories } = await listInstallationRepositories(app, installation.id);
    result.accounts.push(installation.account);
    for (const { owner: repoOwner, name: repo } of repositories) {
      const gw: Gateway = { octokit, log: app.log, owner: repoOwner.login, repo, dryRun: false, appLogin };
      result.rows.push(...(await repositoryRows(gw, since)));
      result.repositories++;
    }
  }
  result.rows.sort((a, b) => a.when.localeCompare(b.when) || a.repository.localeCompare(b.repository) || a.issueUrl.localeCompare(b.issueUrl));
  return result;
}

/** The row of one of the app's issues, or null when it is neither a follow-up nor a bypass record. */
function rowOf(gw: Gateway, issue: IssueSummary & { closedBy: string | null }, repository: string): AuditRow | null {
  const followUp = readFollowUp(gw, issue);
  if (followUp) return followUpRow(followUp, issue, repository);
  const bypass = readBypass(gw, issue);
  return bypass ? bypassRow(bypass, issue, repository) : null;
}

async function repositoryRows(gw: Gateway, since: Date): Promise<AuditRow[]> {
  const repository = `${gw.owner}/${gw.repo}`;
  const rows: AuditRow[] = [];
  // GitHub's `since` keeps issues *updated* since then: every issue opened since then, and a few older ones, dropped here.
  const issues = (await listAppIssues(gw, { state: "all", since, direction: "asc" })).filter((issue) => Date.parse(issue.createdAt) >= since.getTime());
  for (const listed of issues) {
    if (rowOf(gw, { ...listed, closedBy: null }, repository) === null) continue;
    // Only `GET` of one issue says who closed it; its record is read again from that newest version.
    const issue = listed.state === "closed" ? await getIssue(gw, listed.number) : { ...listed, closedBy: null };
    const row = rowOf(gw, issue, repository);
    if (row) rows.push(row);
  }
  return rows;
}
