import type { Config } from "../config/schema.js";
import { createCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { notify } from "../notifications/notify.js";
import { openBypass, newBypassState, bypassKey, type BypassRecord } from "./record.js";
import { bypassTitle, renderBypassBody } from "./render-bypass-issue.js";

/** Release bots listed in `bypass.allowed_actors`, and the app itself, are exempt from bypass reports. */
export function isExemptActor(actor: string | null, config: Pick<Config, "bypass">, appLogin?: string): boolean {
  if (!actor) return false;
  const lower = actor.toLowerCase();
  return lower === appLogin?.toLowerCase() || config.bypass.allowed_actors.some((a) => a.toLowerCase() === lower);
}

/**
 * Reports a bypass the way the config says: an issue (one per commit however often the event
 * comes), a failing check run on the commit, or nothing.
 */
export async function reportBypass(
  gw: Gateway,
  record: BypassRecord,
  action: Config["bypass"]["direct_push"],
  mode: Config["mode"],
  config?: Pick<Config, "notify">,
): Promise<{ created: boolean }> {
  if (action === "off") return { created: false };
  if (action === "check") {
    const state = newBypassState(record);
    // The check's summary is the issue's text without the record's key line and block.
    const body = renderBypassBody(state, { key: bypassKey(record), block: "" });
    await createCheckRun(gw, {
      headSha: record.sha,
      conclusion: mode === "report" ? "neutral" : "failure",
      title: bypassTitle(state),
      summary: body.split("\n").slice(1).join("\n").trimEnd(),
    });
    return { created: false };
  }
  const { issue, created } = await openBypass(gw, record);
  if (created && config) notify(gw, config, { kind: "bypass", repository: `${gw.owner}/${gw.repo}`, title: issue.title, url: issue.html_url });
  return { created };
}
