import type { Gateway } from "../github/gateway.js";
import type { AuditIssue } from "./audit-row.js";

const PER_PAGE = 100;

/**
 * The repository's issues with one label that were opened at or after `since`, every page, pull
 * requests left out. GitHub's `since` keeps issues *updated* since then, which holds every issue
 * opened since then and a few older ones, dropped here.
 */
export async function listIssuesOpenedSince(gw: Gateway, params: { label: string; since: Date }): Promise<AuditIssue[]> {
  const issues = (await gw.octokit.paginate(gw.octokit.rest.issues.listForRepo, {
    owner: gw.owner,
    repo: gw.repo,
    labels: params.label,
    state: "all",
    since: params.since.toISOString(),
    per_page: PER_PAGE,
  })) as AuditIssue[];
  return issues.filter((issue) => !issue.pull_request && new Date(issue.created_at).getTime() >= params.since.getTime());
}

/** One issue, with `closed_by`, which the listing leaves out. */
export async function getAuditIssue(gw: Gateway, issueNumber: number): Promise<AuditIssue> {
  const { data } = await gw.octokit.rest.issues.get({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber });
  return data as AuditIssue;
}
