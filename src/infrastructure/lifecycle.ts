/**
 * What a replica does between SIGTERM and its exit: it refuses new work, lets in-flight
 * handlers finish within the deadline, then closes what it opened (the scan worker hands its
 * unfinished jobs back to the queue, Redis connections close).
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export class ShuttingDownError extends Error {
  constructor() {
    super("this replica is shutting down: the delivery is not handled here (GitHub can redeliver it)");
    this.name = "ShuttingDownError";
  }
}

export class Lifecycle {
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  get shuttingDown(): boolean {
    return this.stopping;
  }

  get running(): number {
    return this.inFlight.size;
  }

  /** Runs `fn` as in-flight work; refused (fails) once shutting down. */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new ShuttingDownError();
    const work = fn();
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    try {
      return await work;
    } finally {
      this.inFlight.delete(tracked);
    }
  }

  /** Stops taking work and waits for the in-flight work up to `timeoutMs`; resolves with whether it all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const finished = Promise.all([...this.inFlight]).then(() => true);
    try {
      return await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `SHUTDOWN_TIMEOUT`: `25s` (default), `10s`, `500ms`, a bare number of ms. */
export function parseShutdownTimeout(text: string | undefined): number {
  const value = (text ?? "").trim();
  if (!value) return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const match = /^(\d+)(ms|s|m)?$/.exec(value);
  if (!match) throw new Error(`SHUTDOWN_TIMEOUT "${value}" is not a duration such as 25s or 500ms`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] ?? "ms"]!;
}
