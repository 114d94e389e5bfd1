import { currentInfrastructure } from "../infrastructure/current-infrastructure.js";
import type { RememberedIntroducer } from "./introducers.js";

/**
 * The newest facts this process has seen of each PR (SPEC section 10, rule 13): every
 * `pull_request` event records its payload's head, title and body on arrival (no API call), and a
 * verdict judged on other facts is stale and is not written. Behind this interface so that
 * several replicas share it: `inProcessFactsStore` in one process, `redisFactsStore` with Redis.
 */
export interface JudgedFacts {
  headSha: string;
  title: string;
  body: string | null;
}

export interface ArrivedFacts extends JudgedFacts {
  /** The PR's `updated_at`: a delivery that arrives late with older facts does not replace newer ones. null: unknown. */
  updatedAt: string | null;
}

export interface PullRequestFactsStore {
  /** Forgets everything (tests start afresh; a replica that restarts does anyway). */
  clear(): Promise<void>;
  arrived(key: string, facts: ArrivedFacts): Promise<void>;
  newest(key: string): Promise<JudgedFacts | undefined>;
  /**
   * The introducers of a result dropped as stale: nothing wrote them to the head's check yet, so
   * the next evaluation of that head (in this process, right after, by the lock) takes them over.
   */
  keepUnwritten(key: string, headSha: string, introducers: readonly RememberedIntroducer[]): Promise<void>;
  unwritten(key: string, headSha: string): Promise<RememberedIntroducer[]>;
}

/** The key of one PR: evaluations of the same key are serialized, and its facts are kept under it. */
export function pullRequestKey(owner: string, repo: string, number: number): string {
  return `pull-request ${owner}/${repo}#${number}`.toLowerCase();
}

/** Whether what was judged is no longer the PR's newest head, title or body. */
export function isStale(judged: JudgedFacts, newest: JudgedFacts | undefined): boolean {
  if (!newest) return false;
  return judged.headSha !== newest.headSha || judged.title !== newest.title || (judged.body ?? "") !== (newest.body ?? "");
}

/** PRs kept per process (about 1 KB each, more with long bodies); the least recently seen go first. */
export const MAX_PULL_REQUESTS_KEPT = 10_000;
/** Heads per PR whose unwritten introducers are kept: only a dropped result leaves any. */
const MAX_UNWRITTEN_HEADS = 10;

interface Entry {
  facts?: ArrivedFacts;
  unwritten: Map<string, RememberedIntroducer[]>;
}

export function inProcessFactsStore(maxPullRequests = MAX_PULL_REQUESTS_KEPT): PullRequestFactsStore {
  const entries = new Map<string, Entry>();
  const touch = (key: string): Entry => {
    const entry = entries.get(key) ?? { unwritten: new Map() };
    // Re-inserted as the newest; past the bound the least recently seen PR is forgotten.
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxPullRequests) entries.delete(entries.keys().next().value as string);
    return entry;
  };
  return {
    async clear() {
      entries.clear();
    },
    async arrived(key, facts) {
      const entry = touch(key);
      const known = entry.facts?.updatedAt;
      if (known && facts.updatedAt && Date.parse(facts.updatedAt) < Date.parse(known)) return;
      entry.facts = { ...facts };
    },
    async newest(key) {
      const facts = entries.get(key)?.facts;
      return facts ? { headSha: facts.headSha, title: facts.title, body: facts.body } : undefined;
    },
    async keepUnwritten(key, headSha, introducers) {
      const { unwritten } = touch(key);
      unwritten.set(headSha, [...(unwritten.get(headSha) ?? []), ...introducers]);
      if (unwritten.size > MAX_UNWRITTEN_HEADS) unwritten.delete(unwritten.keys().next().value as string);
    },
    async unwritten(key, headSha) {
      return [...(entries.get(key)?.unwritten.get(headSha) ?? [])];
    },
  };
}

/** The store of the app instance at work (src/infrastructure/): this process's, or the one shared through Redis. */
export const pullRequestFactsStore: PullRequestFactsStore = {
  clear: () => currentInfrastructure().facts.clear(),
  arrived: (key, facts) => currentInfrastructure().facts.arrived(key, facts),
  newest: (key) => currentInfrastructure().facts.newest(key),
  keepUnwritten: (key, headSha, introducers) => currentInfrastructure().facts.keepUnwritten(key, headSha, introducers),
  unwritten: (key, headSha) => currentInfrastructure().facts.unwritten(key, headSha),
};
