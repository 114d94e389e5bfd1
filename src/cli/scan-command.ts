import type { Probot } from "probot";
import { listInstalledRepositories, scanRepositories, type InstalledRepository, type ScanOutcome } from "../drift/scan-job.js";
import { addScanJobs, onDemandDedupe, openScanQueue } from "../drift/scan-queue.js";
import { DEFAULT_REDIS_PREFIX } from "../infrastructure/redis-infrastructure.js";
import { PAUSE_BETWEEN_REPOSITORIES_MS } from "../drift/drift-schedule.js";
import { appLoginResolver } from "../github/app-identity.js";
import { CredentialsError, createAppFromEnv } from "./app-credentials.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, type CliCommand } from "./cli-command.js";

const NAME = "scan";
const SYNOPSIS = "scan [--repo OWNER/NAME]";
const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/** `--inline`: with `REDIS_URL`, scan here and now instead of queueing jobs for the app's workers. */
export function parseScanArgs(all: readonly string[]): { repo?: string; inline?: true } {
  const args = all.filter((arg) => arg !== "--inline");
  const inline = args.length < all.length ? { inline: true as const } : {};
  if (args.length === 0) return inline;
  const [flag, value, ...rest] = args.length === 1 && args[0]?.startsWith("--repo=") ? ["--repo", args[0].slice(7)] : args;
  if (flag !== "--repo" || rest.length > 0) throw new Error(`unexpected arguments: ${args.join(" ")}`);
  if (!value || !REPO.test(value)) throw new Error(`--repo needs OWNER/NAME, got "${value ?? ""}"`);
  return { repo: value, ...inline };
}

function describe(outcome: ScanOutcome): string {
  if ("error" in outcome) return `${outcome.repository}: error: ${outcome.error.split("\n")[0]}`;
  if ("skipped" in outcome) return `${outcome.repository}: skipped (${outcome.skipped})`;
  const made = [
    outcome.followUpsMade ? `${outcome.followUpsMade} follow-up(s) made` : "",
    outcome.bypassesMade ? `${outcome.bypassesMade} bypass issue(s) made` : "",
    outcome.reminders ? `${outcome.reminders} reminder(s)` : "",
  ].filter(Boolean);
  const items = `${outcome.open} open, ${outcome.accepted} accepted, ${outcome.newItems.length} new`;
  return `${outcome.repository}: ${items}; report ${outcome.report}${made.length ? `; ${made.join(", ")}` : ""}`;
}

async function queueScans(url: string, prefix: string, targets: readonly InstalledRepository[]): Promise<string[]> {
  const queue = openScanQueue(url, prefix);
  try {
    return await addScanJobs(queue, targets, { dedupe: onDemandDedupe() });
  } finally {
    await queue.close();
  }
}

/**
 * `pipeline-guard scan`: the same job as the in-process schedule, once, with the app's own
 * credentials, so that a CronJob or an Actions schedule can run it. With `REDIS_URL` it queues one
 * job per repository for the app's workers instead, unless `--inline`. Exit 1 when any repository's
 * scan failed; 2 for a usage error or missing credentials.
 */
export function createScanCommand(deps: { env?: NodeJS.ProcessEnv; createApp?: (env: NodeJS.ProcessEnv) => Probot; pauseMs?: number } = {}): CliCommand {
  const { env = process.env, createApp = createAppFromEnv, pauseMs = PAUSE_BETWEEN_REPOSITORIES_MS } = deps;
  return {
    name: NAME,
    synopsis: SYNOPSIS,
    summary: "run the drift scan once, for every installed repository or one (with REDIS_URL it is queued for the app's workers; --inline runs it here)",
    async run(args, io) {
      let options: { repo?: string; inline?: true };
      let app: Probot;
      try {
        options = parseScanArgs(args);
        app = createApp(env);
      } catch (error) {
        if (error instanceof Error && (error instanceof CredentialsError || !("status" in error))) {
          io.stderr(`pipeline-guard ${NAME}: ${error.message}\nUsage: pipeline-guard ${SYNOPSIS}`);
          return EXIT_USAGE;
        }
        throw error;
      }
      let outcomes: ScanOutcome[];
      try {
        const targets = await listInstalledRepositories(app, options.repo);
        if (options.repo && targets.length === 0) {
          io.stderr(`pipeline-guard ${NAME}: the app is not installed on ${options.repo}`);
          return EXIT_USAGE;
        }
        const redisUrl = env.REDIS_URL?.trim();
        if (redisUrl && !options.inline) {
          const ids = await queueScans(redisUrl, env.REDIS_PREFIX?.trim() || DEFAULT_REDIS_PREFIX, targets);
          for (const id of ids) io.stdout(`${id}: queued`);
          io.stderr(`pipeline-guard ${NAME}: ${ids.length} scan job(s) queued for the app's workers (see pipeline-guard queue; --inline scans here)`);
          return EXIT_OK;
        }
        outcomes = await scanRepositories(app, targets, { pauseMs, appLogin: await appLoginResolver(app)() });
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        return EXIT_INVALID;
      }
      for (const outcome of outcomes) io.stdout(describe(outcome));
      const failed = outcomes.filter((o) => "error" in o).length;
      io.stderr(`pipeline-guard ${NAME}: ${outcomes.length} repositories scanned, ${failed} failed`);
      return failed > 0 ? EXIT_INVALID : EXIT_OK;
    },
  };
}

export const scanCommand: CliCommand = createScanCommand();
