import { jest } from "@jest/globals";
import nock from "nock";
import { ProbotOctokit } from "probot";
import type { Gateway } from "../../src/github/gateway.js";
import { forgetKnownLabels } from "../../src/github/labels.js";

export const API = "https://api.github.com";
export const OWNER = "octo";
export const REPO = "app";
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/** A Gateway on a real Octokit (no retries, no throttling) against nock, recording each request it answers. */
export function nockGateway(options: { dryRun?: boolean } = {}): { gw: Gateway; api: nock.Scope; requests: Recorded[] } {
  const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
  const octokit = new Octokit({ auth: { token: "test-token" } });
  const log = { info: jest.fn(), debug: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const requests: Recorded[] = [];
  const api = nock(API);
  api.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    requests.push({ method: req.method, path: decodeURIComponent(req.path), body: body ? (JSON.parse(body) as unknown) : undefined });
  });
  const gw = { octokit, log: log as unknown as Gateway["log"], owner: OWNER, repo: REPO, dryRun: options.dryRun ?? false } as Gateway;
  return { gw, api, requests };
}

export function setUpGatewayNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => forgetKnownLabels());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
