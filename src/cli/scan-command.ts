import type { Probot } from "probot";
import { planScanCost, type RateLeft } from "../drift/scan-cost-plan.js";
import { listInstalledRepositories, type InstalledRepository, type ScanOutcome } from "../drift/scan-job.js";
import { createScanPacer, parseScanBudget } from "../drift/scan-pacing.js";
import { runScheduledScan } from "../drift/scheduled-scan.js";
import { addScanJobs, onDemandDedupe, openScanQueue } from "../drift/scan-queue.js";
import { DEFAULT_REDIS_PREFIX } from "../infrastructure/redis-infrastructure.js";
import { appLoginResolver } from "../github/app-identity.js";
import { getRateLimit } from "../github/rate-limit.js";
import { CredentialsError, createAppFromEnv } from "./app-credentials.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, type CliCommand } from "./cli-command.js";
import { notifier } from "../notifications/notifier.js";

const NAME = "scan";
const SYNOPSIS = "scan [--repo OWNER/NAME] [--dry-run]";
const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/**
 * `--repo OWNER/NAME`, `--dry-run` (the cost plan, nothing read or written) and `--inline` (with
 * `REDIS_URL`, scan here and now instead of queueing jobs for the app's workers).
 */
export function parseScanArgs(args: readonly string[]): { repo?: string; dryRun?: true; inline?: true } {
  const options: { repo?: string; dryRun?: true; inline?: true } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--dry-run" && !options.dryRun) {
      options.dryRun = true;
      continue;
    }
    if (arg === "--inline" && !options.inline) {
      options.inline = true;
      continue;
    }
    const value = arg.startsWith("--repo=") ? arg.slice(7) : arg === "--repo" ? args[++i] : undefined;
    if ((arg !== "--repo" && !arg.startsWith("--repo=")) || options.repo !== undefined) throw new Error(`unexpected arguments: ${args.join(" ")}`);
    if (!value || !REPO.test(value)) throw new Error(`--repo needs OWNER/NAME, got "${value ?? ""}"`);
    options.repo = value;
  }
  return options;
}

/** `--dry-run`: the cost plan, from the listing and each installation's rate limit (free); nothing else is read, nothing written. */
async function printCostPlan(app: Probot, targets: readonly InstalledRepository[], budget: number, stdout: (s: string) => void): Promise<void> {
  const rates: RateLeft[] = [];
  for (const installationId of new Set(targets.map((t) => t.installationId))) {
    try {
      rates.push({ installationId, ...(await getRateLimit(app, installationId)) });
    } catch (error) {
      app.log.warn({ err: error, installation: installationId }, "rate limit unreadable; the plan leaves it out");
    }
  }
  const repositories = targets.map((t) => ({ repository: `${t.owner}/${t.repo}`, installationId: t.installationId, archived: t.archived }));
  for (const line of planScanCost({ repositories, budget, rates })) stdout(line);
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
  const queue = openScanQueue(url, prefix, { failFast: true });
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
export function createScanCommand(
  deps: { env?: NodeJS.ProcessEnv; createApp?: (env: NodeJS.ProcessEnv) => Probot; pauseMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): CliCommand {
  const { env = process.env, createApp = createAppFromEnv, pauseMs } = deps;
  return {
    name: NAME,
    synopsis: SYNOPSIS,
    summary: "run the drift scan once, for every installed repository or one (with REDIS_URL it is queued for the app's workers; --inline runs it here); --dry-run prints what it would cost",
    async run(args, io) {
      let options: { repo?: string; dryRun?: true; inline?: true };
      let app: Probot;
      let budget: number;
      try {
        options = parseScanArgs(args);
        budget = parseScanBudget(env.DRIFT_SCAN_BUDGET);
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
        if (options.dryRun) {
          await printCostPlan(app, targets, budget, io.stdout);
          io.stderr(`pipeline-guard ${NAME}: dry run: ${targets.length} repositories planned, nothing read or written`);
          return EXIT_OK;
        }
        const redisUrl = env.REDIS_URL?.trim();
        if (redisUrl && !options.inline) {
          const ids = await queueScans(redisUrl, env.REDIS_PREFIX?.trim() || DEFAULT_REDIS_PREFIX, targets);
          for (const id of ids) io.stdout(`${id}: queued`);
          io.stderr(`pipeline-guard ${NAME}: ${ids.length} scan job(s) queued for the app's workers (see pipeline-guard queue; --inline scans here)`);
          return EXIT_OK;
        }
        // A process of its own remembers nothing: every repository is read in full, paced by DRIFT_SCAN_BUDGET.
        const pacer = pauseMs === undefined ? createScanPacer({ budget }) : undefined;
        outcomes = await runScheduledScan({ app, targets, memory: null, pacer, pauseMs, appLogin: appLoginResolver(app), sleep: deps.sleep });
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        return EXIT_INVALID;
      }
      // The scan's notifications (new drift items, records made) are sent before the process exits.
      await notifier().drain();
      for (const outcome of outcomes) io.stdout(describe(outcome));
      const failed = outcomes.filter((o) => "error" in o).length;
      io.stderr(`pipeline-guard ${NAME}: ${outcomes.length} repositories scanned, ${failed} failed`);
      return failed > 0 ? EXIT_INVALID : EXIT_OK;
    },
  };
}

export const scanCommand: CliCommand = createScanCommand();
