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
