/**
 * `overrides.incident`: with `required: true`, the justification must name an incident matching
 * `pattern`; `url` makes it a link in the check, the PR comment, the follow-up and the ledger.
 */
import type nock from "nock";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { REPO, commitsResponse, pullRequestEvent } from "../helpers/payloads.js";
import { bodies, requestsTo, type Json } from "../helpers/github-replies.js";

setUpNock();

const CONFIG = [
  "production:",
  "  branches: [master]",
  "overrides:",
  "  incident:",
  "    required: true",
  "    pattern: '(INC|PD)-\\d+'",
  "    url: https://example.pagerduty.com/incidents/{id}",
  "",
].join("\n");
const LINK = "[PD-4711](https://example.pagerduty.com/incidents/PD-4711)";

function overrideCalls(api: nock.Scope): nock.Scope {
  return api
    .get(CONFIG_PATH(REPO))
    .reply(200, CONFIG, RAW)
    .get(`/repos/${REPO}/pulls/2/commits`)
    .query(true)
    .reply(200, commitsResponse(["Raise the timeout"]))
    .get(`/repos/${REPO}/collaborators/alice/permission`)
    .reply(200, { permission: "write", role_name: "write" })
    .get(`/repos/${REPO}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`/repos/${REPO}/issues/2/comments`)
    .reply(201, { id: 7 })
    .post(`/repos/${REPO}/check-runs`)
    .reply(201, { id: 1 });
}

const lastCheck = (requests: Parameters<typeof bodies>[0]): Json => bodies(requestsTo(requests, "POST", `/repos/${REPO}/check-runs`)).at(-1)!;
const comment = (requests: Parameters<typeof bodies>[0]): string => String(bodies(requestsTo(requests, "POST", `/repos/${REPO}/issues/2/comments`))[0]?.body);

describe("overrides.incident", () => {
  test("the justification names an incident: the requirement is met, and the check and the PR comment link it", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideCalls(mock.api);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] Fix", labels: ["skip-tests"], body: "## Justification\nLogin is down for everyone: PD-4711." }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain(`- ✅ **Incident**: incident ${LINK} named in the justification`);
    expect(check.output.summary).toContain(`**Incident:** ${LINK}`);
    expect(comment(mock.requests)).toContain(`**Incident:** ${LINK}`);
  });

  test("an incident id that does not match the pattern: failure, saying which pattern", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    overrideCalls(mock.api);

    await probot.receive(pullRequestEvent({ title: "[skip-tests] Fix", labels: ["skip-tests"], body: "## Justification\nLogin is down, see incident 4711." }));

    expectAllCallsMade(mock);
    const check = lastCheck(mock.requests);
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Override not allowed: skip-tests (1 requirement unmet)" } });
    expect(check.output.summary).toContain("- ❌ **Incident**: the justification names no incident matching `(INC|PD)-\\d+`");
    expect(check.output.summary).not.toContain("**Incident:** [");
  });
});
