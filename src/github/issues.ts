import { type Gateway, statusOf, write } from "./gateway.js";

/** An issue as the app reads it: what its records and the audit need. */
export interface IssueSummary {
  number: number;
  title: string;
  body: string;
  state: string;
  /** `completed`, `not_planned`, `reopened`, or null. */
  stateReason: string | null;
  html_url: string;
  labels: string[];
  /** Login of the account that opened it. */
  author: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  html_url: string;
  labels: Array<string | { name?: string | null }>;
  pull_request?: unknown;
  user?: { login?: string; type?: string } | null;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
  closed_by?: { login?: string } | null;
}

export function summarizeIssue(issue: RawIssue): IssueSummary {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state,
    stateReason: issue.state_reason ?? null,
    html_url: issue.html_url,
    labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    author: issue.user?.login ?? null,
    createdAt: issue.created_at ?? "",
    updatedAt: issue.updated_at ?? "",
    closedAt: issue.closed_at ?? null,
  };
}

const PER_PAGE = 100;

export interface IssueListing {
  /** Only issues this account opened: the app's records are found by author, never by a label alone. */
  creator: string;
  state: "open" | "closed" | "all";
  /** Issues updated at or after this time (GitHub's `since`). */
  since?: Date;
  /** `desc` (newest first) finds what was just made on the first page; `asc` finds the oldest. */
  direction?: "asc" | "desc";
}

/**
 * The issues one account opened (pull requests, and anything another account opened, left out),
 * page by page, in order of creation.
 * `visit` may return true to stop: the listing ends at the page that held what it looked for.
 */
export async function listIssuesByCreator(gw: Gateway, listing: IssueListing, visit?: (issue: IssueSummary) => boolean): Promise<IssueSummary[]> {
  const found: IssueSummary[] = [];
  await gw.octokit.paginate(
    gw.octokit.rest.issues.listForRepo,
    {
      owner: gw.owner,
      repo: gw.repo,
      creator: listing.creator,
      state: listing.state,
      sort: "created",
      direction: listing.direction ?? "desc",
      per_page: PER_PAGE,
      ...(listing.since ? { since: listing.since.toISOString() } : {}),
    },
    (response, done) => {
      for (const raw of response.data as RawIssue[]) {
        // GitHub filters by creator already; an issue of anyone else is never taken for the creator's.
        if (raw.pull_request || raw.user?.login?.toLowerCase() !== listing.creator.toLowerCase()) continue;
        const issue = summarizeIssue(raw);
        found.push(issue);
        if (visit?.(issue)) {
          done();
          break;
        }
      }
      return [];
    },
  );
  return found;
}

/**
 * The creator's issues a whole page at a time, until `enough` (asked after each page with every
 * issue listed so far) says so or no page is left: `complete` says that every issue was listed.
 */
export async function listIssuesByCreatorPages(
  gw: Gateway,
  listing: IssueListing,
  enough: (issues: readonly IssueSummary[]) => boolean,
): Promise<{ issues: IssueSummary[]; complete: boolean }> {
  const issues: IssueSummary[] = [];
  let complete = true;
  await gw.octokit.paginate(
    gw.octokit.rest.issues.listForRepo,
    { owner: gw.owner, repo: gw.repo, creator: listing.creator, state: listing.state, sort: "created", direction: listing.direction ?? "desc", per_page: PER_PAGE, ...(listing.since ? { since: listing.since.toISOString() } : {}) },
    (response, done) => {
      for (const raw of response.data as RawIssue[]) {
        // GitHub filters by creator already; an issue of anyone else is never taken for the creator's.
        if (!raw.pull_request && raw.user?.login?.toLowerCase() === listing.creator.toLowerCase()) issues.push(summarizeIssue(raw));
      }
      const more = /rel="next"/.test(String((response.headers as Record<string, unknown>).link ?? ""));
      if (more && enough(issues)) {
        complete = false;
        done();
      }
      return [];
    },
  );
  return { issues, complete };
}

/** One issue, with `closed_by`, which the listing leaves out. */
export async function getIssue(gw: Gateway, issueNumber: number): Promise<IssueSummary & { closedBy: string | null }> {
  const { data } = await gw.octokit.rest.issues.get({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber });
  const raw = data as RawIssue;
  return { ...summarizeIssue(raw), closedBy: raw.closed_by?.login ?? null };
}

export interface NewIssue {
  /** What the issue records (`{ kind, key }`), for the log line: a dry run says which record it would make. */
  record?: { kind: string; key: string };
  title: string;
  body: string;
  labels: readonly string[];
  assignees?: readonly string[];
}

/**
 * Creates an issue, once: Octokit's retry plugin is off for this request, because a `POST` that
 * landed and then answered 502 would be retried into a second issue. The caller decides what a
 * failure means (the record store looks the key up again before it creates again). Assignees
 * GitHub refuses (422: not a collaborator) are dropped rather than losing the issue.
 */
export async function createIssue(gw: Gateway, issue: NewIssue): Promise<IssueSummary> {
  const dry: IssueSummary = {
    number: 0,
    title: issue.title,
    body: issue.body,
    state: "open",
    stateReason: null,
    html_url: "",
    labels: [...issue.labels],
    author: null,
    createdAt: "",
    updatedAt: "",
    closedAt: null,
  };
  const create = (assignees: readonly string[]) =>
    write(
      gw,
      "create issue",
      { ...issue.record, title: issue.title, labels: issue.labels, assignees },
      async () =>
        summarizeIssue(
          (
            await gw.octokit.rest.issues.create({
              owner: gw.owner,
              repo: gw.repo,
              title: issue.title,
              body: issue.body,
              labels: [...issue.labels],
              assignees: [...assignees],
              request: { retries: 0 },
            })
          ).data as RawIssue,
        ),
      dry,
    );
  try {
    return await create(issue.assignees ?? []);
  } catch (error) {
    if (statusOf(error) !== 422 || !issue.assignees?.length) throw error;
    gw.log.warn({ assignees: issue.assignees, title: issue.title }, "GitHub refused the assignees; creating the issue without them");
    return create([]);
  }
}

export async function updateIssue(
  gw: Gateway,
  issueNumber: number,
  changes: { body?: string; state?: "open" | "closed"; state_reason?: "completed" | "not_planned" | "reopened" },
): Promise<void> {
  await write(gw, "update issue", { issue: issueNumber, state: changes.state, bodyChanged: changes.body !== undefined }, () => gw.octokit.rest.issues.update({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber, ...changes }), undefined);
}

export async function createComment(gw: Gateway, issueNumber: number, body: string): Promise<void> {
  await write(gw, "comment", { issue: issueNumber }, () => gw.octokit.rest.issues.createComment({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber, body }), undefined);
}
