import type { Context } from "probot";
import { parse as parseYaml } from "yaml";
import { unreadableConfig, validateConfig, type ValidatedConfig } from "./validate-config.js";

/** Read as `.github/pipeline-guard.yml` (SPEC section 2). */
export const CONFIG_FILE = "pipeline-guard.yml";

const CONFIG_PATH = `.github/${CONFIG_FILE}`;

/** `file`: a file was found (in the repository, or the org's `.github` repository). */
export interface LoadedConfig extends ValidatedConfig {
  source: "file" | "defaults";
}

/** Errors that @probot/octokit-plugin-config throws about the file's content, not about the API. */
const CONFIG_PLUGIN_PREFIX = "[@probot/octokit-plugin-config] ";

/**
 * Reads the repository's configuration through Probot, which reads only the default branch (a PR
 * can never weaken its own policy), falls back to the org's `.github` repository and follows
 * `_extends`. A broken file never crashes anything: it gives the defaults (the strictest setting to
 * who may use markers and run commands: what the file meant there is unknown) and an error to show.
 * An API failure (a 5xx, a 403) is thrown, so that callers fail closed rather than run with a
 * policy the repository did not choose; a missing file (404) is simply no file.
 */
export async function loadConfig(context: { config: Context["config"]; log: Context["log"] }): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    // No default object: with one, Probot returns it even when no file exists, and `source` could
    // not tell. Arrays replace the extended file's instead of being concatenated (SPEC section 9).
    raw = await context.config<Record<string, unknown>>(CONFIG_FILE, undefined, {
      arrayMerge: (_target: unknown[], source: unknown[]) => source,
    });
  } catch (error) {
    if (!isConfigFileError(error)) throw error;
    const message = describeConfigFileError(error);
    context.log.warn({ file: CONFIG_PATH, error: message }, "configuration file could not be read; the defaults apply, and only admins may use markers and run commands");
    return { ...unreadableConfig({ path: "(file)", message }), source: "defaults" };
  }

  return validated(raw, context.log);
}

function validated(raw: unknown, log: Pick<Context["log"], "warn">): LoadedConfig {
  const result = validateConfig(raw);
  if (result.errors.length > 0) {
    log.warn({ file: CONFIG_PATH, errors: result.errors }, "configuration has errors; the defaults apply to those keys");
  }
  return { ...result, source: raw === null || raw === undefined ? "defaults" : "file" };
}

/**
 * What one GraphQL answer says about `.github/pipeline-guard.yml` on a default branch: its text,
 * that there is no such file, or nothing certain (a binary or truncated blob, a directory, an
 * error, a repository GitHub did not answer for).
 */
export type ConfigBlob = { state: "text"; text: string } | { state: "absent" } | { state: "unknown" };

/** The file's content as Probot's config plugin reads it (`yaml.parse(text) || {}`); undefined when only the plugin can say what it means. */
function parsedBlob(blob: Extract<ConfigBlob, { state: "text" }>): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = parseYaml(blob.text, { logLevel: "error" }) || {};
  } catch {
    return undefined;
  }
  // A scalar or a list is the plugin's error or its own merge; `_extends` reads other files: both are left to it.
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || "_extends" in parsed) return undefined;
  return parsed as Record<string, unknown>;
}

/**
 * The configuration `loadConfig` would give, from the file's text read in a batch (the scheduled
 * scan's full reads): the repository's file, else the owner's `.github` repository's (not for the
 * `.github` repository itself), else none. Null whenever the blobs do not settle it (a file that
 * does not parse, `_extends`, an answer that is not certain): the caller then reads it through
 * Probot as usual, so that a batch never changes which policy applies.
 */
export function configFromBlobs(params: { repo: string; repository: ConfigBlob; org: ConfigBlob }, log: Pick<Context["log"], "warn">): LoadedConfig | null {
  const { repository, org } = params;
  if (repository.state === "text") {
    const raw = parsedBlob(repository);
    return raw === undefined ? null : validated(raw, log);
  }
  if (repository.state === "unknown") return null;
  if (params.repo.toLowerCase() === ".github" || org.state === "absent") return validated(null, log);
  if (org.state === "unknown") return null;
  const raw = parsedBlob(org);
  return raw === undefined ? null : validated(raw, log);
}

/** Invalid YAML, YAML that is not a mapping, a bad `_extends`, a directory: the file's fault. */
function isConfigFileError(error: unknown): error is Error {
  return error instanceof Error && !("status" in error) && error.message.startsWith(CONFIG_PLUGIN_PREFIX);
}

/** The plugin's message without its prefix, and the YAML parser's own first line (where, and what). */
function describeConfigFileError(error: Error): string {
  const message = error.message.slice(CONFIG_PLUGIN_PREFIX.length);
  const cause = error.cause instanceof Error ? error.cause.message.split("\n")[0]?.replace(/:\s*$/, "").trim() : undefined;
  return cause ? `${message}: ${cause}` : message;
}
