import { createRequire } from "node:module";
import { createTestApp, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { bodies, issueResponse, requestsTo, requiredChecksResponse, type Json } from "../helpers/github-replies.js";

setUpNock();

const require = createRequire(import.meta.url);
const index = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{ name: string; examples: Json[] }>;
const examples = index.filter((e) => e.name === "pull_request").flatMap((e) => e.examples);
const HANDLED = new Set(["opened", "edited", "synchronize", "reopened", "ready_for_review"]);

/** Answers every call the app could make, so that only the app's own handling of the payload is under test. */
function permissiveGitHub() {
  const mock = mockGitHub();
  mock.api
    .persist()
    .get(/.*/)
    .query(true)
    .reply((uri) => {
      const path = uri.split("?")[0] ?? "";
      if (path.includes("/contents/")) return [404, { message: "Not Found" }];
      if (/\/pulls\/\d+\/commits$/.test(path)) return [200, []];
      if (/\/collaborators\/[^/]+\/permission$/.test(path)) return [200, { permission: "write", role_name: "write" }];
      if (/\/issues\/\d+\/comments$/.test(path) || /\/issues$/.test(path)) return [200, []];
      if (path === "/app") return [200, { slug: "pipeline-guard" }];
      if (/\/commits\/[0-9a-f]+\/check-runs$/.test(path)) return [200, { total_count: 0, check_runs: [] }];
      return [404, { message: "Not Found" }];
    })
    .post(/.*/)
    .reply((uri, body) => {
      if (uri === "/graphql") return [200, requiredChecksResponse({ required: [], results: {} })];
      if (/\/issues$/.test(uri)) return [201, issueResponse({ number: 99, title: (body as Json).title, body: (body as Json).body, labels: [] })];
      return [201, { id: 1 }];
    })
    .patch(/.*/)
    .reply(200, {})
    .delete(/.*/)
    .reply(200, []);
  return mock;
}

describe("every pull_request example payload of @octokit/webhooks-examples", () => {
  test("there are examples to run", () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  test.each(examples.map((payload, i) => [`${i} ${String(payload.action)}`, payload] as const))("%s: received without an error", async (_name, payload) => {
    const { probot, logs } = createTestApp();
    const mock = permissiveGitHub();

    await expect(probot.receive({ id: "example", name: "pull_request", payload: structuredClone(payload) as any })).resolves.toBeUndefined(); // eslint-disable-line @typescript-eslint/no-explicit-any

    expect(mock.unmatched).toEqual([]);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    const checks = bodies(requestsTo(mock.requests, "POST", `/repos/${String(payload.repository.full_name)}/check-runs`));
    if (HANDLED.has(String(payload.action))) {
      expect(checks).toEqual([expect.objectContaining({ name: "Pipeline Guard", head_sha: payload.pull_request.head.sha, conclusion: "success" })]);
    } else {
      expect(checks).toEqual([]);
    }
  });

  test.each(examples.map((payload, i) => [`${i} ${String(payload.action)}`, payload] as const))(
    "%s with a marker in the title (and, when closed, merged): received without an error",
    async (_name, example) => {
      const { probot, logs } = createTestApp();
      const mock = permissiveGitHub();
      const payload = structuredClone(example);
      payload.pull_request.title = `[skip-tests] ${String(payload.pull_request.title)}`;
      if (payload.action === "closed") {
        Object.assign(payload.pull_request, { merged: true, merged_at: "2026-11-20T10:00:00Z", merge_commit_sha: "a".repeat(40), merged_by: payload.sender });
      }

      await expect(probot.receive({ id: "example", name: "pull_request", payload: payload as any })).resolves.toBeUndefined(); // eslint-disable-line @typescript-eslint/no-explicit-any

      expect(mock.unmatched).toEqual([]);
      expect(logs.filter((l) => l.level >= 50)).toEqual([]);
      if (payload.action === "closed") {
        expect(bodies(requestsTo(mock.requests, "POST", `/repos/${String(payload.repository.full_name)}/issues`))[0]).toMatchObject({
          title: expect.stringMatching(/^Follow-up: skip-tests in #\d+ \[skip-tests\] /),
        });
      }
    },
  );
});
