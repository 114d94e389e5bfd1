import { CONFIG_CACHE_TTL_MS, cachedConfig, forgetAllConfigs, forgetConfig, rememberConfig } from "../../src/config/config-cache.js";
import type { LoadedConfig } from "../../src/config/load-config.js";
import { validateConfig } from "../../src/config/validate-config.js";
import { CONFIG_PATH, RAW, createTestApp, expectAllCallsMade, mockGitHub, setUpNock } from "../helpers/test-app.js";
import { PUSH_SHA, REPO, mergedPullsForCommit, pullRequestEvent, pushEvent, workflowRunEvent } from "../helpers/payloads.js";
import { callList } from "../helpers/github-replies.js";

setUpNock();
beforeEach(() => forgetAllConfigs());

const loaded = (raw: unknown = {}): LoadedConfig => ({ ...validateConfig(raw), source: "file" });
const NOW = 1_800_000_000_000;
/** The cache's capacity (not exported: it is a guard, not a setting). */
const MAX_ENTRIES = 10_000;

describe("the config cache", () => {
  test("remembers per repository, case-insensitively", () => {
    const a = loaded({ mode: "report" });
    rememberConfig("Codertocat", "Hello-World", a, NOW);
    expect(cachedConfig("codertocat", "hello-world", NOW)).toBe(a);
    expect(cachedConfig("Codertocat", "Other", NOW)).toBeUndefined();
    expect(cachedConfig("someone-else", "Hello-World", NOW)).toBeUndefined();
  });

  test("ages out after its TTL (ten minutes)", () => {
    rememberConfig("o", "r", loaded(), NOW);
    expect(CONFIG_CACHE_TTL_MS).toBe(10 * 60 * 1000);
    expect(cachedConfig("o", "r", NOW + CONFIG_CACHE_TTL_MS - 1)).toBeDefined();
    expect(cachedConfig("o", "r", NOW + CONFIG_CACHE_TTL_MS)).toBeUndefined();
  });

  test("a refresh restarts the TTL", () => {
    rememberConfig("o", "r", loaded(), NOW);
    const fresh = loaded({ mode: "report" });
    rememberConfig("o", "r", fresh, NOW + CONFIG_CACHE_TTL_MS - 1);
    expect(cachedConfig("o", "r", NOW + CONFIG_CACHE_TTL_MS + 1000)).toBe(fresh);
  });

  test("forgetConfig drops one repository", () => {
    rememberConfig("o", "a", loaded(), NOW);
    rememberConfig("o", "b", loaded(), NOW);
    forgetConfig("O", "A");
    expect(cachedConfig("o", "a", NOW)).toBeUndefined();
    expect(cachedConfig("o", "b", NOW)).toBeDefined();
  });

  test("forgetting the owner's `.github` repository drops every repository of that owner (its `_extends` defaults), and no other owner's", () => {
    rememberConfig("org", "a", loaded(), NOW);
    rememberConfig("org", "b", loaded(), NOW);
    rememberConfig("org", ".github", loaded(), NOW);
    rememberConfig("org-2", "a", loaded(), NOW);
    rememberConfig("other", "org", loaded(), NOW);
    forgetConfig("Org", ".GitHub");
    expect(cachedConfig("org", "a", NOW)).toBeUndefined();
    expect(cachedConfig("org", "b", NOW)).toBeUndefined();
    expect(cachedConfig("org", ".github", NOW)).toBeUndefined();
    expect(cachedConfig("org-2", "a", NOW)).toBeDefined();
    expect(cachedConfig("other", "org", NOW)).toBeDefined();
  });

  test("forgetAllConfigs empties it", () => {
    rememberConfig("o", "a", loaded(), NOW);
    forgetAllConfigs();
    expect(cachedConfig("o", "a", NOW)).toBeUndefined();
  });

  test("at capacity, a new repository pushes the oldest out, and a refresh pushes nobody out", () => {
    const one = loaded();
    for (let i = 0; i < MAX_ENTRIES; i++) rememberConfig("o", `r${i}`, one, NOW);
    // r0 is refreshed: it becomes the newest, and nobody is evicted for it.
    rememberConfig("o", "r0", one, NOW);
    for (const i of [0, 1, MAX_ENTRIES - 1]) expect(cachedConfig("o", `r${i}`, NOW)).toBeDefined();
    // A new repository evicts the oldest, which is now r1, not the refreshed r0.
    rememberConfig("o", "new", one, NOW);
    expect(cachedConfig("o", "r1", NOW)).toBeUndefined();
    expect(cachedConfig("o", "r0", NOW)).toBeDefined();
    expect(cachedConfig("o", "new", NOW)).toBeDefined();
  });
});

describe("the config cache as the handlers use it", () => {
  const CONFIG = "production:\n  branches: [master]\n";

  test("an expired entry is read again by the next push elsewhere", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    rememberConfig("Codertocat", "Hello-World", loaded({ production: { branches: ["master"] } }), Date.now() - CONFIG_CACHE_TTL_MS - 1);
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });

  test("a pull request's config read refreshes it: a push elsewhere then costs nothing", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${REPO}/pulls/2/commits`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${REPO}/check-runs`)
      .reply(201, { id: 1 });
    await probot.receive(pullRequestEvent());
    await probot.receive(pushEvent({ ref: "refs/heads/patch-1" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(3);
  });

  test("a push that changes the org's `.github/pipeline-guard.yml` (the `_extends` defaults) drops every repository of the org", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    const ORG_REPO = "Codertocat/.github";
    mock.api
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW)
      .get(CONFIG_PATH(ORG_REPO))
      .reply(200, CONFIG, RAW)
      .get(`/repos/${ORG_REPO}/commits/${PUSH_SHA}/pulls`)
      .query(true)
      .reply(200, mergedPullsForCommit(PUSH_SHA))
      .get(CONFIG_PATH(REPO))
      .reply(200, CONFIG, RAW);

    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" })); // reads Hello-World's
    await probot.receive(pushEvent({ repo: ORG_REPO, commits: [{ message: "Org defaults (#2)", modified: [".github/pipeline-guard.yml"] }] }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/x" })); // read again

    expectAllCallsMade(mock);
    expect(callList(mock.requests)).toEqual([
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${ORG_REPO}/contents/.github/pipeline-guard.yml`,
      `GET /repos/${ORG_REPO}/commits/${PUSH_SHA}/pulls`,
      `GET /repos/${REPO}/contents/.github/pipeline-guard.yml`,
    ]);
  });

  test("workflow_run reads through the cache too", async () => {
    const { probot } = createTestApp();
    const mock = mockGitHub();
    mock.api.get(CONFIG_PATH(REPO)).reply(200, CONFIG, RAW);
    await probot.receive(workflowRunEvent());
    await probot.receive(workflowRunEvent({ path: ".github/workflows/other.yml" }));
    await probot.receive(pushEvent({ ref: "refs/heads/feature/z" }));
    expectAllCallsMade(mock);
    expect(mock.requests).toHaveLength(1);
  });
});
