import type { AppMetrics } from "./metrics.js";

/** How often a request hit by GitHub's secondary rate limit is retried, after the wait GitHub asks for. */
export const SECONDARY_RATE_LIMIT_RETRIES = 3;
/** GitHub: without `retry-after`, wait at least a minute before retrying a secondary rate limit. */
const DEFAULT_SECONDARY_WAIT_S = 60;
/** A wait longer than this is not worth holding a handler for: the error stands. */
const MAX_SECONDARY_WAIT_S = 120;

interface RequestOptions {
  method?: string;
  url?: string;
}
interface ResponseLike {
  status?: number;
  headers?: Record<string, string | number | undefined>;
}
type Request = (options: RequestOptions) => Promise<ResponseLike>;
export interface Instrumentable {
  hook: { wrap(name: "request", wrapper: (request: Request, options: RequestOptions) => Promise<ResponseLike>): void };
}
type Log = { warn(obj: object, msg: string): void };

const instrumented = new WeakSet<object>();

function secondaryWaitSeconds(error: unknown): number | null {
  const e = error as { status?: number; message?: string; response?: ResponseLike };
  if (e?.status !== 403 && e?.status !== 429) return null;
  const headers = e.response?.headers ?? {};
  const secondary = /secondary rate limit/i.test(e.message ?? "") || headers["retry-after"] !== undefined;
  // A primary rate limit (remaining 0) is Probot's throttle's to handle, not retried here.
  if (!secondary || String(headers["x-ratelimit-remaining"]) === "0") return null;
  const retryAfter = Number(headers["retry-after"]);
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : DEFAULT_SECONDARY_WAIT_S;
}

/**
 * Instruments a GitHub client the app was handed (a webhook's, or one from `app.auth`), whatever
 * hosts the app (`probot run`, a serverless adapter, our `main.ts`): counts each call by method,
 * route template and status, keeps the installation's rate limit remaining, and waits out and
 * retries a secondary rate limit (Probot's own throttle only logs it and gives up, which would
 * lose a write). Each client is instrumented once.
 */
export function instrumentOctokit<T extends object>(octokit: T, params: { metrics?: AppMetrics; installation: string; log: Log; sleep?: (ms: number) => Promise<void> }): T {
  const client = octokit as unknown as Instrumentable;
  if (instrumented.has(octokit) || typeof client.hook?.wrap !== "function") return octokit;
  instrumented.add(octokit);
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { metrics, installation } = params;
  const observe = (options: RequestOptions, status: number | string, headers?: ResponseLike["headers"]) => {
    metrics?.githubRequests.inc({ method: options.method ?? "GET", route: options.url ?? "unknown", status: String(status) });
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) metrics?.rateLimitRemaining.set({ installation }, remaining);
  };
  client.hook.wrap("request", async (request, options) => {
    for (let retry = 0; ; retry++) {
      try {
        const response = await request(options);
        observe(options, response.status ?? 200, response.headers);
        return response;
      } catch (error) {
        const e = error as { status?: number; response?: ResponseLike };
        observe(options, e.status ?? "error", e.response?.headers);
        const wait = secondaryWaitSeconds(error);
        if (wait === null || wait > MAX_SECONDARY_WAIT_S || retry >= SECONDARY_RATE_LIMIT_RETRIES) throw error;
        params.log.warn({ method: options.method, route: options.url, retry: retry + 1, waitSeconds: wait }, "secondary rate limit: waiting, then retrying");
        await sleep(wait * 1000);
      }
    }
  });
  return octokit;
}
