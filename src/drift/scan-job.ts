import { Context, type Probot } from "probot";
import { notifyNewDrift } from "../notifications/notify-new-drift.js";
import { readConfig } from "../config/read-config.js";
import { appLoginResolver } from "../github/app-identity.js";
import { getDefaultBranch } from "../github/branches.js";
import { isDryRun, type Gateway, type GitHubClient } from "../github/gateway.js";
import { observeResponses } from "../github/response-headers.js";
import { accountOf, listAppInstallations, listInstallationRepositories, type RawInstallation, type RawRepository } from "../github/installations.js";
import { redactingErrSerializer, redactSignedUrls } from "../github/redact-signed-urls.js";
import type { PrefetchedRead } from "./full-read-prefetch.js";
import { scanRepository, type ScanOptions, type ScanSummary } from "./scan-repository.js";

/** A repository the app is installed on, as the installations API lists it. */
export interface InstalledRepository {
  installationId: number;
  owner: string;
  repo: string;
  defaultBranch: string;
  archived: boolean;
  /** Reading rule suites needs `administration: write`. */
  canReadRuleSuites: boolean;
  /** Classic protection needs `administration: read` (or write): only then does the scheduled scan's batch read it, else REST does (and a 403 is reported). */
  canReadProtection?: boolean;
  installedAt?: Date;
}

const running = new Set<string>();

export type ScanOutcome = ScanSummary | { repository: string; skipped: string } | { repository: string; error: string };

/**
 * Scans one repository with the installation's token. Never two scans of one repository at once
 * in this process: a second request while one runs is skipped, not queued (the running one
 * already sees the current state).
 */
export async function scanInstalledRepository(
  app: Pick<Probot, "auth" | "log">,
  target: InstalledRepository,
  params: {
    now?: Date;
    appLogin?: string;
    trigger?: ScanOptions["trigger"];
    accept?: ScanOptions["accept"];
    /** The configuration and facts the scheduled scan read in a batch (src/drift/full-read-prefetch.ts); without them, everything is read here. */
    prefetched?: PrefetchedRead | null;
    /** The headers of every answer of this scan (budget-aware pacing); the count of requests is returned through `requests`. */
    observe?: { headers: (headers: Record<string, unknown>) => void; requests?: (count: number) => void };
  } = {},
): Promise<ScanOutcome> {
  const repository = `${target.owner}/${target.repo}`;
  if (target.archived) return { repository, skipped: "archived" };
  if (running.has(repository.toLowerCase())) return { repository, skipped: "a scan of this repository is already running" };
  running.add(repository.toLowerCase());
  // The scan downloads artifacts through signed URLs: whatever error reaches this logger, or the
  // outcome (a `rescan` reply quotes it), carries none (SPEC section 10 rule 14).
  const log = app.log.child({ name: "drift-scan", repository }, { serializers: { err: redactingErrSerializer } });
  let counted: (() => number) | null = null;
  try {
    const octokit = await app.auth(target.installationId);
    counted = params.observe ? observeResponses(octokit as unknown as GitHubClient, params.observe.headers) : null;
    // A context of our own, so that the configuration is read the way webhooks read it (Probot's
    // context.config: default branch, org `.github`, `_extends`).
    const context = new Context(
      { id: `scan-${Date.now()}`, name: "repository", payload: { repository: { owner: { login: target.owner }, name: target.repo }, installation: { id: target.installationId } } } as never,
      octokit as never,
      log,
    );
    // The caller usually knows the app's login already; otherwise it is asked once, when a record is looked up.
    const known = params.appLogin;
    const gw: Gateway = { octokit: context.octokit, log, owner: target.owner, repo: target.repo, dryRun: isDryRun(), appLogin: known ? async () => known : appLoginResolver(app) };
    // A configuration from the batch is not kept for the push pre-filter: only a read here keeps it.
    const loaded = params.prefetched?.loaded ?? (await readConfig(context));
    const defaultBranch = target.defaultBranch || (await getDefaultBranch(gw));
    const summary = await scanRepository(gw, loaded, {
      now: params.now ?? new Date(),
      defaultBranch,
      canReadRuleSuites: target.canReadRuleSuites,
      appLogin: params.appLogin,
      installedAt: target.installedAt,
      trigger: params.trigger,
      accept: params.accept,
      prefetched: params.prefetched?.facts,
      oneRecordListing: params.prefetched !== undefined && params.prefetched !== null,
    });
    log.info({ ...summary }, "drift scan done");
    notifyNewDrift(gw, loaded.config, summary.newItems);
    return summary;
  } catch (error) {
    log.error({ err: error }, "drift scan failed");
    return { repository, error: redactSignedUrls(error instanceof Error ? error.message : String(error)) };
  } finally {
    running.delete(repository.toLowerCase());
    if (counted) params.observe?.requests?.(counted());
  }
}

