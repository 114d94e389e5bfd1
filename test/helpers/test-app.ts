import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import pipelineGuard from "../../src/index.js";
import { forgetKnownLabels } from "../../src/github/labels.js";

export const API = "https://api.github.com";
export const CONFIG_PATH = (repo: string) => `/repos/${repo}/contents/.github%2Fpipeline-guard.yml`;
/** What GitHub answers for a raw file (Octokit decodes text/* as a string). */
export const RAW = { "content-type": "text/plain; charset=utf-8" };

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
 * A Probot with the app loaded, a token (no installation-token call to count), no retries and no
 * throttling (each test that needs them builds its own Octokit), and a logger whose lines the
 * test can read.
 */
export function createTestApp(options: { Octokit?: typeof ProbotOctokit; app?: (app: Probot) => void } = {}): { probot: Probot; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const Octokit =
    options.Octokit ??
    ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
  const probot = new Probot({ githubToken: "test-token", Octokit, log: pino({ level: "debug" }, stream) });
  // `app`: the app function to load instead of the default export, e.g. createPipelineGuard({ pauseMs: 0 }).
  void probot.load(options.app ?? pipelineGuard);
  return { probot, logs };
}

/**
 * A nock scope for api.github.com that records each request it answers (method, path, parsed
 * body) and each request nothing answered, so a test proves both the calls it expects and that
 * no other call was made.
 */
export function mockGitHub(): { api: nock.Scope; requests: RecordedRequest[]; unmatched: string[] } {
  const requests: RecordedRequest[] = [];
  const unmatched: string[] = [];
  const api = nock(API);
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

export function setUpNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => forgetKnownLabels());
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
