import type nock from "nock";
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
  };
}

/** The query of the issues listing that finds an issue by its hidden key, for a kind's label. */
export function issuesByLabel(label: string) {
  return { labels: label, state: "all", sort: "created", direction: "desc", per_page: 100 };
}

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

/** `GET /app`: the app's own identity, asked once per process (the first memory read of a test app). */
export const APP_IDENTITY = { id: 1, slug: "pipeline-guard", name: "Pipeline Guard" };

/**
 * A check run as `GET /repos/{o}/{r}/commits/{sha}/check-runs` lists it, from the body the app
 * POSTed (so a test feeds the app's own memory back to it); `app` another app's slug to forge one.
 */
export function listedCheckRun(body: Json, options: { id?: number; app?: string } = {}): Json {
  return {
    id: options.id ?? 1,
    name: body.name,
    head_sha: body.head_sha,
    status: body.status,
    conclusion: body.conclusion,
    output: { title: body.output?.title ?? null, summary: body.output?.summary ?? null, text: body.output?.text ?? null },
    app: { id: options.app ? 2 : APP_IDENTITY.id, slug: options.app ?? APP_IDENTITY.slug },
  };
}

/**
 * The memory read of an evaluation of an existing head (SPEC section 10, rules 6 and 12): `GET /app`
 * when `identity` (the first time in a test app), then the app's latest `Pipeline Guard` check
 * runs on `sha` (`runs`: POST bodies the app wrote; none by default: nothing remembered).
 */
export function memoryRead(api: nock.Scope, params: { repo: string; sha: string; runs?: Json[]; identity?: boolean; filter?: "latest" | "all" }): nock.Scope {
  if (params.identity ?? true) api.get("/app").reply(200, APP_IDENTITY);
  const runs = (params.runs ?? []).map((body, i, all) => listedCheckRun(body, { id: all.length - i }));
  return api
    .get(`/repos/${params.repo}/commits/${params.sha}/check-runs`)
    .query({ check_name: "Pipeline Guard", filter: params.filter ?? "latest", per_page: 100 })
    .reply(200, { total_count: runs.length, check_runs: runs });
}
