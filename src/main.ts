#!/usr/bin/env node
// The server's entry: checks the environment, then starts Probot's server with the app (which
// itself retries secondary rate limits, keeps metrics and shuts down gracefully).
// `npm start` and the Docker image run this file.
import { run } from "probot";
import { checkStartupEnvironment } from "./check-startup-environment.js";
import { SHUTDOWN_HANDLER } from "./infrastructure/serve-replica.js";
import { parseInterval, startDriftSchedule } from "./drift/drift-schedule.js";
import { appLoginResolver } from "./github/app-identity.js";
import pipelineGuard from "./index.js";

const problems = checkStartupEnvironment(process.env);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`pipeline-guard: ${problem}\n`);
  process.exit(1);
}
const intervalMs = parseInterval(process.env.DRIFT_SCAN_INTERVAL);
const server = await run(
  (app, hosting) => {
    pipelineGuard(app, hosting);
    // Without credentials Probot serves its setup page: there is nothing to scan yet. With Redis
    // the app function runs the scans as BullMQ jobs (src/drift/scan-queue.ts) instead of a timer.
    if (process.env.APP_ID && !process.env.REDIS_URL?.trim()) startDriftSchedule({ app, intervalMs, appLogin: appLoginResolver(app) });
  },
);
// Probot's own SIGINT handler stops the server and exits at once: ours (src/infrastructure/serve-replica.ts)
// drains in-flight work first, and keeps the server answering /readyz with 503 meanwhile.
for (const listener of process.listeners("SIGINT")) {
  if (!(SHUTDOWN_HANDLER in listener)) process.off("SIGINT", listener);
}
void server;
