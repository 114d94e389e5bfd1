import picomatch from "picomatch";
import type { Probot } from "probot";
import { configFromBlobs, type LoadedConfig } from "../config/load-config.js";
import { FULL_READ_BATCH, FULL_READ_BRANCHES, getConfigBlobs, getFullReadFacts, type FullReadFacts, type FullReadTarget } from "../github/full-read-facts.js";
import type { GitHubClient } from "../github/gateway.js";
import { observeResponses } from "../github/response-headers.js";
import { FINGERPRINT_BRANCHES } from "../github/repository-fingerprints.js";
import { lookbackSince } from "./scan-repository.js";

/** What a batch read of a repository before its full read holds: its configuration, and the facts read with it. */
export interface PrefetchedRead {
  loaded: LoadedConfig;
  /** Null when the facts query failed or GitHub did not answer for the repository: the full read asks for them one by one. */
  facts: FullReadFacts | null;
}

export interface PrefetchTarget {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** The installation may read classic protection (`administration: read`): only then is it read in the batch. */
  canReadProtection?: boolean;
  installedAt?: Date;
  /** For glob patterns: the production branches the last full read found (the batch's guess; others are read one by one). */
  remembered: readonly string[];
}

/** The branches a full read will read, as far as the configuration says without a call; a glob's are guessed from the last read. */
function guessedBranches(loaded: LoadedConfig, target: PrefetchTarget): string[] {
  const patterns = loaded.config.production.branches;
  const branches = patterns.length === 0 ? [target.defaultBranch].filter(Boolean) : patterns.some((p) => picomatch.scan(p).isGlob) ? [...target.remembered] : [...patterns];
  return branches.slice(0, FINGERPRINT_BRANCHES);
}

function factsTarget(loaded: LoadedConfig, target: PrefetchTarget): FullReadTarget {
  const { config } = loaded;
  const exact = !config.production.environments.some((e) => picomatch.scan(e).isGlob);
  return {
    owner: target.owner,
    repo: target.repo,
    branches: guessedBranches(loaded, target),
    // As the full read does: protection and deployments only with drift reporting on.
    protection: config.drift.enabled && target.canReadProtection === true,
    ...(config.drift.enabled ? { deployments: { environments: exact ? config.production.environments : null } } : {}),
  };
}

/** Consecutive groups of at most `FULL_READ_BATCH` targets and `FULL_READ_BRANCHES` branches. */
function queries(targets: ReadonlyArray<{ index: number; target: FullReadTarget }>): Array<typeof targets> {
  const out: Array<Array<(typeof targets)[number]>> = [];
  let current: Array<(typeof targets)[number]> = [];
  let branches = 0;
  for (const item of targets) {
    if (current.length > 0 && (current.length >= FULL_READ_BATCH || branches + item.target.branches.length > FULL_READ_BRANCHES)) {
      out.push(current);
      current = [];
      branches = 0;
    }
    current.push(item);
    branches += item.target.branches.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Reads, for up to `FULL_READ_BATCH` repositories of one installation that the scan reads in
 * full, their configuration files (one query) and then what their full reads would ask one call
 * at a time (one query, occasionally two). Each entry is null where the configuration is not
 * settled by the files (`_extends`, a file that does not parse, no answer): that repository's read
 * is done entirely the usual way. Nothing here ever hides a fact: whatever the batch did not
 * answer, the full read asks for.
 */
export async function prefetchFullReads(params: {
  app: Pick<Probot, "auth" | "log">;
  installationId: number;
  targets: readonly PrefetchTarget[];
  now: Date;
  /** The headers of every answer (budget-aware pacing). */
  observe?: (headers: Record<string, unknown>) => void;
}): Promise<Array<PrefetchedRead | null>> {
  const { app, installationId, targets } = params;
  const none = targets.map(() => null);
  if (targets.length === 0) return none;
  if (targets.length > FULL_READ_BATCH) throw new Error(`at most ${FULL_READ_BATCH} repositories per prefetch`);
  const log = app.log.child({ name: "drift-scan", installation: installationId });
  let octokit: GitHubClient;
  try {
    octokit = (await app.auth(installationId)) as unknown as GitHubClient;
  } catch (error) {
    log.warn({ err: error }, "no token for the batched full reads; each repository is read on its own");
    return none;
  }
  if (params.observe) observeResponses(octokit, params.observe);
  let blobs;
  try {
    blobs = await getConfigBlobs({ octokit }, { targets });
  } catch (error) {
    log.warn({ err: error, repositories: targets.length }, "configuration query failed; each repository is read on its own");
    return none;
  }
  const loaded = targets.map((target, i) => {
    const blob = blobs[i];
    return blob ? configFromBlobs({ repo: target.repo, repository: blob.repository, org: blob.org }, log.child({ repository: `${target.owner}/${target.repo}` })) : null;
  });
  const wanted = targets.flatMap((target, index) => {
    const config = loaded[index];
    return config ? [{ index, target: factsTarget(config, target) }] : [];
  });
  const facts = new Map<number, FullReadFacts | null>();
  // One look-back start for the query, the earliest of the targets' (one installation: the same), read before any of
  // their scans starts: never later than a scan's own, which keeps only its period of what was read.
  const since = new Date(Math.min(...targets.map((t) => lookbackSince(params.now, t.installedAt).getTime())));
  for (const group of queries(wanted)) {
    try {
      const answers = await getFullReadFacts({ octokit }, { targets: group.map((g) => g.target), since });
      group.forEach((g, i) => facts.set(g.index, answers[i] ?? null));
    } catch (error) {
      log.warn({ err: error, repositories: group.length }, "full-read query failed; those repositories' facts are read one by one");
    }
  }
  return targets.map((_, index) => {
    const config = loaded[index];
    return config ? { loaded: config, facts: facts.get(index) ?? null } : null;
  });
}
