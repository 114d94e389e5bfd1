import type { Probot } from "probot";
import { AUDIT_FORMATS, renderAudit, type AuditFormat } from "../audit/audit-formats.js";
import { parseSince } from "../audit/parse-since.js";
import { NotInstalledError, runAudit } from "../audit/run-audit.js";
import { appForCommand, createAppFromEnv } from "./app-credentials.js";
import { describeApiError, EXIT_INVALID, EXIT_OK, EXIT_USAGE, messageOf, readValueFlags, type CliCommand } from "./cli-command.js";

const NAME = "audit";
const SYNOPSIS = "audit [--owner LOGIN] [--since 30d] [--format csv|json|md]";
const DEFAULT_SINCE = "30d";
const DEFAULT_FORMAT: AuditFormat = "csv";
/** GitHub logins: letters, digits and single hyphens, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export interface AuditOptions {
  owner?: string;
  since: string;
  format: AuditFormat;
}

/** `--owner LOGIN`, `--owner=LOGIN`, and the same for `--since` and `--format`; anything else is an error. */
export function parseAuditArgs(args: readonly string[]): AuditOptions {
  const values = readValueFlags(args, ["--owner", "--since", "--format"]);
  const owner = values.get("--owner");
  if (owner !== undefined && !LOGIN.test(owner)) throw new Error(`--owner "${owner}" is not a GitHub login`);
  const format = values.get("--format") ?? DEFAULT_FORMAT;
  if (!isFormat(format)) throw new Error(`--format "${format}": expected one of ${AUDIT_FORMATS.join(", ")}`);
  return { ...(owner === undefined ? {} : { owner }), since: values.get("--since") ?? DEFAULT_SINCE, format };
}

function isFormat(value: string): value is AuditFormat {
  return (AUDIT_FORMATS as readonly string[]).includes(value);
}

/**
 * `pipeline-guard audit` (SPEC section 8a). The ledger goes to stdout in the chosen format; a
 * one-line summary goes to stderr, so that `> ledger.csv` holds the ledger only.
 * Exit codes: 0 done; 1 GitHub answered with an error; 2 a usage error, missing credentials,
 * or an owner the app is not installed on.
 */
export function createAuditCommand(deps: { env?: NodeJS.ProcessEnv; now?: () => Date; createApp?: (env: NodeJS.ProcessEnv) => Probot } = {}): CliCommand {
  const { env = process.env, now = () => new Date(), createApp = createAppFromEnv } = deps;
  return {
    name: NAME,
    synopsis: SYNOPSIS,
    summary: `list every override and bypass of the period, from the app's issues (default: --since ${DEFAULT_SINCE} --format ${DEFAULT_FORMAT})`,
    async run(args, io) {
      let options: AuditOptions;
      let since: Date;
      try {
        options = parseAuditArgs(args);
        since = parseSince(options.since, now());
      } catch (error) {
        io.stderr(`pipeline-guard ${NAME}: ${messageOf(error)}\nUsage: pipeline-guard ${SYNOPSIS}`);
        return EXIT_USAGE;
      }

      const app = appForCommand(NAME, { env, createApp, stderr: io.stderr });
      if (!app) return EXIT_USAGE;

      try {
        const result = await runAudit({ app, since, ...(options.owner === undefined ? {} : { owner: options.owner }) });
        io.stdout(renderAudit(result.rows, options.format));
        const suspended = result.suspended.length > 0 ? `; suspended, not read: ${result.suspended.join(", ")}` : "";
        io.stderr(
          `pipeline-guard ${NAME}: ${result.rows.length} ${result.rows.length === 1 ? "entry" : "entries"} since ${since.toISOString()} ` +
            `from ${result.repositories} ${result.repositories === 1 ? "repository" : "repositories"} (${result.accounts.join(", ") || "no installation"})${suspended}`,
        );
        return EXIT_OK;
      } catch (error) {
        if (error instanceof NotInstalledError) {
          io.stderr(`pipeline-guard ${NAME}: ${error.message}`);
          return EXIT_USAGE;
        }
        io.stderr(`pipeline-guard ${NAME}: ${describeApiError(error)}`);
        return EXIT_INVALID;
      }
    },
  };
}

export const auditCommand: CliCommand = createAuditCommand();
