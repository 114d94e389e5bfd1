import { AsyncLocalStorage } from "node:async_hooks";
import type { Infrastructure } from "./infrastructure.js";
import { inProcessInfrastructure } from "./in-process-infrastructure.js";

/**
 * The infrastructure of the app instance handling the current event or job. Several instances
 * in one process (the replicas tests) each run their work inside their own; code outside any
 * (unit tests, the CLI) gets the process's in-process default.
 */
const storage = new AsyncLocalStorage<Infrastructure>();
let processDefault: Infrastructure | undefined;

export function defaultInfrastructure(): Infrastructure {
  processDefault ??= inProcessInfrastructure();
  return processDefault;
}

export function currentInfrastructure(): Infrastructure {
  return storage.getStore() ?? defaultInfrastructure();
}

export function runWithInfrastructure<T>(infrastructure: Infrastructure, fn: () => T): T {
  return storage.run(infrastructure, fn);
}
