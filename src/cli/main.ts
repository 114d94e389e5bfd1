#!/usr/bin/env node
// The `pipeline-guard` command: wires the process to runCli, and nothing else.
import { readFile } from "node:fs/promises";
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (s) => console.log(s),
  stderr: (s) => console.error(s),
  readFile: (path) => readFile(path, "utf8"),
});
