import type { Probot } from "probot";

/** What an installation has left of its REST rate limit. `GET /rate_limit` itself costs nothing. */
export async function getRateLimit(app: Pick<Probot, "auth">, installationId: number): Promise<{ remaining: number; resetAt: Date }> {
  const octokit = await app.auth(installationId);
  const { data } = await octokit.rest.rateLimit.get();
  return { remaining: data.resources.core.remaining, resetAt: new Date(data.resources.core.reset * 1000) };
}
