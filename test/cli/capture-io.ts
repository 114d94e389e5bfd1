import { readFile } from "node:fs/promises";
import type { CliIo } from "../../src/cli/cli-command.js";

/** An io that records what a command prints and reads real files relative to test/fixtures/config. */
export function captureIo(files: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: async (path) => {
      if (Object.hasOwn(files, path)) return files[path] as string;
      return readFile(new URL(`../fixtures/config/${path}`, import.meta.url), "utf8");
    },
  };
}
