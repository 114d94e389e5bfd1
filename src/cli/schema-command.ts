import { z } from "zod";
import { configSchema } from "../config/schema.js";
import { EXIT_OK, EXIT_USAGE, type CliCommand } from "./cli-command.js";

export const CONFIG_SCHEMA_TITLE = "Pipeline Guard configuration (.github/pipeline-guard.yml)";

/**
 * The JSON Schema of what a user may write (`io: "input"`: keys with defaults are optional), from
 * the zod schema that is the single source of the configuration. Editors use it to complete and
 * check `.github/pipeline-guard.yml`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: "input" });
  return { $schema, title: CONFIG_SCHEMA_TITLE, ...rest };
}

export const schemaCommand: CliCommand = {
  name: "schema",
  synopsis: "schema",
  summary: "print the configuration's JSON Schema",
  async run(args, io) {
    if (args.length > 0) {
      io.stderr(`pipeline-guard schema: unexpected argument "${args[0]}"`);
      return EXIT_USAGE;
    }
    io.stdout(JSON.stringify(configJsonSchema(), null, 2));
    return EXIT_OK;
  },
};
