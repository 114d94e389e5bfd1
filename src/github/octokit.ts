import { ProbotOctokit } from "probot";

/** How often a write hit by GitHub's secondary rate limit is retried, after the wait GitHub asks for. */
export const SECONDARY_RATE_LIMIT_RETRIES = 3;

type ThrottleOptions = { onSecondaryRateLimit?: unknown; onRateLimit?: unknown; [key: string]: unknown };
type Options = { throttle?: ThrottleOptions; log?: { warn: (msg: string) => void }; [key: string]: unknown };

/**
 * Probot 14's server only logs a secondary rate limit and gives up, which would lose the write
 * (a follow-up issue, a check run). This client waits as long as GitHub's `retry-after` says
 * and tries again, a bounded number of times. 5xx answers are retried by Probot's retry plugin.
 */
export const PipelineGuardOctokit = ProbotOctokit.defaults((options: Options) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      options.log?.warn(`secondary rate limit on ${request.method} ${request.url}: retry ${retryCount + 1} in ${retryAfter} s`);
      return retryCount < SECONDARY_RATE_LIMIT_RETRIES;
    },
  },
}));
