import { currentInfrastructure } from "../infrastructure/current-infrastructure.js";
import type { LoadedConfig } from "./load-config.js";

/**
 * The last configuration read for each repository, so that a push to a branch that is not
 * production can be told apart without an API call. Every handler that reads the config
 * refreshes it; a push that changes `.github/pipeline-guard.yml` (in the repository, or in the
 * owner's `.github` repository that `_extends` points to) drops it; and it ages out.
 * With Redis, each entry carries the repository's and the owner's configuration version at the
 * time it was read; that push bumps the version, so every replica drops its copy at its next look.
 */
export const CONFIG_CACHE_TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 10_000;

const entries = () => currentInfrastructure().configs;

const keyOf = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

export function rememberConfig(owner: string, repo: string, loaded: LoadedConfig, now = Date.now(), version = ""): void {
  const kept = entries();
  const key = keyOf(owner, repo);
  // A refresh moves the entry to the newest place; only a repository not kept yet pushes the oldest out.
  if (!kept.delete(key) && kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value as string);
  kept.set(key, { loaded, expires: now + CONFIG_CACHE_TTL_MS, version });
}

export function cachedConfig(owner: string, repo: string, now = Date.now(), version = ""): LoadedConfig | undefined {
  const entry = entries().get(keyOf(owner, repo));
  return entry && entry.expires > now && entry.version === version ? (entry.loaded as LoadedConfig) : undefined;
}

/** The shared configuration version of a repository ("" in one process, where `forgetConfig` is enough). */
export function configVersion(owner: string, repo: string): Promise<string> {
  return currentInfrastructure().configVersions.current(owner, repo);
}

/** The cached configuration, if it is still the newest every replica knows of. */
export async function sharedCachedConfig(owner: string, repo: string, now = Date.now()): Promise<LoadedConfig | undefined> {
  if (!entries().get(keyOf(owner, repo))) return undefined;
  return cachedConfig(owner, repo, now, await configVersion(owner, repo));
}

/** A push changed the configuration: dropped here, and its version bumped for every other replica. */
export async function configChanged(owner: string, repo: string): Promise<void> {
  forgetConfig(owner, repo);
  await currentInfrastructure().configVersions.bump(owner, repo);
}

/** A change to the owner's `.github` repository may change every repository's defaults. */
export function forgetConfig(owner: string, repo: string): void {
  const kept = entries();
  if (repo.toLowerCase() === ".github") {
    const prefix = `${owner.toLowerCase()}/`;
    for (const key of [...kept.keys()]) if (key.startsWith(prefix)) kept.delete(key);
  } else {
    kept.delete(keyOf(owner, repo));
  }
}

export function forgetAllConfigs(): void {
  entries().clear();
}
