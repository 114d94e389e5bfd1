import { auditCommand } from "./audit-command.js";
import { EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from "./cli-command.js";
import { reportCommand } from "./report-command.js";
import { scanCommand } from "./scan-command.js";
import { schemaCommand } from "./schema-command.js";
import { validateCommand } from "./validate-command.js";

/** Every command: add one by adding its entry (SPEC section 9). */
const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  schemaCommand,
  scanCommand,
  auditCommand,
  reportCommand,
];

const HELP_FLAGS = new Set(["help", "--help", "-h"]);

export function usage(): string {
  const entries = [...COMMANDS, { synopsis: "help [COMMAND]", summary: "show this help, or a command's" }];
  return [
    "Usage: pipeline-guard COMMAND [ARGS]",
    "",
    "Commands:",
    ...entries.flatMap((command) => [`  ${command.synopsis}`, `      ${command.summary}`]),
    "",
    "Exit codes: 0 all well, 1 invalid input, 2 usage error or unreadable file.",
  ].join("\n");
}

/** Runs one command; resolves to the exit code. Output goes through `io`, so tests can read it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || HELP_FLAGS.has(name)) {
    const topic = args[0] === undefined ? undefined : COMMANDS.find((command) => command.name === args[0]);
    io.stdout(topic ? commandUsage(topic) : usage());
    return EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr(`pipeline-guard: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (args.some((arg) => arg === "--help" || arg === "-h")) {
    io.stdout(commandUsage(command));
    return EXIT_OK;
  }
  return command.run(args, io);
}

function commandUsage(command: CliCommand): string {
  return `Usage: pipeline-guard ${command.synopsis}\n\n${command.summary}`;
}
