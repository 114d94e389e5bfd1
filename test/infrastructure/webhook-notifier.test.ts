/**
 * The webhook notifier against a real HTTP endpoint on 127.0.0.1: it fails twice, then succeeds;
 * the message arrives once, the handler never waited, and the webhook's path (its secret) is never logged.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidWebhookUrlError, parseWebhookUrl, WebhookNotifier, type NotifierLog } from "../../src/infrastructure/webhook-notifier.js";

interface Received {
  path: string;
  body: unknown;
}

/** An endpoint that answers each request with the next status of `statuses` (the last one repeats); `hang`: never answers. */
async function endpoint(statuses: number[], options: { hang?: boolean } = {}): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body) as unknown });
      if (options.hang) return;
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/services/T000/B000/SECRETPATH`, received };
}

function recordingLog(): { log: NotifierLog; lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  return {
    lines,
    log: {
      warn: (fields, message) => lines.push({ level: "warn", fields, message }),
      error: (fields, message) => lines.push({ level: "error", fields, message }),
    },
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("WebhookNotifier", () => {
  test("an endpoint that fails twice then succeeds: delivered on the third try, once; notify returned at once", async () => {
    const { server, url, received } = await endpoint([500, 503, 200]);
    servers.push(server);
    const { log, lines } = recordingLog();
    const notifier = new WebhookNotifier(parseWebhookUrl(url), { log, backoffMs: [10, 20, 40, 80] });

    notifier.notify({ text: "Override merged in octo/app" });
    expect(received).toEqual([]); // the handler did not wait for the webhook
    await notifier.drain();

    expect(received).toHaveLength(3);
    expect(received.every((r) => r.path === "/services/T000/B000/SECRETPATH")).toBe(true);
    expect(received[2]!.body).toEqual({ text: "Override merged in octo/app" });
    expect(lines.map((l) => [l.level, l.fields.try, l.fields.problem])).toEqual([
      ["warn", 1, "answered 500"],
      ["warn", 2, "answered 503"],
    ]);
    // Only the origin: the path is the webhook's secret.
    expect(JSON.stringify(lines)).not.toContain("SECRETPATH");
    expect(lines[0]!.fields.webhook).toBe(new URL(url).origin);
  });

  test("an endpoint that always fails: 5 tries, then given up with an error log; the next message is still sent", async () => {
    const { server, url, received } = await endpoint([500]);
    servers.push(server);
    const { log, lines } = recordingLog();
    const notifier = new WebhookNotifier(parseWebhookUrl(url), { log, backoffMs: [1, 1, 1, 1] });

    notifier.notify({ text: "one" });
    notifier.notify({ text: "two" });
    await notifier.drain();

    expect(received.map((r) => (r.body as { text: string }).text)).toEqual(["one", "one", "one", "one", "one", "two", "two", "two", "two", "two"]);
    expect(lines.filter((l) => l.level === "error").map((l) => l.fields.tries)).toEqual([5, 5]);
    expect(JSON.stringify(lines)).not.toContain("SECRETPATH");
  });

  test("an endpoint that never answers: each try times out", async () => {
    const { server, url, received } = await endpoint([200], { hang: true });
    servers.push(server);
    const { log, lines } = recordingLog();
    const notifier = new WebhookNotifier(parseWebhookUrl(url), { log, backoffMs: [1], timeoutMs: 50 });

    notifier.notify({ text: "slow" });
    await notifier.drain();

    expect(received).toHaveLength(2);
    expect(lines.map((l) => l.level)).toEqual(["warn", "error"]);
    expect(String(lines[0]!.fields.problem)).toMatch(/TimeoutError|AbortError/);
    server.closeAllConnections();
  });

  test("past the waiting limit, new messages are dropped with a warning (bounded memory)", async () => {
    const { server, url, received } = await endpoint([200]);
    servers.push(server);
    const { log, lines } = recordingLog();
    const notifier = new WebhookNotifier(parseWebhookUrl(url), { log, maxWaiting: 2 });

    for (const text of ["a", "b", "c", "d"]) notifier.notify({ text });
    await notifier.drain();

    // "a" is in flight at once; "b" and "c" wait; "d" finds two waiting and is dropped.
    expect(received.map((r) => (r.body as { text: string }).text)).toEqual(["a", "b", "c"]);
    expect(lines.map((l) => l.message)).toEqual(["notification dropped: too many messages wait for the webhook"]);
  });
});

describe("parseWebhookUrl", () => {
  test.each(["https://hooks.slack.com/services/T/B/X", "http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:8080/x"])("%s is accepted", (url) => {
    expect(parseWebhookUrl(url).href).toBeTruthy();
  });

  test.each(["http://hooks.slack.com/services/T/B/X", "ftp://example.com/x", "not a url", "javascript:alert(1)"])("%s is refused, and the message holds no path", (url) => {
    expect(() => parseWebhookUrl(url)).toThrow(InvalidWebhookUrlError);
    try {
      parseWebhookUrl(url);
    } catch (error) {
      expect((error as Error).message).not.toContain("services/T/B/X");
    }
  });
});
