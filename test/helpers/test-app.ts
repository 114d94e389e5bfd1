import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import pipelineGuard from "../../src/index.js";
import { NoRetryOctokit, type LogLine } from "./nock-harness.js";

export { API, expectAllCallsMade, mockGitHub, setUpNock, type LogLine, type RecordedRequest } from "./nock-harness.js";
export const CONFIG_PATH = (repo: string) => `/repos/${repo}/contents/.github%2Fpipeline-guard.yml`;
/** What GitHub answers for a raw file (Octokit decodes text/* as a string). */
export const RAW = { "content-type": "text/plain; charset=utf-8" };

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
  const Octokit = options.Octokit ?? NoRetryOctokit;
  const probot = new Probot({ githubToken: "test-token", Octokit, log: pino({ level: "debug" }, stream) });
  // `app`: the app function to load instead of the default export, e.g. createPipelineGuard({ pauseMs: 0 }).
  void probot.load(options.app ?? pipelineGuard);
  return { probot, logs };
}
