import type { Context } from "probot";
import { configVersion, rememberConfig } from "./config-cache.js";
import { loadConfig, type LoadedConfig } from "./load-config.js";

/** Reads the repository's configuration (one API call) and keeps it for the push pre-filter. */
export async function readConfig(context: Pick<Context, "config" | "log" | "repo">): Promise<LoadedConfig> {
  const { owner, repo } = context.repo();
  // The version is read before the file: a change landing in between leaves the entry outdated, never a stale one current.
  const version = await configVersion(owner, repo);
  const loaded = await loadConfig(context);
  rememberConfig(owner, repo, loaded, Date.now(), version);
  return loaded;
}
