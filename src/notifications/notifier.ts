import { pino } from "pino";
import { NO_NOTIFIER, parseWebhookUrl, WebhookNotifier, type Notifier } from "../infrastructure/webhook-notifier.js";

/**
 * The process's notifier: from `NOTIFY_WEBHOOK_URL` (set in the environment, never in a repository
 * file), or none. Made once, on first use; the server checks the URL at start-up
 * (`checkStartupEnvironment`), so an invalid one never gets here in a running app.
 */
let current: Notifier | null = null;

export function notifier(env: NodeJS.ProcessEnv = process.env): Notifier {
  if (current) return current;
  const value = env.NOTIFY_WEBHOOK_URL?.trim();
  current = value ? new WebhookNotifier(parseWebhookUrl(value), { log: pino({ name: "notify" }) }) : NO_NOTIFIER;
  return current;
}

/** Tests (and a process that wants another) set the notifier; null forgets it. */
export function setNotifier(next: Notifier | null): void {
  current = next;
}
