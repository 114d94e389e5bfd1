import type { ScanMemoryEntry } from "../drift/scan-fingerprint.js";

/**
 * What the drift scan remembers of each repository between scans: the fingerprint read before
 * its last full scan, when that ran, and whether a webhook marked it changed since. Keys are
 * `owner/name` in lower case. Losing the memory (a restart, a new replica) costs one full scan
 * of each repository, never a missed change: an unknown repository is read in full.
 */
export interface ScanMemory {
  get(repository: string): Promise<ScanMemoryEntry | undefined>;
  set(repository: string, entry: ScanMemoryEntry): Promise<void>;
  /** A webhook saw a change: the next scan reads the repository in full. */
  markDirty(repository: string, at: Date): Promise<void>;
}

/**
 * Entries kept in process at most; past it the oldest entry is forgotten (and its repository
 * read in full next time). 100,000 entries of about 300 bytes are about 30 MB.
 */
export const MAX_SCAN_MEMORY_ENTRIES = 100_000;

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
    set: async (repository, entry) => put(repository.toLowerCase(), entry),
    markDirty: async (repository, at) => {
      const key = repository.toLowerCase();
      // An unknown repository is read in full anyway; the mark still tells a scan running now that its read may be stale.
      const entry = entries.get(key) ?? { fingerprint: null, branches: [], fullScanAt: new Date(0).toISOString(), recheckAt: null, dirtyAt: null };
      put(key, { ...entry, dirtyAt: at.toISOString() });
    },
  };
}

/** The process's memory, shared by the webhooks that mark repositories and the schedule that scans them. */
export const processScanMemory: ScanMemory = createInProcessScanMemory();
