import { getPrivateKey } from "@probot/get-private-key";
import { pino, type Logger } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { PipelineGuardOctokit } from "../github/octokit.js";

/** The app's credentials are missing or unreadable: the command cannot run as asked. */
export class CredentialsError extends Error {}

const HOW_TO_SET = "set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) as for the server (see .env.example)";
const KEY_ERROR_PREFIX = "[@probot/get-private-key] ";

/**
 * The app, authenticated as itself from the environment the server reads (SPEC section 9):
 * `APP_ID`, `PRIVATE_KEY` (PEM, `\n`-escaped or base64) or `PRIVATE_KEY_PATH` (or a lone `*.pem`
 * in `cwd`, as Probot does), and `GHE_HOST` / `GHE_PROTOCOL` for GitHub Enterprise Server.
 * The CLI commands that read every installation (`audit`, `scan`) start here. Logs go to stderr
 * at `LOG_LEVEL` (default `warn`), so that stdout carries only the command's output; the key is
 * never logged or put in an error message.
 */
export function createAppFromEnv(
  env: NodeJS.ProcessEnv,
  options: { Octokit?: typeof ProbotOctokit; log?: Logger; cwd?: string } = {},
): Probot {
  const appId = (env.APP_ID ?? "").trim();
  if (appId === "") throw new CredentialsError(`the app's credentials are missing: APP_ID is not set; ${HOW_TO_SET}`);
  if (!/^\d+$/.test(appId)) throw new CredentialsError(`APP_ID "${appId}" is not a number: it is the app's numeric id, shown on its settings page`);

  let privateKey: string | null;
  try {
    privateKey = getPrivateKey({ env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(KEY_ERROR_PREFIX, "") : String(error);
    throw new CredentialsError(`the app's private key cannot be read: ${message}`);
  }
  if (!privateKey) throw new CredentialsError(`the app's credentials are missing: PRIVATE_KEY or PRIVATE_KEY_PATH is not set; ${HOW_TO_SET}`);

  const host = (env.GHE_HOST ?? "").trim();
  const baseUrl = host === "" ? undefined : `${(env.GHE_PROTOCOL ?? "").trim() || "https"}://${host}/api/v3`;
  const log = options.log ?? pino({ name: "pipeline-guard", level: env.LOG_LEVEL ?? "warn" }, pino.destination(2));
  return new Probot({ appId, privateKey, log, Octokit: options.Octokit ?? PipelineGuardOctokit, ...(baseUrl === undefined ? {} : { baseUrl }) });
}

/**
 * The app for a command that reads GitHub (`audit`, `report`), or null after telling the user
 * why its credentials cannot be used: the caller exits with the usage code. Any other error is
 * not the user's to fix and propagates.
 */
export function appForCommand(name: string, params: { env: NodeJS.ProcessEnv; createApp: (env: NodeJS.ProcessEnv) => Probot; stderr: (s: string) => void }): Probot | null {
  try {
    return params.createApp(params.env);
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    params.stderr(`pipeline-guard ${name}: ${error.message}`);
    return null;
  }
}
