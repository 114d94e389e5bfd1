import { readFileSync } from "node:fs";

/** A fixture of test/fixtures, parsed afresh each time so tests can change it freely. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export const REPO = "Codertocat/Hello-World";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const MERGE_SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

export interface PullRequestOptions {
  action?: string;
  title?: string;
  body?: string | null;
  author?: string;
  labels?: string[];
  fork?: boolean;
  base?: string;
  commits?: number;
  merged?: boolean;
  mergedBy?: string;
  sender?: string;
  label?: string;
  /** `synchronize`: the previous head. */
  before?: string;
  /** `edited`: what changed, as GitHub sends it (`{ title: { from } }`, `{ body: { from } }`). */
  changes?: Record<string, { from: string | null }>;
  /** The PR's `updated_at`; GitHub's order of the facts. */
  updatedAt?: string;
  /** A PR number other than 2. */
  number?: number;
}

/** The pull request of an event, with the options' title, body, author, labels and base on the head HEAD_SHA. */
function shapePullRequest(pr: Record<string, any>, options: { title?: string; body?: string | null; author?: string; labels?: string[]; base?: string }): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  pr.title = options.title ?? "Update the README with new information";
  pr.body = options.body === undefined ? "This is a pretty simple change." : options.body;
  pr.user.login = options.author ?? "alice";
  pr.head.sha = HEAD_SHA;
  pr.labels = (options.labels ?? []).map((name, i) => ({ id: i + 1, name, color: "ededed", default: false }));
  pr.base.ref = options.base ?? "master";
}

