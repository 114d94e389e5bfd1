import type { Probot } from "probot";
import { appLoginResolver } from "../github/app-identity.js";
import { listInstalledRepositories, scanRepositories, type ScanOutcome } from "./scan-job.js";

/**
 * The scan of every installed repository (or of one `owner/name`): what the in-process schedule
 * and `pipeline-guard scan` both run.
 */
export async function runScheduledScan(params: {
  app: Pick<Probot, "auth" | "log">;
  env?: NodeJS.ProcessEnv;
  only?: string;
  pauseMs?: number;
  appLogin?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}): Promise<ScanOutcome[]> {
  const targets = await listInstalledRepositories(params.app, params.only);
  // Asked once for the whole scan, not once per repository.
  const appLogin = params.appLogin ?? (await appLoginResolver(params.app)());
  return scanRepositories(params.app, targets, { pauseMs: params.pauseMs ?? 0, appLogin, now: params.now, sleep: params.sleep });
}
