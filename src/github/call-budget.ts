import type { GitHubClient } from "./gateway.js";

/** `POST /app/installations/{installation_id}/access_tokens`, as a route or a URL. */
const INSTALLATION_TOKEN = /\/app\/installations\/[^/]+\/access_tokens$/;

/** Thrown instead of making a call past the budget: the caller fails closed and says why. */
export class CallBudgetExceededError extends Error {
  override name = "CallBudgetExceededError";
  constructor(readonly limit: number) {
    super(`more than ${limit} API calls would be needed`);
  }
}

/**
 * Runs `run` with at most `limit` API calls on `octokit` (REST, GraphQL, pagination and the
 * configuration read all go through its `request` hook). The call that would exceed the budget is
 * not made: it throws `CallBudgetExceededError`. The hook is the outermost one, so a request that
 * Octokit retries counts once; the installation token Octokit fetches (cached by Probot for an
 * hour) is not counted, as the README's budgets leave it out. The hook is removed when `run` ends.
 */
export async function withCallBudget<T>(octokit: GitHubClient, limit: number, run: (spent: () => number) => Promise<T>): Promise<T> {
  let calls = 0;
  const guard: Parameters<typeof octokit.hook.wrap<"request">>[1] = async (request, options) => {
    // The installation token, which Octokit fetches through the same hooks, is not the event's call.
    if (INSTALLATION_TOKEN.test(options.url)) return request(options);
    if (calls >= limit) throw new CallBudgetExceededError(limit);
    calls++;
    return request(options);
  };
  octokit.hook.wrap("request", guard);
  try {
    return await run(() => calls);
  } finally {
    octokit.hook.remove("request", guard);
  }
}
