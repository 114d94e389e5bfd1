#!/usr/bin/env node
// The server's entry: checks the environment, then starts Probot with our Octokit (which
// retries secondary rate limits). `npm start` and the Docker image run this file.
import { run } from "probot";
import { checkStartupEnvironment } from "./check-startup-environment.js";
import { PipelineGuardOctokit } from "./github/octokit.js";
import pipelineGuard from "./index.js";

const problems = checkStartupEnvironment(process.env);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`pipeline-guard: ${problem}\n`);
  process.exit(1);
}
await run(pipelineGuard, { Octokit: PipelineGuardOctokit });
