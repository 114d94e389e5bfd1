import type { GitHubClient } from "./gateway.js";

/**
 * Calls `see` with the headers of every answer `octokit` receives, errors included (a 403 or
 * 404 carries the rate-limit headers too), and counts the requests. Returns the count so far.
 * Only headers are passed on: never a body, a URL or a token.
 */
export function observeResponses(octokit: GitHubClient, see: (headers: Record<string, unknown>) => void): () => number {
  let requests = 0;
  octokit.hook.after("request", (response) => {
    requests++;
    see(response.headers as Record<string, unknown>);
  });
  octokit.hook.error("request", (error) => {
    requests++;
    const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
    if (headers) see(headers);
    throw error;
  });
  return () => requests;
}
