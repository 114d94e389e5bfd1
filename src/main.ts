#!/usr/bin/env node
// The server's entry: checks the environment, then starts Probot with our Octokit (which
// retries secondary rate limits). `npm start` and the Docker image run this file.
import { run } from "probot";
import { checkStartupEnvironment } from "./check-startup-environment.js";
import { PipelineGuardOctokit } from "./github/octokit.js";
import { parseInterval, startDriftSchedule } from "./drift/drift-schedule.js";
import { appLoginResolver } from "./github/app-identity.js";
import pipelineGuard from "./index.js";

const problems = checkStartupEnvironment(process.env);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`pipeline-guard: ${problem}\n`);
  process.exit(1);
}
const intervalMs = parseInterval(process.env.DRIFT_SCAN_INTERVAL);
await run(
  (app) => {
    pipelineGuard(app);
    // Without credentials Probot serves its setup page: there is nothing to scan yet. With Redis
    // the app function runs the scans as BullMQ jobs (src/drift/scan-queue.ts) instead of a timer.
    if (process.env.APP_ID && !process.env.REDIS_URL?.trim()) startDriftSchedule({ app, intervalMs, appLogin: appLoginResolver(app) });
  },
  { Octokit: PipelineGuardOctokit },
);
