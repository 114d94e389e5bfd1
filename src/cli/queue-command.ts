import { openScanQueue, scanJobCounts } from "../drift/scan-queue.js";
import { DEFAULT_REDIS_PREFIX } from "../infrastructure/redis-infrastructure.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, type CliCommand } from "./cli-command.js";

const NAME = "queue";
const SYNOPSIS = "queue";
/** Failed jobs listed with their reason: the newest few say what is wrong. */
const FAILED_LISTED = 10;

/**
 * `pipeline-guard queue`: the drift scan jobs waiting, running and failed on the app's Redis
 * (`REDIS_URL`, `REDIS_PREFIX`), with the newest failures' reasons. Exit 1 when some failed.
 */
export function createQueueCommand(deps: { env?: NodeJS.ProcessEnv } = {}): CliCommand {
  const { env = process.env } = deps;
  return {
    name: NAME,
    synopsis: SYNOPSIS,
    summary: "show the drift scan jobs waiting, running and failed (needs REDIS_URL)",
    async run(args, io) {
      const url = env.REDIS_URL?.trim();
      if (args.length > 0 || !url) {
        io.stderr(`pipeline-guard ${NAME}: ${url ? `unexpected arguments: ${args.join(" ")}` : "REDIS_URL is not set: without Redis, scans are not queued"}\nUsage: pipeline-guard ${SYNOPSIS}`);
        return EXIT_USAGE;
      }
      const queue = openScanQueue(url, env.REDIS_PREFIX?.trim() || DEFAULT_REDIS_PREFIX, { failFast: true });
      try {
        const counts = await scanJobCounts(queue);
        io.stdout(`waiting ${counts.waiting}, active ${counts.active}, delayed ${counts.delayed} (retries), failed ${counts.failed}, completed ${counts.completed}`);
        for (const job of await queue.getJobs(["failed"], 0, FAILED_LISTED - 1)) {
          io.stdout(`failed ${job.id}: ${(job.failedReason ?? "").split("\n")[0]} (${job.attemptsMade} attempt(s))`);
        }
        return counts.failed > 0 ? EXIT_INVALID : EXIT_OK;
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        return EXIT_USAGE;
      } finally {
        await queue.close();
      }
    },
  };
}

export const queueCommand: CliCommand = createQueueCommand();