/** When the app was installed; undefined when unreadable, which leaves the look-back at its 30 days. */
function installedAtOf(createdAt: string | number | undefined): Date | undefined {
  if (createdAt === undefined || createdAt === "") return undefined;
  const at = typeof createdAt === "number" ? new Date(createdAt * 1000) : new Date(createdAt);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function toTarget(installation: RawInstallation, repo: RawRepository): InstalledRepository {
  return {
    installationId: installation.id,
    owner: repo.owner.login,
    repo: repo.name,
    defaultBranch: repo.default_branch ?? "main",
    archived: repo.archived === true,
    canReadRuleSuites: installation.permissions?.administration === "write",
    canReadProtection: installation.permissions?.administration === "read" || installation.permissions?.administration === "write",
    installedAt: installedAtOf(installation.created_at),
  };
}

/** Every repository of every (not suspended) installation, optionally only one `owner/name`. */
export async function listInstalledRepositories(app: Pick<Probot, "auth" | "log">, only?: string): Promise<InstalledRepository[]> {
  const targets: InstalledRepository[] = [];
  for (const installation of await listAppInstallations(app)) {
    const owner = accountOf(installation);
    if (installation.suspended_at || (only && owner.toLowerCase() !== only.split("/")[0]?.toLowerCase())) continue;
    let repos: RawRepository[];
    try {
      repos = (await listInstallationRepositories(app, installation.id)).repositories;
    } catch (error) {
      // One installation that cannot be read (uninstalled a moment ago, a token refused) must not stop the others.
      app.log.error({ err: error, installation: installation.id, owner }, "installation's repositories could not be listed; it is skipped this time");
      continue;
    }
    for (const repo of repos) {
      if (only && `${repo.owner.login}/${repo.name}`.toLowerCase() !== only.toLowerCase()) continue;
      targets.push(toTarget(installation, repo));
    }
  }
  return targets;
}

/** Installation details for repositories named in an `installation` or `installation_repositories` event. */
export function targetsOfEvent(
  installation: RawInstallation,
  repositories: ReadonlyArray<{ full_name: string }>,
): InstalledRepository[] {
  return repositories.map((r) => {
    const [owner = "", repo = ""] = r.full_name.split("/");
    // The event does not carry the default branch; "" makes the scan ask for it.
    return toTarget(installation, { name: repo, owner: { login: owner }, default_branch: "" });
  });
}

/**
 * Scans repositories one at a time, with a pause between them, so that an org of hundreds of
 * repositories never bursts into GitHub's secondary rate limit.
 */
export async function scanRepositories(
  app: Pick<Probot, "auth" | "log">,
  targets: readonly InstalledRepository[],
  params: { pauseMs: number; appLogin?: string; now?: () => Date; sleep?: (ms: number) => Promise<void> },
): Promise<ScanOutcome[]> {
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const outcomes: ScanOutcome[] = [];
  for (const [index, target] of targets.entries()) {
    if (index > 0 && params.pauseMs > 0) await sleep(params.pauseMs);
    outcomes.push(await scanInstalledRepository(app, target, { now: params.now?.(), appLogin: params.appLogin }));
  }
  return outcomes;
}
