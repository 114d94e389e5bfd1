import { inProcessFactsStore } from "../overrides/newest-facts.js";
import type { Infrastructure, KeyLocks, KnownLabels } from "./infrastructure.js";
import { processScanMemory } from "./scan-memory.js";

/** Serializes work on one key inside this process: the promise chain of each key. */
export function inProcessLocks(): KeyLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      const tail = run.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await run;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

export function inProcessLabels(): KnownLabels {
  const until = new Map<string, number>();
  return {
    async known(key, now) {
      return (until.get(key) ?? 0) > now;
    },
    async remember(key, time) {
      until.set(key, time);
    },
    clear() {
      until.clear();
    },
  };
}

/** One process, as without `REDIS_URL`: nothing is shared, nothing needs closing. */
export function inProcessInfrastructure(): Infrastructure {
  return {
    kind: "in-process",
    locks: inProcessLocks(),
    deliveries: null,
    configVersions: { current: async () => "", bump: async () => undefined },
    configs: new Map(),
    labels: inProcessLabels(),
    facts: inProcessFactsStore(),
    scanMemory: processScanMemory,
    ping: async () => true,
    close: async () => undefined,
  };
}
