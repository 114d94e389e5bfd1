import type { Probot } from "probot";
import { parseSince } from "../audit/parse-since.js";
import { renderReport, REPORT_FORMATS, type ReportFormat } from "../audit/report-formats.js";
import { runReport } from "../audit/run-report.js";
import { appForCommand, createAppFromEnv } from "./app-credentials.js";
import { describeApiError, EXIT_INVALID, EXIT_OK, EXIT_USAGE, messageOf, readValueFlags, type CliCommand } from "./cli-command.js";

const NAME = "report";
const SYNOPSIS = "report [--since 90d] [--format md|json]";
const DEFAULT_SINCE = "90d";
const DEFAULT_FORMAT: ReportFormat = "md";

export interface ReportOptions {
  since: string;
  format: ReportFormat;
}

/** `--since 90d`, `--since=90d`, `--format md|json`; anything else is an error. */
export function parseReportArgs(args: readonly string[]): ReportOptions {
  const values = readValueFlags(args, ["--since", "--format"]);
  const format = values.get("--format") ?? DEFAULT_FORMAT;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`--format "${format}": expected one of ${REPORT_FORMATS.join(", ")}`);
  return { since: values.get("--since") ?? DEFAULT_SINCE, format: format as ReportFormat };
}

/**
 * `pipeline-guard report`: the figures of the period against the previous one of the same length,
 * per repository, team of the author and marker. The report goes to stdout; a one-line summary to
 * stderr. Exit codes: 0 done; 1 GitHub answered with an error; 2 a usage error or missing credentials.
 */
export function createReportCommand(deps: { env?: NodeJS.ProcessEnv; now?: () => Date; createApp?: (env: NodeJS.ProcessEnv) => Probot } = {}): CliCommand {
  const { env = process.env, now = () => new Date(), createApp = createAppFromEnv } = deps;
  return {
    name: NAME,
    synopsis: SYNOPSIS,
    summary: `the numbers of overrides, bypasses and follow-ups, with their trend (default: --since ${DEFAULT_SINCE} --format ${DEFAULT_FORMAT})`,
    async run(args, io) {
      let options: ReportOptions;
      let since: Date;
      const until = now();
      try {
        options = parseReportArgs(args);
        since = parseSince(options.since, until);
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${messageOf(error)}\nUsage: pipeline-guard ${SYNOPSIS}`);
        return EXIT_USAGE;
      }
      const app = appForCommand(NAME, { env, createApp, stderr: io.stderr });
      if (!app) return EXIT_USAGE;
      try {
        const result = await runReport({ app, since, until });
        io.stdout(renderReport(result.report, options.format));
        const suspended = result.suspended.length > 0 ? `; suspended, not read: ${result.suspended.join(", ")}` : "";
        io.stderr(`pipeline-guard ${NAME}: ${result.repositories} ${result.repositories === 1 ? "repository" : "repositories"} since ${since.toISOString()} (${result.accounts.join(", ") || "no installation"})${suspended}`);
        return EXIT_OK;
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${describeApiError(error)}`);
        return EXIT_INVALID;
      }
    },
  };
}

export const reportCommand: CliCommand = createReportCommand();
