import { parseDocument } from "yaml";
import { formatConfigError, validateConfig } from "../config/validate-config.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from "./cli-command.js";

export const DEFAULT_CONFIG_PATH = ".github/pipeline-guard.yml";

export const validateCommand: CliCommand = {
  name: "validate",
  synopsis: "validate [FILE]",
  summary: `check a configuration file offline (default: ${DEFAULT_CONFIG_PATH})`,
  async run(args, io) {
    const option = args.find((arg) => arg.startsWith("-"));
    if (option !== undefined || args.length > 1) {
      io.stderr(`pipeline-guard validate: unexpected argument "${option ?? args[1]}"`);
      return EXIT_USAGE;
    }
    return validateFile(args[0] ?? DEFAULT_CONFIG_PATH, io);
  },
};

/**
 * Says offline what the app says about the file: it is read the way Probot's config plugin reads
 * it (YAML 1.2, duplicate keys are errors, an empty file is `{}`), then validated the same way.
 */
export async function validateFile(file: string, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    const hint = file === DEFAULT_CONFIG_PATH ? " (run it in the repository's root, or name the file)" : "";
    io.stderr(`pipeline-guard validate: cannot read ${file}: ${describeReadError(error)}${hint}`);
    return EXIT_USAGE;
  }

  const document = parseDocument(text);
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const position = error.linePos?.[0];
      const where = position ? ` at line ${position.line}, column ${position.col}` : "";
      io.stdout(`${file}: invalid YAML${where}: ${firstLine(error.message)}`);
    }
    return EXIT_INVALID;
  }

  let raw: unknown;
  try {
    // Like the plugin's `yaml.parse(data) || {}`: an empty document is an empty configuration.
    raw = document.toJS() || {};
  } catch (error) {
    // An alias that names no anchor, or too many aliases (YAML's "billion laughs").
    io.stdout(`${file}: invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_INVALID;
  }

  const { errors } = validateConfig(raw);
  if (errors.length > 0) {
    for (const error of errors) io.stdout(`${file}: ${formatConfigError(error)}`);
    return EXIT_INVALID;
  }
  io.stdout(`${file}: valid`);
  const extendsValue = (raw as { _extends?: unknown })._extends;
  if (typeof extendsValue === "string") {
    io.stderr(`${file}: note: "_extends: ${extendsValue}" is not followed offline; only this file was checked`);
  }
  return EXIT_OK;
}

/** yaml's message without its own "at line L, column C:" and the excerpt under it. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "").trim();
}

function describeReadError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a directory";
    case "EACCES":
      return "permission denied";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
