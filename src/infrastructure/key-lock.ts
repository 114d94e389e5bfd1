/**
 * Serializes work on one key inside this process, so that two deliveries handled at once
 * (a redelivered `closed` racing the first) cannot both decide "not found, create".
 * Across replicas the hidden issue key is the guard; see README "Running several replicas".
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
