import type { Probot } from "probot";
import { appLoginResolver } from "../github/app-identity.js";
import type { Gateway } from "../github/gateway.js";
import { APP_LABELS } from "../github/labels.js";
import { getAuditIssue, listIssuesOpenedSince } from "./audit-issues.js";
import { auditRowOf, type AuditIssue, type AuditRow } from "./audit-row.js";
import { accountOf, listAppInstallations, listInstallationRepositories } from "../github/installations.js";

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
 * repository it may read, the app's follow-up and bypass issues opened in the period, as rows,
 * oldest first. Two listings per repository (paginated), and one `GET` per closed issue of the
 * app's for who closed it. Repositories are read one after the other, which keeps the rate
 * limit's use flat; an API error stops the run (a ledger with a hole would mislead an auditor).
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

async function repositoryRows(gw: Gateway, since: Date): Promise<AuditRow[]> {
  const repository = `${gw.owner}/${gw.repo}`;
  const seen = new Set<number>();
  const rows: AuditRow[] = [];
  for (const label of [APP_LABELS.followUp.name, APP_LABELS.bypass.name]) {
    for (const listed of await listIssuesOpenedSince(gw, { label, since })) {
      // An issue carrying both labels is listed twice; it is one row.
      if (seen.has(listed.number) || auditRowOf(listed, repository) === null) continue;
      seen.add(listed.number);
      const issue: AuditIssue = listed.state === "closed" ? await getAuditIssue(gw, listed.number) : listed;
      const row = auditRowOf(issue, repository);
      if (row) rows.push(row);
    }
  }
  return rows;
}
