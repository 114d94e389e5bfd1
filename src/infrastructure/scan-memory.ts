import type { ScanMemoryEntry } from "../drift/scan-fingerprint.js";

/**
 * What the drift scan remembers of each repository between scans: the fingerprint read before
 * its last full scan, when that ran, and whether a webhook marked it changed since. Keys are
 * `owner/name` in lower case. Losing the memory (a restart, a new replica) costs one full scan
 * of each repository, never a missed change: an unknown repository is read in full.
 */
export interface ScanMemory {
  get(repository: string): Promise<ScanMemoryEntry | undefined>;
  /**
   * Writes an entry. With `scanStartedAt` (the entry of a full scan that started then), a mark
   * made at or after that moment stays, whatever `entry.dirtyAt` says, atomically against
   * `markDirty`: the scan may have read the repository before the change the mark is about.
   */
  set(repository: string, entry: ScanMemoryEntry, scanStartedAt?: Date): Promise<void>;
  /** A webhook saw a change: the next scan reads the repository in full. */
  markDirty(repository: string, at: Date): Promise<void>;
}

/**
 * Entries kept in process at most; past it the oldest entry is forgotten (and its repository
 * read in full next time). 100,000 entries of about 300 bytes are about 30 MB.
 */
export const MAX_SCAN_MEMORY_ENTRIES = 100_000;

/** What an unknown repository's mark is kept as: no fingerprint, so it is read in full anyway. */
export function markedOnly(dirtyAt: string): ScanMemoryEntry {
  return { fingerprint: null, branches: [], fullScanAt: new Date(0).toISOString(), recheckAt: null, dirtyAt };
}

/**
 * The mark an entry written by a scan that started at `since` keeps: the stored one when it was
 * made at or after `since` (and is the later of the two), else the entry's own. A stored mark
 * whose time does not read stays (it reads the repository in full once more).
 */
export function keptMark(stored: string | null | undefined, written: string | null, since: Date | undefined): string | null {
  if (!since || !stored || Date.parse(stored) < since.getTime()) return written;
  return written && Date.parse(written) >= Date.parse(stored) ? written : stored;
}

/** The in-process default: a Map, dropped on restart. */
export function createInProcessScanMemory(limit = MAX_SCAN_MEMORY_ENTRIES): ScanMemory {
  const entries = new Map<string, ScanMemoryEntry>();
  const put = (key: string, entry: ScanMemoryEntry) => {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > limit) entries.delete(entries.keys().next().value as string);
  };
  return {
    get: async (repository) => entries.get(repository.toLowerCase()),
    set: async (repository, entry, scanStartedAt) => {
      const key = repository.toLowerCase();
      put(key, { ...entry, dirtyAt: keptMark(entries.get(key)?.dirtyAt, entry.dirtyAt, scanStartedAt) });
    },
    markDirty: async (repository, at) => {
      const key = repository.toLowerCase();
      // An unknown repository is read in full anyway; the mark still tells a scan running now that its read may be stale.
      const entry = entries.get(key) ?? markedOnly(at.toISOString());
      put(key, { ...entry, dirtyAt: at.toISOString() });
    },
  };
}

/** The process's memory, shared by the webhooks that mark repositories and the schedule that scans them. */
export const processScanMemory: ScanMemory = createInProcessScanMemory();
