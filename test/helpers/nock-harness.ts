/**
 * The one nock harness of the suite: a scope for api.github.com that records each request it
 * answers and each request nothing answered, a real Octokit without retries or throttling, a
 * Gateway on it with a logger whose lines the test can read, and the checks that every mocked
 * call happened and no other did. Handler tests load the app on top of it (test-app.ts); tests of
 * one module call `testGateway`.
 */
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import type { Gateway } from "../../src/github/gateway.js";
import { forgetKnownLabels } from "../../src/github/labels.js";
import { pullRequestFactsStore } from "../../src/overrides/newest-facts.js";

export const API = "https://api.github.com";
/** The app's bot login in every test: `GET /app` answers slug `pipeline-guard`. */
export const APP_LOGIN = "pipeline-guard[bot]";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/**
 * Probot's Octokit without retries and throttling. A function, not an object: an object loses to
 * Probot's own throttle options, and every write would then wait a second.
 */
export const NoRetryOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));

/** A pino logger whose lines the test can read. */
export function recordingLog(): { log: Gateway["log"]; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: pino({ level: "debug" }, stream) as unknown as Gateway["log"], lines };
}

/**
 * A nock scope for api.github.com that records each request it answers (method, path, parsed
 * body) and each request nothing answered, so a test proves both the calls it expects and that
 * no other call was made.
 */
export function mockGitHub(options: { appLogin?: boolean } = {}): { api: nock.Scope; requests: RecordedRequest[]; unmatched: string[] } {
  const requests: RecordedRequest[] = [];
  const unmatched: string[] = [];
  const api = nock(API);
  // The app's own login (`GET /app`, once per process) is asked whenever a record is looked up or
  // a bot acts: answered when asked, and a test that counts calls sees it in `requests`. A test of
  // what happens when GitHub cannot say (`appLogin: false`) answers it itself.
  if (options.appLogin !== false) api.get("/app").optionally().reply(200, { id: 9000, slug: "pipeline-guard", name: "Pipeline Guard" });
  api.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    let parsed: unknown = body;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      // a raw body stays a string
    }
    requests.push({ method: req.method, path: req.path, body: parsed });
  });
  nock.emitter.on("no match", (req: { method?: string; path?: string; options?: { method?: string; path?: string } }) => {
    unmatched.push(`${req.method ?? req.options?.method ?? "?"} ${req.path ?? req.options?.path ?? "?"}`);
  });
  return { api, requests, unmatched };
}

/** No network; a fresh label cache and no newest PR facts per test; every interceptor and listener gone after each test. */
export function setUpNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(async () => {
    forgetKnownLabels();
    await pullRequestFactsStore.clear();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.emitter.removeAllListeners("no match");
  });
}

/** Everything the test set up was called, and nothing else was. */
export function expectAllCallsMade(mock: { api: nock.Scope; unmatched: string[] }): void {
  expect(mock.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  expect(mock.api.isDone()).toBe(true);
}

/** A Gateway on a real Octokit (no retries, no throttling) for `owner/repo`, with a readable log. */
export function testGateway(options: { owner: string; repo: string; dryRun?: boolean }): { gw: Gateway; logs: LogLine[] } {
  const { log, lines } = recordingLog();
  const octokit = new NoRetryOctokit({ auth: { token: "test-token" } }) as unknown as Gateway["octokit"];
  // The harness's `GET /app` answers id 9000: the app's own check suites are those of that id.
  const appLogin = Object.assign(async () => APP_LOGIN, { appId: async () => 9000 });
  return { gw: { octokit, log, owner: options.owner, repo: options.repo, dryRun: options.dryRun ?? false, appLogin }, logs: lines };
}

/**
 * A Gateway for one repository on this harness, for the tests of one `src/github/` module: each
 * request it answers is recorded with its path decoded. Pair with `setUpGatewayNock`.
 */
export function nockGateway(options: { owner?: string; repo?: string; dryRun?: boolean } = {}): { gw: Gateway; api: nock.Scope; requests: RecordedRequest[]; logs: LogLine[] } {
  const { gw, logs } = testGateway({ owner: options.owner ?? "octo", repo: options.repo ?? "app", dryRun: options.dryRun });
  const requests: RecordedRequest[] = [];
  const api = nock(API);
  api.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    requests.push({ method: req.method, path: decodeURIComponent(req.path), body: body ? (JSON.parse(body) as unknown) : undefined });
  });
  return { gw, api, requests, logs };
}

/** `setUpNock`, and at the end of each test: every mocked call happened. */
export function setUpGatewayNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => forgetKnownLabels());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.emitter.removeAllListeners("no match");
    expect(pending).toEqual([]);
  });
}
