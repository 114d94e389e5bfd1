import type { Gateway } from "./gateway.js";

export interface CommitText {
  sha: string;
  message: string;
  /** The GitHub login of the commit's author, when GitHub could tie the email to one. */
  author: string | null;
  /** The GitHub login of the commit's committer (who rebased or cherry-picked it), likewise. */
  committer: string | null;
  /** Parent SHAs, where the API gives them (not in a push payload): tells what a push added. */
  parents?: string[];
}

/** GitHub documents a 250-commit cap on the pull request commits REST endpoint. */
export const PULL_REQUEST_COMMITS_REST_LIMIT = 250;
const PER_PAGE = 100;
/** A bound on pages, so that a pathological range cannot run the rate limit dry: 100,000 commits. */
const MAX_COMPARE_PAGES = 1000;

/**
 * Past this many commits a PR is not read at all: its check fails closed and asks for a split
 * (SPEC section 10, rule 12), so that nobody can make every event of a PR cost dozens of calls.
 * 1,000 commits are 10 pages of the compare API.
 */
export const MAX_PULL_REQUEST_COMMITS = 1000;

/** A PR with more commits than Pipeline Guard reads; its check fails closed with this message. */
export class TooManyCommitsError extends Error {
  constructor(readonly count: number) {
    super(`more than ${MAX_PULL_REQUEST_COMMITS.toLocaleString("en-US")} commits: Pipeline Guard does not page through them; split the PR`);
    this.name = "TooManyCommitsError";
  }
}

interface RawCommit {
  sha: string;
  commit: { message: string };
  author?: { login?: string } | null;
  committer?: { login?: string } | null;
  parents?: Array<{ sha: string }>;
}

/** GitHub documents that a push payload lists at most 2,048 commits; past that the compare API has the rest. */
export const PUSH_PAYLOAD_COMMIT_LIMIT = 2048;
const ZERO_SHA = /^0+$/;

const toText = (c: RawCommit): CommitText => ({
  sha: c.sha,
  message: c.commit.message,
  author: c.author?.login ?? null,
  committer: c.committer?.login ?? null,
  parents: (c.parents ?? []).map((p) => p.sha),
});

/**
 * Every commit between two SHAs (three-dot: what `head` adds over their merge base), through the
 * compare API's pagination, which is not capped at 250 commits like the PR commits endpoint.
 * `maxCommits`: past it, nothing more is read and `TooManyCommitsError` is thrown.
 */
export async function compareCommits(gw: Gateway, base: string, head: string, options: { firstPage?: number; maxCommits?: number } = {}): Promise<CommitText[]> {
  const commits: CommitText[] = [];
  for (let page = options.firstPage ?? 1; page <= MAX_COMPARE_PAGES; page++) {
    const { data } = await gw.octokit.rest.repos.compareCommitsWithBasehead({ owner: gw.owner, repo: gw.repo, basehead: `${base}...${head}`, per_page: PER_PAGE, page });
    if (options.maxCommits !== undefined && data.total_commits > options.maxCommits) throw new TooManyCommitsError(data.total_commits);
    commits.push(...(data.commits as RawCommit[]).map(toText));
    if (data.commits.length < PER_PAGE || page * PER_PAGE >= data.total_commits) break;
  }
  return commits;
}

/**
 * All of a PR's commits: the PR endpoint up to its cap (one call per 100), the compare API past it.
 * A PR of more than `MAX_PULL_REQUEST_COMMITS` is not read: `TooManyCommitsError`, no call.
 */
export async function listPullRequestCommits(
  gw: Gateway,
  pr: { number: number; commits?: number; baseSha: string; headSha: string },
): Promise<CommitText[]> {
  if ((pr.commits ?? 0) > MAX_PULL_REQUEST_COMMITS) throw new TooManyCommitsError(pr.commits ?? 0);
  if ((pr.commits ?? 0) > PULL_REQUEST_COMMITS_REST_LIMIT) return compareCommits(gw, pr.baseSha, pr.headSha, { maxCommits: MAX_PULL_REQUEST_COMMITS });
  const commits = await gw.octokit.paginate(gw.octokit.rest.pulls.listCommits, { owner: gw.owner, repo: gw.repo, pull_number: pr.number, per_page: PER_PAGE });
  return (commits as RawCommit[]).map(toText);
}

/**
 * Every commit the push brought: the payload's list, and past its cap the compare API from the
 * page where the payload stops (one call per 100 commits beyond it).
 */
export async function pushedCommits(
  gw: Gateway,
  payload: {
    before: string;
    after: string;
    commits: ReadonlyArray<{ id: string; message: string; author?: { username?: string | null } | null; committer?: { username?: string | null } | null }>;
  },
): Promise<CommitText[]> {
  const listed: CommitText[] = payload.commits.map((c) => ({ sha: c.id, message: c.message, author: c.author?.username ?? null, committer: c.committer?.username ?? null }));
  if (listed.length < PUSH_PAYLOAD_COMMIT_LIMIT || ZERO_SHA.test(payload.before)) return listed;
  const firstPage = Math.floor(listed.length / PER_PAGE) + 1;
  const more = await compareCommits(gw, payload.before, payload.after, { firstPage });
  const seen = new Set(listed.map((c) => c.sha));
  return [...listed, ...more.filter((c) => !seen.has(c.sha))];
}
