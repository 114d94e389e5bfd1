import type { Config, NotifyEventKind } from "../config/schema.js";
import type { Notifier } from "../infrastructure/webhook-notifier.js";
import type { Gateway } from "../github/gateway.js";
import { notifier } from "./notifier.js";

/** What happened, with the link a person follows from the message. */
export type NotifyEvent =
  | { kind: "override"; repository: string; markers: readonly string[]; change: string; by: string | null; url: string }
  | { kind: "bypass"; repository: string; title: string; url: string }
  | { kind: "escalation"; repository: string; title: string; url: string; to: readonly string[] }
  | { kind: "drift"; repository: string; id: string; url: string };

/** Slack's three control characters; with them escaped, no text can link, mention (`<!channel>`) or break a link. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<url|text>`, when the URL is a plain https one; else the text alone. */
function link(url: string, text: string): string {
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${slackEscape(text)}>` : slackEscape(text);
}

export function renderNotification(event: NotifyEvent): string {
  const repository = slackEscape(event.repository);
  switch (event.kind) {
    case "override":
      return `:rotating_light: Override merged in ${repository}: ${slackEscape(event.markers.join(", "))} in ${slackEscape(event.change)}${event.by ? ` by ${slackEscape(event.by)}` : ""}. Follow-up: ${link(event.url, "issue")}`;
    case "bypass":
      return `:warning: Bypass recorded in ${repository}: ${link(event.url, event.title)}`;
    case "escalation":
      return `:fire: Follow-up escalated in ${repository}: ${link(event.url, event.title)} (to ${slackEscape(event.to.join(", "))})`;
    case "drift":
      return `:mag: New drift in ${repository}: ${slackEscape(event.id)}. Report: ${link(event.url, "Configuration drift report")}`;
  }
}

/**
 * Sends one message, when the repository's `notify.events` asks for its kind; never waits, never
 * throws. In a dry run it is logged, not sent.
 */
export function notify(gw: Pick<Gateway, "dryRun" | "log">, config: Pick<Config, "notify">, event: NotifyEvent, to: Notifier = notifier()): void {
  const kind: NotifyEventKind = event.kind;
  if (!config.notify.events.includes(kind)) return;
  const text = renderNotification(event);
  if (gw.dryRun) {
    gw.log.info({ kind, dryRun: true }, "dry run: would notify");
    return;
  }
  to.notify({ text });
}

/** The web address of the repository (github.com, or a GitHub Enterprise Server's), from the API's. */
export function repositoryWebUrl(gw: Pick<Gateway, "octokit" | "owner" | "repo">): string {
  const api = String(gw.octokit.request.endpoint.DEFAULTS.baseUrl ?? "https://api.github.com");
  const web = api === "https://api.github.com" ? "https://github.com" : api.replace(/\/api\/v3\/?$/, "");
  return `${web}/${gw.owner}/${gw.repo}`;
}
