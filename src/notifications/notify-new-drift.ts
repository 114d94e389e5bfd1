import type { Config } from "../config/schema.js";
import type { Gateway } from "../github/gateway.js";
import { notify, repositoryWebUrl } from "./notify.js";

/** One message per new drift item of a scan, linking the repository's drift report (found by its label). */
export function notifyNewDrift(gw: Pick<Gateway, "dryRun" | "log" | "octokit" | "owner" | "repo">, config: Pick<Config, "notify">, newItems: readonly string[]): void {
  const url = `${repositoryWebUrl(gw)}/issues?q=${encodeURIComponent("is:issue label:pipeline-guard:drift")}`;
  for (const id of newItems) notify(gw, config, { kind: "drift", repository: `${gw.owner}/${gw.repo}`, id, url });
}
