import { hasHiddenKey, hiddenKey } from "../markdown/hidden-block.js";
import { type Gateway, statusOf, write } from "./gateway.js";
import { withKeyLock } from "../infrastructure/key-lock.js";
import { ensureLabels, type LabelSpec } from "./labels.js";

export interface IssueSummary {
  number: number;
  title: string;
  body: string;
  state: string;
  html_url: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  labels: Array<string | { name?: string }>;
  pull_request?: unknown;
  user?: { type?: string } | null;
  created_at?: string;
  updated_at?: string;
}

function summarize(issue: RawIssue): IssueSummary {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state,
    html_url: issue.html_url,
    labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    createdAt: issue.created_at ?? "",
    updatedAt: issue.updated_at ?? "",
  };
}

/**
 * The app's issue with this hidden key, among the issues carrying the kind's label, newest
 * first; the listing stops at the page that holds it. Only issues a bot opened count, so a
 * person cannot plant a key. The issues listing (unlike search) is consistent at once, which
 * is what makes a redelivered event find the issue its first delivery created.
 */
export async function findIssueByKey(gw: Gateway, params: { label: string; kind: string; key: string }): Promise<IssueSummary | null> {
  let found: IssueSummary | null = null;
  await gw.octokit.paginate(
    gw.octokit.rest.issues.listForRepo,
    { owner: gw.owner, repo: gw.repo, labels: params.label, state: "all", sort: "created", direction: "desc", per_page: 100 },
    (response, done) => {
      for (const issue of response.data as RawIssue[]) {
        if (!issue.pull_request && issue.user?.type === "Bot" && hasHiddenKey(issue.body, params.kind, params.key)) {
          found = summarize(issue);
          done();
          break;
        }
      }
      return [];
    },
  );
  return found;
}

/** The app's issues with a label (open ones by default), every page. */
export async function listAppIssues(gw: Gateway, params: { label: string; state?: "open" | "closed" | "all"; since?: Date }): Promise<IssueSummary[]> {
  const issues = (await gw.octokit.paginate(gw.octokit.rest.issues.listForRepo, {
    owner: gw.owner,
    repo: gw.repo,
    labels: params.label,
    state: params.state ?? "open",
    per_page: 100,
    ...(params.since ? { since: params.since.toISOString() } : {}),
  })) as RawIssue[];
  return issues.filter((issue) => !issue.pull_request && issue.user?.type === "Bot").map(summarize);
}

export interface NewIssue {
  /** The hidden key's kind and value: `follow-up` + `pr=12`. */
  kind: string;
  key: string;
  title: string;
  /** Rendered without the key; the key is added here so that no caller can forget it. */
  body: string;
  /** The first label is the kind's label, the one the look-up lists by. */
  labels: readonly [LabelSpec, ...LabelSpec[]];
  assignees?: readonly string[];
}

/**
 * Find-or-create by hidden key. Redelivered, replayed and concurrent events (in this process)
 * end with one issue. Assignees GitHub refuses (422: not a collaborator) are dropped rather
 * than losing the issue.
 */
export async function findOrCreateIssue(gw: Gateway, issue: NewIssue): Promise<{ issue: IssueSummary; created: boolean }> {
  return withKeyLock(`${gw.owner}/${gw.repo}:issue:${issue.kind} ${issue.key}`, async () => {
    const existing = await findIssueByKey(gw, { label: issue.labels[0].name, kind: issue.kind, key: issue.key });
    if (existing) return { issue: existing, created: false };
    await ensureLabels(gw, issue.labels);
    const body = `${hiddenKey(issue.kind, issue.key)}\n${issue.body}`;
    const labels = issue.labels.map((l) => l.name);
    const dry: IssueSummary = { number: 0, title: issue.title, body, state: "open", html_url: "", labels, createdAt: "", updatedAt: "" };
    const create = (assignees: readonly string[]) =>
      write(
        gw,
        "create issue",
        { kind: issue.kind, key: issue.key, title: issue.title, labels, assignees },
        async () => summarize((await gw.octokit.rest.issues.create({ owner: gw.owner, repo: gw.repo, title: issue.title, body, labels, assignees: [...assignees] })).data as RawIssue),
        dry,
      );
    try {
      return { issue: await create(issue.assignees ?? []), created: true };
    } catch (error) {
      if (statusOf(error) !== 422 || !issue.assignees?.length) throw error;
      gw.log.warn({ assignees: issue.assignees, key: issue.key }, "GitHub refused the assignees; creating the issue without them");
      return { issue: await create([]), created: true };
    }
  });
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
