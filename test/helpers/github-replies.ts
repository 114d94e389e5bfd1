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

/* ---- the provenance GraphQL query (src/github/commit-provenance.ts) ---- */

/** A `Pipeline Guard` run as the provenance query reads it; by default the app's own, in Codertocat/Hello-World. */
export interface GuardRunReply {
  id?: number;
  conclusion: string | null;
  title?: string;
  summary?: string;
  /** The run's text: the app's memory of a PR's head (src/overrides/check-memory.ts). */
  text?: string;
  status?: string;
  /** The slug of the app whose suite holds it: `github-actions` for a workflow's job of that name. */
  app?: string;
  repository?: string;
}

export interface ProvenancePullRequestReply {
  number: number;
  state?: "OPEN" | "CLOSED" | "MERGED";
  merged?: boolean;
  mergeCommit?: string | null;
  baseRefName?: string;
  headRefOid: string;
  title?: string;
  body?: string;
  author?: string | null;
  /** `Bot`: GraphQL names a bot without `[bot]`. */
  authorType?: "User" | "Bot";
  headRepository?: string | null;
  commits?: number;
  /** The runs on the PR's head; `headOid` other than `headRefOid`: the query's last commit is not the head. */
  headChecks?: GuardRunReply[];
  headOid?: string;
}

export interface ProvenanceReply {
  /** `owner/name` of the repository asked (default Codertocat/Hello-World): the app's suites and the PRs are in it. */
  repository?: string;
  /** One `Ref.compare` status per production branch asked, in order; null: the branch does not exist. */
  statuses?: Array<string | null>;
  /** null: GitHub does not know the SHA. */
  commit?: {
    message?: string;
    author?: { login?: string | null; email?: string };
    committer?: { login?: string | null; email?: string };
    checks?: GuardRunReply[];
    pullRequests?: ProvenancePullRequestReply[];
  } | null;
}

let nextRunId = 1000;

function suitesReply(runs: readonly GuardRunReply[], repository: string) {
  return {
    nodes: runs.map((run) => ({
      app: { slug: run.app ?? "pipeline-guard" },
      repository: { nameWithOwner: run.repository ?? repository },
      checkRuns: {
        nodes: [
          {
            databaseId: run.id ?? nextRunId++,
            status: (run.status ?? "completed").toUpperCase(),
            conclusion: run.conclusion?.toUpperCase() ?? null,
            title: run.title ?? "Override allowed: skip-tests",
            ...(run.summary !== undefined ? { summary: run.summary } : {}),
            text: run.text ?? null,
          },
        ],
      },
    })),
  };
}

function gitActorReply(actor: { login?: string | null; email?: string } | undefined, fallback: string) {
  const login = actor?.login === undefined ? fallback : actor.login;
  return { email: actor?.email ?? `${login ?? "someone"}@example.com`, user: login ? { login } : null };
}

/** The answer of the provenance query: `{ data: … }`, as GitHub sends it. */
export function provenanceResponse(reply: ProvenanceReply = {}): Json {
  const fullName = reply.repository ?? "Codertocat/Hello-World";
  const repository: Json = {};
  (reply.statuses ?? ["IDENTICAL"]).forEach((status, i) => (repository[`branch${i}`] = status === null ? null : { compare: { status } }));
  const commit = reply.commit === undefined ? {} : reply.commit;
  repository.object =
    commit === null
      ? null
      : {
          __typename: "Commit",
          message: commit.message ?? "Fix the login timeout",
          author: gitActorReply(commit.author, "alice"),
          committer: gitActorReply(commit.committer, "alice"),
          checkSuites: suitesReply(commit.checks ?? [], fullName),
          associatedPullRequests: {
            nodes: (commit.pullRequests ?? []).map((pr) => ({
              number: pr.number,
              state: pr.state ?? (pr.merged === false ? "OPEN" : "MERGED"),
              merged: pr.merged ?? true,
              mergedAt: pr.merged === false ? null : "2026-11-20T10:00:00Z",
              title: pr.title ?? "Update the README with new information",
              body: pr.body ?? "This is a pretty simple change.",
              author: pr.author === null ? null : { __typename: pr.authorType ?? "User", login: pr.author ?? "alice" },
              mergedBy: pr.merged === false ? null : { __typename: "User", login: "bob" },
              baseRefName: pr.baseRefName ?? "master",
              baseRefOid: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
              headRefOid: pr.headRefOid,
              headRepository: pr.headRepository === null ? null : { nameWithOwner: pr.headRepository ?? fullName },
              baseRepository: { nameWithOwner: fullName },
              mergeCommit: pr.mergeCommit ? { oid: pr.mergeCommit } : null,
              commits: { totalCount: pr.commits ?? 1, nodes: [{ commit: { oid: pr.headOid ?? pr.headRefOid, checkSuites: suitesReply(pr.headChecks ?? [], fullName) } }] },
            })),
          },
        };
  return { data: { repository } };
}

/** The variables and query of a recorded GraphQL request. */
export function graphqlRequest(request: RecordedRequest): { query: string; variables: Json } {
  return request.body as { query: string; variables: Json };
}

/** `GET /app`: the app's own identity, asked once per process (the first memory read of a test app). */
export const APP_IDENTITY = { id: 9000, slug: "pipeline-guard", name: "Pipeline Guard" };

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
 * The memory read of an evaluation of an existing head (SPEC section 10, rules 6 and 12): the app's
 * latest `Pipeline Guard` check runs on `sha` (`runs`: POST bodies the app wrote; none by default:
 * nothing remembered). The app's own login it needs first (`GET /app`) is answered by the harness.
 */
export function memoryRead(api: nock.Scope, params: { repo: string; sha: string; runs?: Json[]; filter?: "latest" | "all" }): nock.Scope {
  const runs = (params.runs ?? []).map((body, i, all) => listedCheckRun(body, { id: all.length - i }));
  return api
    .get(`/repos/${params.repo}/commits/${params.sha}/check-runs`)
    .query({ check_name: "Pipeline Guard", filter: params.filter ?? "latest", per_page: 100 })
    .reply(200, { total_count: runs.length, check_runs: runs });
}
