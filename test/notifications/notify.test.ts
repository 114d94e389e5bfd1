import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { Notifier, NotifyMessage } from "../../src/infrastructure/webhook-notifier.js";
import { notify, renderNotification, repositoryWebUrl, slackEscape, type NotifyEvent } from "../../src/notifications/notify.js";
import { notifyNewDrift } from "../../src/notifications/notify-new-drift.js";
import { testGateway } from "../helpers/nock-harness.js";

function collecting(): { notifier: Notifier; sent: NotifyMessage[] } {
  const sent: NotifyMessage[] = [];
  return { sent, notifier: { notify: (m) => void sent.push(m), drain: async () => undefined } };
}

const EVENTS: Array<[NotifyEvent, string]> = [
  [
    { kind: "override", repository: "octo/app", markers: ["skip-tests"], change: "#12 Raise the timeout", by: "alice", url: "https://github.com/octo/app/issues/40" },
    ":rotating_light: Override merged in octo/app: skip-tests in #12 Raise the timeout by alice. Follow-up: <https://github.com/octo/app/issues/40|issue>",
  ],
  [
    { kind: "bypass", repository: "octo/app", title: "Bypass: direct push on main (a1b2c3d)", url: "https://github.com/octo/app/issues/41" },
    ":warning: Bypass recorded in octo/app: <https://github.com/octo/app/issues/41|Bypass: direct push on main (a1b2c3d)>",
  ],
  [
    { kind: "escalation", repository: "octo/app", title: "Follow-up: skip-tests in #12", url: "https://github.com/octo/app/issues/40", to: ["acme/sre"] },
    ":fire: Follow-up escalated in octo/app: <https://github.com/octo/app/issues/40|Follow-up: skip-tests in #12> (to acme/sre)",
  ],
  [
    { kind: "drift", repository: "octo/app", id: "protection:main:enforce_admins", url: "https://github.com/octo/app/issues?q=x" },
    ":mag: New drift in octo/app: protection:main:enforce_admins. Report: <https://github.com/octo/app/issues?q=x|Configuration drift report>",
  ],
];

describe("notifications: one message per kind, with its link", () => {
  test.each(EVENTS)("%o", (event, text) => {
    expect(renderNotification(event)).toBe(text);
  });

  test("quoted text cannot mention a channel, link, or break a link: Slack's control characters are escaped", () => {
    const text = renderNotification({ kind: "bypass", repository: "octo/app", title: "x <!channel> <http://evil|click> & |", url: "https://github.com/octo/app/issues/41" });
    expect(text).toBe(":warning: Bypass recorded in octo/app: <https://github.com/octo/app/issues/41|x &lt;!channel&gt; &lt;http://evil|click&gt; &amp; |>");
    expect(slackEscape("<@U123>")).toBe("&lt;@U123&gt;");
  });

  test("notify.events chooses the kinds a repository sends (all four by default)", () => {
    const { gw } = testGateway({ owner: "octo", repo: "app" });
    const { notifier, sent } = collecting();
    for (const [event] of EVENTS) notify(gw, DEFAULT_CONFIG, event, notifier);
    expect(sent).toHaveLength(4);
    const only = collecting();
    for (const [event] of EVENTS) notify(gw, { notify: { events: ["bypass", "drift"] } }, event, only.notifier);
    expect(only.sent.map((m) => m.text.split(" ")[0])).toEqual([":warning:", ":mag:"]);
  });

  test("a dry run logs the message it would send, and sends nothing", () => {
    const { gw, logs } = testGateway({ owner: "octo", repo: "app", dryRun: true });
    const { notifier, sent } = collecting();
    notify(gw, DEFAULT_CONFIG, EVENTS[0]![0], notifier);
    expect(sent).toEqual([]);
    expect(logs.map((l) => l.msg)).toEqual(["dry run: would notify"]);
  });

  test("new drift: one message per new item, linking the repository's drift report", () => {
    const { gw } = testGateway({ owner: "octo", repo: "app" });
    const { notifier, sent } = collecting();
    for (const id of ["terraform:aws_instance.db", "deployment:production"]) notify(gw, DEFAULT_CONFIG, { kind: "drift", repository: "octo/app", id, url: `${repositoryWebUrl(gw)}/issues` }, notifier);
    expect(sent.map((m) => m.text)).toEqual([
      ":mag: New drift in octo/app: terraform:aws_instance.db. Report: <https://github.com/octo/app/issues|Configuration drift report>",
      ":mag: New drift in octo/app: deployment:production. Report: <https://github.com/octo/app/issues|Configuration drift report>",
    ]);
    expect(() => notifyNewDrift({ ...gw, dryRun: true }, DEFAULT_CONFIG, ["x"])).not.toThrow();
  });

  test("a GitHub Enterprise Server's web address is its API's without /api/v3", () => {
    const { gw } = testGateway({ owner: "octo", repo: "app" });
    const ghe = { ...gw, octokit: { request: { endpoint: { DEFAULTS: { baseUrl: "https://ghe.example.com/api/v3" } } } } } as unknown as typeof gw;
    expect(repositoryWebUrl(ghe)).toBe("https://ghe.example.com/octo/app");
    expect(repositoryWebUrl(gw)).toBe("https://github.com/octo/app");
  });
});
