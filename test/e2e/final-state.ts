/**
 * What a repository of the fake holds after a scenario, as a person would see it on GitHub:
 * issues and pull requests with their labels, assignees and comments, check runs, labels,
 * dispatched workflows. Ids, times and the fake's port are left out, so that two runs of a
 * scenario (one of them through 502s) compare equal when they ended the same.
 */
import type { FakeGitHub } from "./fake-github.js";

export interface CommentState {
  author: string;
  body: string;
}

export interface IssueState {
  number: number;
  kind: "issue" | "pull request";
  title: string;
  state: string;
  stateReason: string | null;
  author: string;
  labels: string[];
  assignees: string[];
  body: string;
  comments: CommentState[];
}

export interface CheckRunState {
  sha: string;
  name: string;
  app: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
}

export interface RepositoryState {
  issues: IssueState[];
  checkRuns: CheckRunState[];
  labels: Array<{ name: string; color: string; description: string | null }>;
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<string, string> }>;
}

export function repositoryState(fake: FakeGitHub, fullName: string): RepositoryState {
  const repo = fake.repository(fullName);
  // Each environment has its own app key, from which its record signatures are derived: two runs
  // that wrote the same records differ only there.
  const clean = (text: string) => text.split(fake.origin).join("https://github.example").replace(/ sig=[0-9a-f]{64} -->/g, " sig=(signature) -->");
  const sorted = (names: readonly string[]) => [...names].sort((a, b) => a.localeCompare(b));
  return {
    issues: repo.issues.map((issue) => ({
      number: issue.number,
      kind: issue.isPullRequest ? "pull request" : "issue",
      title: issue.title,
      state: issue.state,
      stateReason: issue.stateReason,
      author: issue.user.login,
      labels: sorted(issue.labels),
      assignees: sorted(issue.assignees),
      body: clean(issue.body ?? ""),
      comments: repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => ({ author: c.user.login, body: clean(c.body) })),
    })),
    checkRuns: repo.checkRuns.map((run) => ({
      sha: run.headSha.slice(0, 7),
      name: run.name,
      app: run.app.slug,
      status: run.status,
      conclusion: run.conclusion,
      title: run.output.title,
      summary: run.output.summary === null ? null : clean(run.output.summary),
    })),
    labels: [...repo.labels].sort((a, b) => a.name.localeCompare(b.name)).map((l) => ({ name: l.name, color: l.color, description: l.description })),
    dispatches: repo.dispatches.map((d) => ({ ...d })),
  };
}

/** The issues (not pull requests) carrying a label. */
export function issuesLabelled(state: RepositoryState, label: string): IssueState[] {
  return state.issues.filter((i) => i.kind === "issue" && i.labels.includes(label));
}
