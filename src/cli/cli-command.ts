import { statusOf } from "../github/gateway.js";

/** Where a command writes; each call is one or more whole lines, without the final newline. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
}

/** Exit codes: 0 done and all well; 1 the input is invalid; 2 the command could not run as asked. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** One `pipeline-guard` command: an entry of the table in `run-cli.ts`. */
export interface CliCommand {
  name: string;
  /** What follows `pipeline-guard` in the usage text, e.g. `validate [FILE]`. */
  synopsis: string;
  summary: string;
  /** `args` are the arguments after the command's name; resolves to the exit code. */
  run: (args: string[], io: CliIo) => Promise<number>;
}

/**
 * Options that each take one value (`--since 90d` or `--since=90d`), each at most once; any other
 * argument is a usage error. The commands check the values themselves.
 */
export function readValueFlags(args: readonly string[], allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("-")) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!allowed.includes(flag)) throw new Error(`unknown option "${flag}"`);
    if (values.has(flag)) throw new Error(`${flag} is given twice`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) throw new Error(`${flag} needs a value`);
    values.set(flag, value);
  }
  return values;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `GitHub answered 500 on GET /repos/o/r/issues: Server Error`: what failed, without the query or any header. */
export function describeApiError(error: unknown): string {
  const status = statusOf(error);
  const message = messageOf(error).split("\n")[0] ?? "";
  if (status === undefined) return message;
  const request = (error as { request?: { method?: string; url?: string } }).request;
  let where = "";
  if (request?.method && request.url) {
    try {
      where = ` on ${request.method} ${new URL(request.url).pathname}`;
    } catch {
      where = ` on ${request.method}`;
    }
  }
  return `GitHub answered ${status}${where}: ${message}`;
}
