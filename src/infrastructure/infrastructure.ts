import type { InstalledRepository, ScanOutcome } from "../drift/scan-job.js";
import type { PullRequestFactsStore } from "../overrides/newest-facts.js";
import type { ScanMemory } from "./scan-memory.js";

/**
 * What replicas must share to behave as one app (issue #11): locks, the deliveries already
 * handled, the configuration and label caches, and the newest facts of each PR. Each piece has an
 * in-process version (the default without `REDIS_URL`, exactly the behaviour of one process) and
 * a Redis version (src/infrastructure/redis-infrastructure.ts).
 */
export interface Infrastructure {
  kind: "in-process" | "redis";
  locks: KeyLocks;
  /** Null in one process: a redelivery is handled again, and the record look-up by key keeps it harmless. */
  deliveries: DeliveryMemory | null;
  configVersions: ConfigVersions;
  configs: ConfigEntries;
  labels: KnownLabels;
  facts: PullRequestFactsStore;
  /** What the drift scan remembers of each repository, and the webhooks' marks (the process's Map, or Redis for every replica). */
  scanMemory: ScanMemory;
  /** With Redis, the BullMQ scan queue this app instance started (src/drift/scan-queue.ts); absent: scans run in place. */
  scans?: ScanDispatch;
  /** Whether the shared store answers (the readiness probe); always true in one process. */
  ping(): Promise<boolean>;
  /** Closes what it opened; in-flight work gets up to `timeoutMs` (the scan queue's jobs, then handed back). */
  close(timeoutMs?: number): Promise<void>;
}

/** Serializes work on one key; `fn`'s writes are fenced by the lock (src/infrastructure/key-lock.ts). */
export interface KeyLocks {
  withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface DeliveryMemory {
  /** Runs `fn` unless the delivery `id` already finished successfully (then returns false). */
  once(id: string, fn: () => Promise<void>): Promise<boolean>;
}

/** A version per repository and per owner: a cached configuration is good only while they stay the same. */
export interface ConfigVersions {
  current(owner: string, repo: string): Promise<string>;
  /** A push changed the configuration of `owner/repo` (of every repository of the owner, for `.github`). */
  bump(owner: string, repo: string): Promise<void>;
}

/** The configurations this process keeps (src/config/config-cache.ts owns their rules). */
export interface ConfigEntries {
  get(key: string): { loaded: unknown; expires: number; version: string } | undefined;
  set(key: string, entry: { loaded: unknown; expires: number; version: string }): void;
  delete(key: string): boolean;
  keys(): IterableIterator<string>;
  clear(): void;
  readonly size: number;
}

/** Labels known to exist, per repository and name, until a time. */
export interface KnownLabels {
  known(key: string, now: number): Promise<boolean>;
  remember(key: string, until: number): Promise<void>;
  clear(): void;
}

/** Where scans go when they are jobs: one job per repository, run by whichever replica's worker is free. */
export interface ScanDispatch {
  /** Queues one scan per target; a second enqueue with the same `dedupe` and repository is a no-op. Resolves with the job ids. */
  enqueue(targets: readonly InstalledRepository[], params: { dedupe: string; trigger?: { event: string; actor: string | null } }): Promise<string[]>;
  /** Queues a scan (one per repository per minute) and waits up to `waitMs` for its outcome; null when it has not finished by then. */
  scanAndWait(target: InstalledRepository, params: { waitMs: number }): Promise<ScanOutcome | null>;
}
