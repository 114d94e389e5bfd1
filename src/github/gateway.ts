import type { Context } from "probot";
import { assertLocksHeld } from "../infrastructure/key-lock.js";
import type { AppLogin } from "./app-identity.js";

export type GitHubClient = Context["octokit"];
export type Log = Context["log"];

/**
 * Everything a GitHub call needs: the installation's client, the event's logger (it carries the
 * delivery id), the repository, and whether writes are only logged (`DRY_RUN`).
 * Every API call the app makes goes through the functions of `src/github/` with one of these.
 */
export interface Gateway {
  octokit: GitHubClient;
  log: Log;
  owner: string;
  repo: string;
  dryRun: boolean;
  /** The app's own login (`<slug>[bot]`): its records are the issues this account opened. */
  appLogin: AppLogin;
}

export function isDryRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return ["1", "true", "yes"].includes((env.DRY_RUN ?? "").trim().toLowerCase());
}

export function gatewayFor(context: Pick<Context, "octokit" | "log" | "repo">, appLogin: AppLogin, env: NodeJS.ProcessEnv = process.env): Gateway {
  const { owner, repo } = context.repo();
  return { octokit: context.octokit, log: context.log, owner, repo, dryRun: isDryRun(env), appLogin };
}

/**
 * Makes one write, or in dry-run mode logs what it would write and returns `dryResult`.
 * Fields are logged, never the body of a token-bearing request: nothing secret passes here.
 */
export async function write<T>(gw: Gateway, what: string, fields: Record<string, unknown>, run: () => Promise<T>, dryResult: T): Promise<T> {
  if (gw.dryRun) {
    gw.log.info({ ...fields, owner: gw.owner, repo: gw.repo, dryRun: true }, `dry run: would ${what}`);
    return dryResult;
  }
  gw.log.debug({ ...fields, owner: gw.owner, repo: gw.repo }, what);
  // Fencing: a write made under a shared lock that expired meanwhile is not made (fails closed).
  await assertLocksHeld();
  return run();
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}
