import type { Redis } from "ioredis";
import { z } from "zod";
import type { ScanMemoryEntry } from "../drift/scan-fingerprint.js";
import { markedOnly, type ScanMemory } from "./scan-memory.js";

/**
 * An entry lives this long after its last write or mark. A repository is read in full (and its
 * entry written) at least daily, so only the entries of repositories no longer installed expire;
 * an entry that expired costs one full read, never a missed change.
 */
export const SCAN_MEMORY_TTL_MS = 3 * 24 * 60 * 60 * 1000;
/**
 * Marks and scans are timed by the clocks of different replicas. A mark made up to this long
 * before a scan's start (by the scan's clock) is kept too: a replica whose clock is behind never
 * has its mark taken for one the scan already covered. It costs at most one more full read.
 */
export const MARK_CLOCK_SKEW_MS = 60_000;

/** A mark is the later of the stored one and this one (a late delivery never moves it back). */
const MARK_SCRIPT = `
local stored = tonumber(redis.call('hget', KEYS[1], 'dirty'))
if (not stored) or stored < tonumber(ARGV[1]) then redis.call('hset', KEYS[1], 'dirty', ARGV[1]) end
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;

/**
 * A scan's entry: the stored mark stays when it was made since the scan started (ARGV[3], ''
 * for a plain write) and is later than the entry's own (ARGV[2], '' for none). One script, so a
 * mark arriving between the scan's read of the memory and this write is never lost.
 */
const SET_SCRIPT = `
local keep = ARGV[2]
local since = tonumber(ARGV[3])
local stored = redis.call('hget', KEYS[1], 'dirty')
if since and stored and tonumber(stored) >= since and (keep == '' or tonumber(stored) > tonumber(keep)) then keep = stored end
redis.call('hset', KEYS[1], 'entry', ARGV[1])
if keep == '' then redis.call('hdel', KEYS[1], 'dirty') else redis.call('hset', KEYS[1], 'dirty', keep) end
redis.call('pexpire', KEYS[1], ARGV[4])
return 1`;

/** The stored entry's form (the mark is kept apart, in `dirty`). */
const storedEntrySchema = z.object({ fingerprint: z.string().nullable(), branches: z.array(z.string()), fullScanAt: z.string(), recheckAt: z.string().nullable() });

/** The stored entry, or undefined when it does not read as one (then the repository is read in full). */
function readEntry(text: string | null): Omit<ScanMemoryEntry, "dirtyAt"> | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedEntrySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function markTime(text: string | null): string | null {
  if (text === null) return null;
  const at = Number(text);
  // A mark that does not read as a time still marks: now is as good as any.
  return new Date(Number.isFinite(at) ? at : Date.now()).toISOString();
}

/** Milliseconds for the scripts; an ISO time that does not parse marks at once. */
const millis = (iso: string) => {
  const at = Date.parse(iso);
  return String(Number.isNaN(at) ? Date.now() : at);
};

/**
 * The scan memory in Redis, shared by every replica: one hash per repository
 * (`<prefix>scan-memory:<owner>/<name>`) with the entry as JSON and the mark as a time in ms,
 * apart, so that a mark and a scan's write are each one atomic script.
 */
export function redisScanMemory(redis: Redis, prefix: string, options: { ttlMs?: number; skewMs?: number } = {}): ScanMemory {
  const ttl = String(options.ttlMs ?? SCAN_MEMORY_TTL_MS);
  const skew = options.skewMs ?? MARK_CLOCK_SKEW_MS;
  const keyOf = (repository: string) => `${prefix}scan-memory:${repository.toLowerCase()}`;
  return {
    async get(repository) {
      const [text, dirty] = await redis.hmget(keyOf(repository), "entry", "dirty");
      const entry = readEntry(text ?? null);
      const dirtyAt = markTime(dirty ?? null);
      if (!entry) return dirtyAt ? markedOnly(dirtyAt) : undefined;
      return { ...entry, dirtyAt };
    },
    async set(repository, entry, scanStartedAt) {
      const { dirtyAt, ...rest } = entry;
      const since = scanStartedAt ? String(scanStartedAt.getTime() - skew) : "";
      await redis.eval(SET_SCRIPT, 1, keyOf(repository), JSON.stringify(rest), dirtyAt ? millis(dirtyAt) : "", since, ttl);
    },
    async markDirty(repository, at) {
      const ms = Number.isNaN(at.getTime()) ? Date.now() : at.getTime();
      await redis.eval(MARK_SCRIPT, 1, keyOf(repository), String(ms), ttl);
    },
  };
}
