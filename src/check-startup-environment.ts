import { InvalidWebhookUrlError, parseWebhookUrl } from "./infrastructure/webhook-notifier.js";
import { MissingStateSecretError, stateKeys } from "./records/state-keys.js";

/**
 * Probot quietly uses `development` as the webhook secret when WEBHOOK_SECRET is unset; in
 * production that would accept forged webhooks, so the server refuses to start instead. An app
 * with credentials must be able to sign its records (STATE_SECRET, or its private key): found now
 * rather than at the first record. Returns the problems found (empty: fine to start).
 */
export function checkStartupEnvironment(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";
  const secret = env.WEBHOOK_SECRET ?? "";
  if (production && secret.trim() === "") problems.push("WEBHOOK_SECRET is not set: refusing to start in production without webhook signature verification.");
  if (production && secret === "development") problems.push("WEBHOOK_SECRET is Probot's development default: set a real secret.");
  const interval = env.DRIFT_SCAN_INTERVAL;
  if (interval !== undefined && interval !== "" && !/^\d+(ms|s|m|h|d)?$/.test(interval.trim())) {
    problems.push(`DRIFT_SCAN_INTERVAL "${interval}" is not a duration such as 6h, 30m or 0.`);
  }
  const webhook = env.NOTIFY_WEBHOOK_URL?.trim();
  if (webhook) {
    try {
      parseWebhookUrl(webhook);
    } catch (error) {
      if (!(error instanceof InvalidWebhookUrlError)) throw error;
      problems.push(`${error.message}.`);
    }
  }
  if (env.APP_ID) {
    try {
      stateKeys(env);
    } catch (error) {
      if (!(error instanceof MissingStateSecretError)) throw error;
      problems.push(`${error.message}.`);
    }
  }
  return problems;
}
