import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import { forgetAllConfigs } from "../../src/config/config-cache.js";
import { API, RAW, createTestApp, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { issueResponse } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

type Example = Record<string, unknown>;
type WebhookEvent = Parameters<ReturnType<typeof createTestApp>["probot"]["receive"]>[0];

const payloadsOf = (name: string): Example[] => (examples as Array<{ name: string; examples: Example[] }>).find((e) => e.name === name)?.examples ?? [];
const pushes = payloadsOf("push");
const runs = payloadsOf("workflow_run");

/** Answers every call the app could make for these events, as often as it is made. */
function permissiveGitHub(config: string | null) {
  const mock = mockGitHub();
  const config404 = { message: "Not Found" };
  const configPath = /\/repos\/[^/]+\/[^/]+\/contents\/\.github%2Fpipeline-guard\.yml/;
  if (config === null) mock.api.get(configPath).query(true).reply(404, config404).persist();
  else mock.api.get(configPath).query(true).reply(200, config, RAW).persist();
  mock.api
    .get(/\/repos\/[^/]+\/[^/]+\/commits\/[0-9a-f]+\/pulls/)
    .query(true)
    .reply(200, [])
    .persist()
    .get(/\/repos\/[^/]+\/[^/]+\/compare\//)
    .query(true)
    .reply(200, { total_commits: 0, commits: [] })
    .persist()
    .get(/\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission/)
    .reply(200, { permission: "write", role_name: "write" })
    .persist()
    .get(/\/repos\/[^/]+\/[^/]+\/issues$/)
    .query(true)
    .reply(200, [])
    .persist()
    .post(/\/repos\/[^/]+\/[^/]+\/labels/)
    .reply(201, {})
    .persist()
    .post(/\/repos\/[^/]+\/[^/]+\/issues$/)
    .reply(201, issueResponse({ number: 1, title: "x", body: "", labels: [] }))
    .persist()
    .patch(/\/repos\/[^/]+\/[^/]+\/issues\/\d+$/)
    .reply(200, {})
    .persist()
    .post(/\/repos\/[^/]+\/[^/]+\/check-runs/)
    .reply(201, { id: 1 })
    .persist()
    .post(/\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches/)
    .reply(204)
    .persist();
  return mock;
}

const CONFIGS: Array<[string, string | null]> = [
  ["no configuration file", null],
  ["every branch production, check mode, a retest workflow", 'production:\n  branches: ["**"]\nbypass:\n  direct_push: check\n  force_push: check\nfollow_up:\n  retest_workflow: test.yml\n'],
  ["report mode, issues", "mode: report\n"],
];

describe("every `push` and `workflow_run` example of @octokit/webhooks-examples", () => {
  test("the examples are there", () => {
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(API).toBe("https://api.github.com");
  });

  describe.each(CONFIGS)("with %s", (_name, config) => {
    test.each(pushes.map((payload, i) => [i, payload.ref, payload] as const))("push example %i (%s): received without an error", async (_i, _ref, payload) => {
      const { probot, logs } = createTestApp();
      const mock = permissiveGitHub(config);
      await probot.receive({ id: "example", name: "push", payload } as unknown as WebhookEvent);
      expect(mock.unmatched).toEqual([]);
      expect(logs.filter((l) => l.level >= 50)).toEqual([]);
      // Tags never cost a call.
      if (String(payload.ref).startsWith("refs/tags/")) expect(mock.requests).toHaveLength(0);
    });

    test.each(runs.map((payload, i) => [i, payload.action, payload] as const))("workflow_run example %i (%s): received without an error or a call", async (_i, _action, payload) => {
      const { probot, logs } = createTestApp();
      const mock = permissiveGitHub(config);
      await probot.receive({ id: "example", name: "workflow_run", payload } as unknown as WebhookEvent);
      expect(mock.unmatched).toEqual([]);
      expect(logs.filter((l) => l.level >= 50)).toEqual([]);
      // None of them is a bot's workflow_dispatch: none can be the app's retest.
      expect(mock.requests).toHaveLength(0);
    });
  });

  test("the master push example (a new branch with its first commit) is a direct push bypass with its commit listed", async () => {
    const { probot } = createTestApp();
    const mock = permissiveGitHub(null);
    const payload = pushes.find((p) => p.ref === "refs/heads/master" && p.installation)!;
    await probot.receive({ id: "example", name: "push", payload } as unknown as WebhookEvent);
    const issue = mock.requests.find((r) => r.method === "POST" && r.path === "/repos/Codertocat/Hello-World/issues")?.body as { title: string; body: string };
    expect(issue.title).toBe("Bypass: direct push on master (6113728)");
    expect(issue.body).toContain("- 6113728 Initial commit");
    expect(issue.body).toContain("- **Who:** @Codertocat");
  });
});