/** A `pull_request` event of the real example shape (Codertocat/Hello-World, default branch master). */
export function pullRequestEvent(options: PullRequestOptions = {}) {
  const payload = fixture<Record<string, any>>("pull_request.opened.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const pr = payload.pull_request;
  payload.action = options.action ?? "opened";
  shapePullRequest(pr, options);
  pr.commits = options.commits ?? 1;
  if (options.fork) pr.head.repo = { ...pr.head.repo, full_name: "mallory/Hello-World" };
  if (options.merged) {
    pr.state = "closed";
    pr.merged = true;
    pr.merged_at = "2026-11-20T10:00:00Z";
    pr.merge_commit_sha = MERGE_SHA;
    pr.merged_by = { ...pr.user, login: options.mergedBy ?? "bob" };
  }
  if (options.label) payload.label = { id: 99, name: options.label, color: "d93f0b", default: false };
  if (options.before) payload.before = options.before;
  if (options.changes) payload.changes = options.changes;
  if (options.updatedAt) pr.updated_at = options.updatedAt;
  if (options.number !== undefined) {
    pr.number = options.number;
    payload.number = options.number;
  }
  payload.sender.login = options.sender ?? pr.user.login;
  payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
  // `any`: the example shape, changed freely by tests, is what `probot.receive` takes.
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "pull_request" as const, payload: payload as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CommitOptions {
  message: string;
  sha?: string;
  /** The author's login; null: GitHub ties the author's email to no account. Default alice. */
  author?: string | null;
  /** The committer's login, when another (a rebase or cherry-pick by someone else). */
  committer?: string | null;
  parents?: string[];
}

/** The i-th commit SHA of `commitsResponse`. */
export const commitSha = (i: number) => `${String(i).padStart(2, "0")}${HEAD_SHA.slice(2)}`;

export function commitsResponse(messages: ReadonlyArray<string | CommitOptions>) {
  return messages.map((entry, i) => {
    const c = typeof entry === "string" ? { message: entry } : entry;
    const author = c.author === undefined ? "alice" : c.author;
    return {
      sha: c.sha ?? commitSha(i),
      commit: { message: c.message, author: { name: "Alice", email: "alice@example.com" } },
      author: author === null ? null : { login: author },
      ...(c.committer === undefined ? {} : { committer: c.committer === null ? null : { login: c.committer } }),
      ...(c.parents ? { parents: c.parents.map((sha) => ({ sha })) } : {}),
    };
  });
}

/* ---- push and workflow_run (test/handlers/push*.test.ts, workflow-run.test.ts) ---- */

/** The payload type Probot's `receive` expects for an event name. */
type PayloadOf<Name extends string> = Extract<Parameters<import("probot").Probot["receive"]>[0], { name: Name }>["payload"];

/** The branch's head before the push, and the pushed head (the real example's commit). */
export const BEFORE_SHA = "9049f1265b7d61be4a8904a9a27120d2064dab3b";
export const PUSH_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
export const ZERO_SHA = "0".repeat(40);

/** A distinct, valid commit SHA for the i-th commit of a generated push. */
export function pushCommitSha(i: number): string {
  return `${i.toString(16).padStart(8, "0")}${"c0ffee".repeat(6).slice(0, 32)}`;
}

export interface PushCommitOptions {
  id?: string;
  message: string;
  /** The author's GitHub login; null: the email is tied to no account (no `username`). */
  username?: string | null;
  added?: string[];
  modified?: string[];
  removed?: string[];
}

export interface PushOptions {
  ref?: string;
  before?: string;
  after?: string;
  /** Messages or commits, oldest first; the last one is `after` unless it has its own id. Default: one plain commit. */
  commits?: ReadonlyArray<string | PushCommitOptions>;
  /** null: no head commit (a deletion, or a push that brought no commit). Default: the last commit. */
  headCommit?: null;
  forced?: boolean;
  deleted?: boolean;
  created?: boolean;
  sender?: string;
  senderType?: "User" | "Bot";
  defaultBranch?: string;
  /** `owner/name` of another repository (e.g. the org's `.github`). */
  repo?: string;
}

/** A `push` event of the real example shape (Codertocat/Hello-World, default branch master). */
export function pushEvent(options: PushOptions = {}) {
  const payload = fixture<Record<string, any>>("push.direct.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const template = payload.commits[0];
  const deleted = options.deleted ?? false;
  const after = options.after ?? (deleted ? ZERO_SHA : PUSH_SHA);
  const list = options.commits ?? (deleted ? [] : ["Fix the login timeout"]);
  const commits = list.map((entry, i) => {
    const c: PushCommitOptions = typeof entry === "string" ? { message: entry } : entry;
    const id = c.id ?? (i === list.length - 1 ? after : pushCommitSha(i));
    const author: Record<string, string> = { name: "Alice", email: "alice@example.com" };
    if (c.username !== null) author.username = c.username ?? "alice";
    return {
      ...template,
      id,
      url: `https://github.com/${REPO}/commit/${id}`,
      message: c.message,
      author,
      added: c.added ?? [],
      modified: c.modified ?? [],
      removed: c.removed ?? [],
    };
  });
  payload.ref = options.ref ?? "refs/heads/master";
  payload.before = options.before ?? BEFORE_SHA;
  payload.after = after;
  payload.commits = commits;
  payload.head_commit = options.headCommit === null ? null : (commits.at(-1) ?? null);
  payload.forced = options.forced ?? false;
  payload.deleted = deleted;
  payload.created = options.created ?? false;
  payload.compare = `https://github.com/${REPO}/compare/${payload.before.slice(0, 12)}...${after.slice(0, 12)}`;
  const sender = options.sender ?? "alice";
  payload.sender = { ...payload.sender, login: sender, type: options.senderType ?? (sender.endsWith("[bot]") ? "Bot" : "User") };
  payload.pusher = { name: sender, email: `${sender}@example.com` };
  if (options.defaultBranch) payload.repository.default_branch = options.defaultBranch;
  if (options.repo) {
    const [owner = "", name = ""] = options.repo.split("/");
    payload.repository.full_name = options.repo;
    payload.repository.name = name;
    payload.repository.owner = { ...payload.repository.owner, login: owner, name: owner };
  }
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "push" as const, payload: payload as PayloadOf<"push"> };
}

/** `GET /repos/{o}/{r}/commits/{sha}/pulls`: the PR merged into `base` (default master) whose merge commit `sha` is. */
export function mergedPullsForCommit(sha: string, options: { number?: number; base?: string } = {}) {
  const pr = pullRequestEvent({ merged: true, base: options.base }).payload.pull_request;
  return [{ ...pr, number: options.number ?? 2, merge_commit_sha: sha }];
}

/** A compare API answer (`GET /repos/{o}/{r}/compare/{base}...{head}`): one page of commits. */
export function compareResponse(params: { total: number; commits: ReadonlyArray<{ sha: string; message: string }> }) {
  return {
    status: "ahead",
    ahead_by: params.total,
    behind_by: 0,
    total_commits: params.total,
    commits: params.commits.map((c) => ({ sha: c.sha, commit: { message: c.message, author: { name: "Alice", email: "alice@example.com" } }, author: { login: "alice" } })),
    files: [],
  };
}

export interface WorkflowRunOptions {
  conclusion?: string | null;
  /** The run's event: the app's retest is `workflow_dispatch`. */
  event?: string;
  triggeringActor?: { login: string; type: string } | null;
  path?: string;
  headSha?: string;
  headBranch?: string;
  displayTitle?: string;
  runId?: number;
}

/** A `workflow_run.completed` event of the real example shape, by default the app's own retest dispatch of ci.yml on master. */
export function workflowRunEvent(options: WorkflowRunOptions = {}) {
  const payload = fixture<Record<string, any>>("workflow_run.completed.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const run = payload.workflow_run;
  const runId = options.runId ?? run.id;
  run.id = runId;
  run.html_url = `https://github.com/${REPO}/actions/runs/${runId}`;
  run.conclusion = options.conclusion === undefined ? "success" : options.conclusion;
  run.event = options.event ?? "workflow_dispatch";
  run.path = options.path ?? ".github/workflows/ci.yml";
  run.head_sha = options.headSha ?? PUSH_SHA;
  run.head_commit.id = run.head_sha;
  run.head_branch = options.headBranch ?? "master";
  run.display_title = options.displayTitle ?? "CI";
  if (options.triggeringActor === null) delete run.triggering_actor;
  else if (options.triggeringActor) run.triggering_actor = { ...run.triggering_actor, ...options.triggeringActor };
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "workflow_run" as const, payload: payload as PayloadOf<"workflow_run"> };
}

/* ---- pull_request_review (test/handlers/pull-request-review.test.ts) ---- */

export interface PullRequestReviewOptions {
  action?: "submitted" | "edited" | "dismissed";
  title?: string;
  body?: string | null;
  author?: string;
  labels?: string[];
  state?: "open" | "closed";
  base?: string;
  /** Who submitted (or dismissed) the review. */
  sender?: string;
}

/** A `pull_request_review` event of the real example shape (Codertocat/Hello-World #2, default branch master). */
export function pullRequestReviewEvent(options: PullRequestReviewOptions = {}) {
  const action = options.action ?? "submitted";
  const payload = fixture<Record<string, any>>(`pull_request_review.${action === "dismissed" ? "dismissed" : "submitted"}.json`); // eslint-disable-line @typescript-eslint/no-explicit-any
  const pr = payload.pull_request;
  payload.action = action;
  shapePullRequest(pr, options);
  pr.state = options.state ?? "open";
  payload.sender.login = options.sender ?? "bob";
  payload.review.user.login = options.sender ?? "bob";
  payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "pull_request_review" as const, payload: payload as PayloadOf<"pull_request_review"> };
}
