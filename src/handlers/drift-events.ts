import type { Context, Probot } from "probot";
import { scanInstalledRepository, scanRepositories, targetsOfEvent, type ScanOutcome } from "../drift/scan-job.js";
import { currentInfrastructure } from "../infrastructure/current-infrastructure.js";

type AppLogin = () => Promise<string | undefined>;

/**
 * `installation.created` and `installation_repositories.added`: the new repositories are scanned
 * (their first scan records the protection baseline). Scans run one repository at a time.
 */
export async function handleRepositoriesAdded(
  app: Pick<Probot, "auth" | "log">,
  context: Context<"installation.created"> | Context<"installation_repositories.added">,
  params: { appLogin: AppLogin; pauseMs: number },
): Promise<ScanOutcome[]> {
  const { payload } = context;
  const repositories = "repositories_added" in payload ? payload.repositories_added : (payload.repositories ?? []);
  const installation = payload.installation as unknown as Parameters<typeof targetsOfEvent>[0];
  const targets = targetsOfEvent(installation, repositories);
  // With Redis the scans are jobs that any replica's worker runs (src/drift/scan-queue.ts).
  const scans = currentInfrastructure().scans;
  if (scans) {
    await scans.enqueue(targets, { dedupe: `event-${context.id}` });
    return [];
  }
  return scanRepositories(app, targets, { pauseMs: params.pauseMs, appLogin: await params.appLogin() });
}

/**
 * `branch_protection_rule` and `repository_ruleset`: a change to protection is reported at once,
 * naming who made it, instead of waiting for the next scheduled scan.
 */
export async function handleProtectionChanged(
  app: Pick<Probot, "auth" | "log">,
  context: Context<"branch_protection_rule"> | Context<"repository_ruleset">,
  params: { appLogin: AppLogin },
): Promise<ScanOutcome | null> {
  // Both events carry the same fields this needs; one shape keeps the compiler from expanding their unions.
  const payload = context.payload as unknown as {
    action: string;
    installation?: { id: number };
    repository?: { name: string; owner: { login: string }; default_branch: string; archived?: boolean };
    sender?: { login: string };
  };
  if (!payload.installation || !payload.repository) return null;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const target = { installationId: payload.installation.id, owner, repo, defaultBranch: payload.repository.default_branch, archived: payload.repository.archived === true, canReadRuleSuites: false };
  const trigger = { event: `${context.name}.${payload.action}`, actor: payload.sender?.login ?? null };
  const scans = currentInfrastructure().scans;
  if (scans) {
    await scans.enqueue([target], { dedupe: `event-${context.id}`, trigger });
    return null;
  }
  return scanInstalledRepository(app, target, { appLogin: await params.appLogin(), trigger });
}
