import type { Context } from "probot";
import { rememberConfig } from "./config-cache.js";
import { loadConfig, type LoadedConfig } from "./load-config.js";

/** Reads the repository's configuration (one API call) and keeps it for the push pre-filter. */
export async function readConfig(context: Pick<Context, "config" | "log" | "repo">): Promise<LoadedConfig> {
  const loaded = await loadConfig(context);
  const { owner, repo } = context.repo();
  rememberConfig(owner, repo, loaded);
  return loaded;
}
