/**
 * Messages to a Slack-compatible incoming webhook (`NOTIFY_WEBHOOK_URL`), behind a small
 * interface with an in-process default. A message is queued and sent in the background: a handler
 * never waits for it, and a failing webhook never fails a handler. Each message is tried 5 times
 * (backoff 1, 2, 4, 8 s; 10 s timeout each); at most 1,000 wait, more are dropped with a warning.
 * The webhook's URL is a secret (its path is the credential): only its origin is ever logged.
 * Within one process: replicas each send their own events' messages.
 */

export interface NotifyMessage {
  /** Slack `mrkdwn`, already escaped. */
  text: string;
}

export interface Notifier {
  /** Queues the message; never throws, never waits. */
  notify(message: NotifyMessage): void;
  /** Resolves once every queued message was sent or given up (the CLI waits before exiting). */
  drain(): Promise<void>;
}

export interface NotifierLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Sends nothing: no webhook is configured. */
export const NO_NOTIFIER: Notifier = { notify: () => undefined, drain: async () => undefined };

/** Waits between tries: 1, 2, 4 and 8 seconds, so a webhook down for a quarter of a minute loses nothing. */
export const BACKOFF_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
export const TIMEOUT_MS = 10_000;
/** A webhook down for long: past this many waiting messages, new ones are dropped (bounded memory). */
export const MAX_WAITING = 1_000;

export class InvalidWebhookUrlError extends Error {
  override name = "InvalidWebhookUrlError";
}

/**
 * The webhook URL, checked: https, or http only to this machine (a test endpoint, a local relay).
 * Anything else would send the messages, and the URL's secret path, in clear over a network.
 */
export function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidWebhookUrlError("NOTIFY_WEBHOOK_URL is not a URL");
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new InvalidWebhookUrlError(`NOTIFY_WEBHOOK_URL must be https:// (or http:// to localhost), got ${url.protocol}//${url.host}`);
  }
  return url;
}

/** A fetch error's name and message (a timeout is a DOMException, not always an `Error` of this realm). */
function describeFailure(error: unknown): string {
  if (typeof error !== "object" || error === null) return "failed";
  const { name, message } = error as { name?: unknown; message?: unknown };
  return `${typeof name === "string" ? name : "Error"}: ${typeof message === "string" ? message.slice(0, 200) : "failed"}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WebhookNotifier implements Notifier {
  private readonly queue: NotifyMessage[] = [];
  private running: Promise<void> | null = null;
  private readonly origin: string;

  constructor(
    private readonly url: URL,
    private readonly options: { log: NotifierLog; backoffMs?: readonly number[]; timeoutMs?: number; maxWaiting?: number },
  ) {
    this.origin = url.origin;
  }

  notify(message: NotifyMessage): void {
    if (this.queue.length >= (this.options.maxWaiting ?? MAX_WAITING)) {
      this.options.log.warn({ webhook: this.origin, waiting: this.queue.length }, "notification dropped: too many messages wait for the webhook");
      return;
    }
    this.queue.push(message);
    this.running ??= this.pump().finally(() => {
      this.running = null;
    });
  }

  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pump(): Promise<void> {
    for (let message = this.queue.shift(); message; message = this.queue.shift()) await this.deliver(message);
  }

  private async deliver(message: NotifyMessage): Promise<void> {
    const backoff = this.options.backoffMs ?? BACKOFF_MS;
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        const response = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (response.ok) return;
        problem = `answered ${response.status}`;
      } catch (error) {
        // The error's name and message only: a cause can carry the URL, whose path is the secret.
        problem = describeFailure(error);
      }
      const delay = backoff[attempt];
      if (delay === undefined) {
        this.options.log.error({ webhook: this.origin, tries: attempt + 1, problem }, "notification not delivered: the webhook failed every try");
        return;
      }
      this.options.log.warn({ webhook: this.origin, try: attempt + 1, problem, retryInMs: delay }, "notification webhook failed; retrying");
      await sleep(delay);
    }
  }
}
