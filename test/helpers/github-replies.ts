import type { RecordedRequest } from "./test-app.js";
import { pullRequestEvent, type PullRequestOptions } from "./payloads.js";

/** A parsed JSON request or response body, read freely in assertions. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The app's bot account, as GitHub shows it on the comments and issues the app made. */
export const APP_BOT = { login: "pipeline-guard[bot]", id: 9000, type: "Bot" };
export const PERSON = (login: string) => ({ login, id: 100, type: "User" });

/** The hidden key of the app's one PR comment. */
export const COMMENT_KEY = "<!-- pipeline-guard:comment pull-request -->";

export function botComment(id: number, body: string, user: { login: string; id: number; type: string } = APP_BOT) {
  return { id, body, user, html_url: `https://github.com/Codertocat/Hello-World/pull/2#issuecomment-${id}` };
}

/** An issue as `GET /repos/{o}/{r}/issues` lists it. */
export function issueResponse(params: { number: number; title: string; body: string; labels: string[]; user?: { login: string; id: number; type: string } }) {
  return {
    number: params.number,
    title: params.title,
    body: params.body,
    state: "open",
    html_url: `https://github.com/Codertocat/Hello-World/issues/${params.number}`,
    labels: params.labels.map((name, i) => ({ id: i + 1, name })),
    user: params.user ?? APP_BOT,
    created_at: "2026-11-20T10:00:00Z",
    updated_at: "2026-11-20T10:00:00Z",
  };
}

/** The query of the issues listing that finds a record by its key: the issues the app opened, newest first (never by label). */
export const RECORD_LOOKUP = { creator: "pipeline-guard[bot]", state: "all", sort: "created", direction: "desc", per_page: 100 };

/** A PR as `GET /repos/{o}/{r}/pulls/{n}` answers, in the same shape as the webhook's. */
export function pullRequestData(options: PullRequestOptions & { number?: number; repo?: string } = {}): Json {
  const pr = pullRequestEvent(options).payload.pull_request as Json;
  if (options.number !== undefined) pr.number = options.number;
  if (options.repo) {
    pr.base.repo = { ...pr.base.repo, full_name: options.repo };
    if (!options.fork) pr.head.repo = { ...pr.head.repo, full_name: options.repo };
  }
  return pr;
}

/** The GraphQL answer `requiredChecksState` reads: required contexts and the head's results. */
export function requiredChecksResponse(params: { required: string[]; results: Record<string, string>; viaRuleset?: boolean }) {
  const nodes = Object.entries(params.results).map(([name, conclusion]) => ({ __typename: "CheckRun", name, status: "COMPLETED", conclusion }));
  return {
    data: {
      repository: {
        pullRequest: {
          baseRef: params.viaRuleset
            ? {
                branchProtectionRule: null,
                rules: { nodes: [{ type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: params.required.map((context) => ({ context })) } }] },
              }
            : { branchProtectionRule: { requiredStatusCheckContexts: params.required }, rules: { nodes: [] } },
          commits: { nodes: [{ commit: { oid: "x", statusCheckRollup: { contexts: { nodes } } } }] },
        },
      },
    },
  };
}

export function bodies(requests: readonly RecordedRequest[]): Json[] {
  return requests.map((r) => (r.body ?? {}) as Json);
}

/** The requests of one method whose path starts with `prefix` (the query string ignored). */
export function requestsTo(requests: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((r) => r.method === method && r.path.split("?")[0] === path);
}

/** `METHOD path` of each request, the query string left out: the order of calls at a glance. */
export function callList(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${decodeURIComponent(r.path.split("?")[0] ?? "")}`);
}

/** The request body of the issue the app created (`POST /repos/{o}/{r}/issues`), if it made one. */
export function createdIssue(requests: readonly RecordedRequest[]): Json | undefined {
  return requests.find((r) => r.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(r.path.split("?")[0] ?? ""))?.body as Json | undefined;
}

/**
 * A record's body without its hidden signed block: what GitHub shows. The block keeps quoted text as
 * written (its JSON is inside an HTML comment, which GitHub neither renders nor scans for mentions).
 */
export function visible(body: string): string {
  return body.replace(/<!-- pipeline-guard:record .* -->/, "");
}
