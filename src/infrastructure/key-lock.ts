import { AsyncLocalStorage } from "node:async_hooks";
import { currentInfrastructure } from "./current-infrastructure.js";

/**
 * Serializes work on one key (a record's key, a PR, a comment), so that two deliveries handled at
 * once (a redelivered `closed` racing the first, on this replica or another) cannot both decide
 * "not found, create". In one process it is a promise chain; with Redis, a lock every replica
 * takes (src/infrastructure/redis-infrastructure.ts).
 */
export function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  return currentInfrastructure().locks.withKeyLock(key, fn);
}

/** A lock held by the current work: whether it still is (a shared lock can expire under a stalled holder). */
export interface Fence {
  key: string;
  stillHeld(): Promise<boolean>;
}

export class LockLostError extends Error {
  constructor(key: string) {
    super(`the lock on ${key} was lost (it expired while held): the write is not made, another replica may hold it`);
    this.name = "LockLostError";
  }
}

const fences = new AsyncLocalStorage<readonly Fence[]>();

/** Runs `fn` with `fence` added to the locks its writes must still hold. */
export function runFenced<T>(fence: Fence, fn: () => Promise<T>): Promise<T> {
  return fences.run([...(fences.getStore() ?? []), fence], fn);
}

/**
 * The fencing check made before every write (src/github/gateway.ts): a holder whose lock expired
 * (a long GC pause, a lost connection) must not write, since another replica may be writing the
 * same record. Fails closed: a lock whose state cannot be read counts as lost.
 */
export async function assertLocksHeld(): Promise<void> {
  for (const fence of fences.getStore() ?? []) {
    const held = await fence.stillHeld().catch(() => false);
    if (!held) throw new LockLostError(fence.key);
  }
}
