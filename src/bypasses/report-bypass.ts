import type { Config } from "../config/schema.js";
import { createCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { findOrCreateIssue } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { renderBypassIssue, type BypassRecord } from "./render-bypass-issue.js";

export function isExemptActor(actor: string, config: Pick<Config, "bypass">, appLogin?: string): boolean {
  const lower = actor.toLowerCase();
  return lower === appLogin?.toLowerCase() || config.bypass.allowed_actors.some((a) => a.toLowerCase() === lower);
}

/**
 * Reports a bypass the way the config says: an issue (found again by its hidden key, so one
 * per commit however often the event comes), a failing check run on the commit, or nothing.
 */
export async function reportBypass(
  gw: Gateway,
  record: BypassRecord,
  action: Config["bypass"]["direct_push"],
  mode: Config["mode"],
): Promise<{ created: boolean }> {
  if (action === "off") return { created: false };
  const rendered = renderBypassIssue(record);
  if (action === "check") {
    await createCheckRun(gw, {
      headSha: record.sha,
      conclusion: mode === "report" ? "neutral" : "failure",
      title: rendered.title,
      summary: rendered.body,
    });
    return { created: false };
  }
  const { created } = await findOrCreateIssue(gw, { kind: "bypass", key: rendered.key, title: rendered.title, body: rendered.body, labels: [APP_LABELS.bypass] });
  return { created };
}
