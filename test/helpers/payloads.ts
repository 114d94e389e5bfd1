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
}

/** A `pull_request` event of the real example shape (Codertocat/Hello-World, default branch master). */
export function pullRequestEvent(options: PullRequestOptions = {}) {
  const payload = fixture<Record<string, any>>("pull_request.opened.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const pr = payload.pull_request;
  payload.action = options.action ?? "opened";
  pr.title = options.title ?? "Update the README with new information";
  pr.body = options.body === undefined ? "This is a pretty simple change." : options.body;
  pr.user.login = options.author ?? "alice";
  pr.head.sha = HEAD_SHA;
  pr.labels = (options.labels ?? []).map((name, i) => ({ id: i + 1, name, color: "ededed", default: false }));
  pr.base.ref = options.base ?? "master";
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
  payload.sender.login = options.sender ?? pr.user.login;
  payload.installation = { id: 2, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==" };
  return { id: `delivery-${Math.random().toString(36).slice(2)}`, name: "pull_request" as const, payload };
}

export function commitsResponse(messages: readonly string[]) {
  return messages.map((message, i) => ({
    sha: `${String(i).padStart(2, "0")}${HEAD_SHA.slice(2)}`,
    commit: { message, author: { name: "Alice", email: "alice@example.com" } },
    author: { login: "alice" },
  }));
}
