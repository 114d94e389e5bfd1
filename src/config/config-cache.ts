import type { LoadedConfig } from "./load-config.js";

/**
 * The last configuration read for each repository, so that a push to a branch that is not
 * production can be told apart without an API call. Every handler that reads the config
 * refreshes it; a push that changes `.github/pipeline-guard.yml` (in the repository, or in the
 * owner's `.github` repository that `_extends` points to) drops it; and it ages out, for the
 * replicas that never saw that push.
 */
export const CONFIG_CACHE_TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 10_000;

const entries = new Map<string, { loaded: LoadedConfig; expires: number }>();

const keyOf = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

export function rememberConfig(owner: string, repo: string, loaded: LoadedConfig, now = Date.now()): void {
  const key = keyOf(owner, repo);
  // A refresh moves the entry to the newest place; only a repository not kept yet pushes the oldest out.
  if (!entries.delete(key) && entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entries.set(key, { loaded, expires: now + CONFIG_CACHE_TTL_MS });
}

export function cachedConfig(owner: string, repo: string, now = Date.now()): LoadedConfig | undefined {
  const entry = entries.get(keyOf(owner, repo));
  return entry && entry.expires > now ? entry.loaded : undefined;
}

/** A change to the owner's `.github` repository may change every repository's defaults. */
export function forgetConfig(owner: string, repo: string): void {
  if (repo.toLowerCase() === ".github") {
    const prefix = `${owner.toLowerCase()}/`;
    for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
  } else {
    entries.delete(keyOf(owner, repo));
  }
}

export function forgetAllConfigs(): void {
  entries.clear();
}
