import nock from "nock";
import { Context, ProbotOctokit } from "probot";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { CONFIG_FILE, configFromBlobs, loadConfig, type ConfigBlob } from "../../src/config/load-config.js";
import { formatConfigError } from "../../src/config/validate-config.js";

/** What an unreadable file gives: the defaults, with the strictest setting to who may use markers and run commands. */
const STRICTEST_DEFAULTS = {
  ...DEFAULT_CONFIG,
  overrides: {
    ...DEFAULT_CONFIG.overrides,
    allowed: { permission: "admin", teams: [], users: [] },
    approval: { required: 1, by: { permission: "admin", teams: [], users: [] } },
  },
  commands: { ...DEFAULT_CONFIG.commands, allowed: { permission: "admin", teams: [], users: [] } },
};

const API = "https://api.github.com";
/** The plugin asks for `{path}` in one URL segment, so the slash is encoded. */
const REPO_FILE = "/repos/org/repo/contents/.github%2Fpipeline-guard.yml";
const ORG_FILE = "/repos/org/.github/contents/.github%2Fpipeline-guard.yml";
/**
 * What GitHub answers for the raw media type. Octokit decodes `text/*` as text (a bare
 * `application/vnd.github.raw` would arrive as an ArrayBuffer), and the plugin takes
 * `application/json; charset=utf-8` for a directory.
 */
const RAW = { "content-type": "text/plain; charset=utf-8" };

interface LogCall {
  fields: unknown;
  message: unknown;
}

/** A logger that records warnings; the other levels are not expected here. */
function recordingLog(): { log: Context["log"]; warnings: LogCall[] } {
  const warnings: LogCall[] = [];
  const ignore = () => undefined;
  const log = {
    warn: (fields: unknown, message: unknown) => warnings.push({ fields, message }),
    info: ignore,
    debug: ignore,
    trace: ignore,
    error: ignore,
    fatal: ignore,
    child: () => log,
  };
  return { log: log as unknown as Context["log"], warnings };
}

/** A real Probot context for a push to org/repo, with an Octokit that neither retries nor throttles. */
function makeContext() {
  const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { enabled: false },
  }));
  const octokit = new Octokit({ auth: { token: "test" } });
  const { log, warnings } = recordingLog();
  const event = {
    id: "delivery-1",
    name: "push",
    payload: { repository: { name: "repo", owner: { login: "org" } }, installation: { id: 1 } },
  };
  const context = new Context(event as unknown as ConstructorParameters<typeof Context>[0], octokit as never, log);
  return { context, warnings };
}

/** The paths the scope answered, in order. */
function recordRequests(scope: nock.Scope): string[] {
  const paths: string[] = [];
  scope.on("request", (request: { path: string }) => paths.push(request.path));
  return paths;
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe("loadConfig", () => {
  test("reads .github/pipeline-guard.yml", () => {
    expect(CONFIG_FILE).toBe("pipeline-guard.yml");
  });

  test("the repository's file applies", async () => {
    const scope = nock(API).get(REPO_FILE).reply(200, "mode: report\nproduction:\n  branches: [main]\n", RAW);
    const { context, warnings } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded.source).toBe("file");
    expect(loaded.errors).toEqual([]);
    expect(loaded.config.mode).toBe("report");
    expect(loaded.config.production.branches).toEqual(["main"]);
    expect(loaded.config.markers).toEqual(DEFAULT_CONFIG.markers);
    expect(warnings).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("without a file in the repository, the org's .github repository's file applies (2 requests)", async () => {
    const scope = nock(API).get(REPO_FILE).reply(404, { message: "Not Found" }).get(ORG_FILE).reply(200, "mode: report\n", RAW);
    const requests = recordRequests(scope);
    const { context } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded).toMatchObject({ source: "file", errors: [] });
    expect(loaded.config.mode).toBe("report");
    expect(scope.isDone()).toBe(true);
    expect(requests).toEqual([REPO_FILE, ORG_FILE]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("_extends: a repository's arrays replace the org's; keys only in the org's file survive", async () => {
    const org = [
      "production:",
      "  branches: [main, release/*]",
      "  environments: [production, prod-eu]",
      "overrides:",
      "  allowed:",
      "    teams: [sre]",
      "drift:",
      "  terraform:",
      "    workflow: plan.yml",
      "markers:",
      "  db-fix:",
      "    follow_up: [review]",
    ].join("\n");
    const repo = [
      "_extends: .github",
      "production:",
      "  branches: [main]",
      "overrides:",
      "  allowed:",
      "    permission: maintain",
      "markers:",
      "  db-fix:",
      "    follow_up: [retest]",
    ].join("\n");
    const scope = nock(API).get(REPO_FILE).reply(200, repo, RAW).get(ORG_FILE).reply(200, org, RAW);
    const requests = recordRequests(scope);
    const { context } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded.errors).toEqual([]);
    expect(loaded.source).toBe("file");
    expect(loaded.config.production).toEqual({ branches: ["main"], environments: ["production", "prod-eu"] });
    expect(loaded.config.overrides.allowed).toEqual({ permission: "maintain", teams: ["sre"], users: [] });
    expect(loaded.config.drift.terraform.workflow).toBe("plan.yml");
    expect(loaded.config.markers).toEqual({ "db-fix": { label: "db-fix", aliases: [], follow_up: ["retest"] } });
    expect(scope.isDone()).toBe(true);
    expect(requests).toEqual([REPO_FILE, ORG_FILE]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("a repository can turn off a marker the org's file declares", async () => {
    const scope = nock(API)
      .get(REPO_FILE)
      .reply(200, "_extends: .github\nmarkers:\n  skip-tests: null\n", RAW)
      .get(ORG_FILE)
      .reply(200, "markers:\n  skip-tests: {}\n  emergency-deploy: {}\n", RAW);
    const { context } = makeContext();

    const loaded = await loadConfig(context);

    expect(Object.keys(loaded.config.markers)).toEqual(["emergency-deploy"]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("invalid YAML gives the defaults (the strictest to who may use markers and commands) and an error that says where, and a warning", async () => {
    const scope = nock(API).get(REPO_FILE).reply(200, "mode: report\nproduction: [main\n", RAW);
    const { context, warnings } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded.config).toEqual(STRICTEST_DEFAULTS);
    expect(loaded.source).toBe("defaults");
    expect(loaded.errors.map(formatConfigError).slice(1)).toEqual([
      "overrides.allowed is invalid: only admins may use markers until it is fixed",
      "commands.allowed is invalid: only admins may run commands until it is fixed",
      "overrides.approval.by is invalid: only admins may approve overrides until it is fixed",
      "overrides.approval.required is invalid: an override needs 1 approval until it is fixed",
    ]);
    expect(loaded.errors[0]?.path).toBe("(file)");
    expect(loaded.errors[0]?.message).toMatch(
      /^Configuration could not be parsed from https:\/\/api\.github\.com\/repos\/org\/repo\/contents\/\.github%2Fpipeline-guard\.yml \(invalid YAML\): .+ at line \d+, column \d+$/,
    );
    expect(warnings).toEqual([
      {
        fields: { file: ".github/pipeline-guard.yml", error: loaded.errors[0]?.message },
        message: "configuration file could not be read; the defaults apply, and only admins may use markers and run commands",
      },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("a file that is only a string gives the defaults (the strictest to who may use markers and commands) and an error", async () => {
    const scope = nock(API).get(REPO_FILE).reply(200, "just words\n", RAW);
    const { context } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded.config).toEqual(STRICTEST_DEFAULTS);
    expect(loaded.errors).toEqual([
      {
        path: "(file)",
        message: `Configuration could not be parsed from ${API}${REPO_FILE} (YAML is not an object)`,
      },
      { path: "overrides.allowed", message: "only admins may use markers until it is fixed", fallback: "strictest" },
      { path: "commands.allowed", message: "only admins may run commands until it is fixed", fallback: "strictest" },
      { path: "overrides.approval.by", message: "only admins may approve overrides until it is fixed", fallback: "strictest" },
      { path: "overrides.approval.required", message: "an override needs 1 approval until it is fixed", fallback: "strictest" },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("wrong types: the defaults apply to the broken keys only, and the errors are logged", async () => {
    const yaml = "mode: report\nfollow_up:\n  due_hours: 2d\nmarkers:\n  skip-tests:\n    follow_up: [retset]\n";
    const scope = nock(API).get(REPO_FILE).reply(200, yaml, RAW);
    const { context, warnings } = makeContext();

    const loaded = await loadConfig(context);

    expect(loaded.source).toBe("file");
    expect(loaded.config.mode).toBe("report");
    expect(loaded.config.follow_up.due_hours).toBe(48);
    expect(loaded.errors).toEqual([
      { path: "markers.skip-tests.follow_up[0]", message: "expected one of retest, postmortem, review" },
      { path: "follow_up.due_hours", message: "expected a number, got a string" },
    ]);
    expect(warnings).toEqual([
      {
        fields: { file: ".github/pipeline-guard.yml", errors: loaded.errors },
        message: "configuration has errors; the defaults apply to those keys",
      },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("an empty file is a file with every default", async () => {
    const scope = nock(API).get(REPO_FILE).reply(200, "", RAW);
    const { context } = makeContext();

    expect(await loadConfig(context)).toEqual({ config: DEFAULT_CONFIG, errors: [], source: "file" });
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("no file in the repository nor the org's .github repository: the defaults", async () => {
    const scope = nock(API).get(REPO_FILE).reply(404, { message: "Not Found" }).get(ORG_FILE).reply(404, { message: "Not Found" });
    const { context, warnings } = makeContext();

    expect(await loadConfig(context)).toEqual({ config: DEFAULT_CONFIG, errors: [], source: "defaults" });
    expect(warnings).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test.each([500, 403])("a %i is thrown, so that callers fail closed", async (status) => {
    const scope = nock(API).get(REPO_FILE).reply(status, { message: "nope" });
    const { context, warnings } = makeContext();

    await expect(loadConfig(context)).rejects.toMatchObject({ status });
    expect(warnings).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("configFromBlobs (the scheduled scan's batch) gives what loadConfig gives, or leaves it to loadConfig", () => {
  const text = (t: string): ConfigBlob => ({ state: "text", text: t });
  const absent: ConfigBlob = { state: "absent" };
  const unknown: ConfigBlob = { state: "unknown" };
  /** The same files read through Probot: the repository's (null: 404) and the org's. */
  async function throughProbot(repoFile: string | null, orgFile: string | null) {
    const scope = nock(API).get(REPO_FILE).reply(repoFile === null ? 404 : 200, repoFile ?? { message: "Not Found" }, RAW);
    if (repoFile === null) scope.get(ORG_FILE).reply(orgFile === null ? 404 : 200, orgFile ?? { message: "Not Found" }, RAW);
    const { context } = makeContext();
    const loaded = await loadConfig(context);
    expect(scope.isDone()).toBe(true);
    return loaded;
  }

  test.each<[string, string | null, string | null]>([
    ["the repository's file", "mode: report\nproduction:\n  branches: [main]\n", "mode: enforce\n"],
    ["a file with wrong types (the defaults for those keys, the errors kept)", "production:\n  branches: main\ndrift:\n  enabled: sometimes\n", null],
    ["an empty file", "", null],
    ["a file of comments only", "# nothing yet\n", null],
    ["no file in the repository: the org's", null, "mode: report\n"],
    ["no file anywhere", null, null],
  ])("%s", async (_name, repoFile, orgFile) => {
    const expected = await throughProbot(repoFile, orgFile);
    const { log, warnings } = recordingLog();
    const batched = configFromBlobs({ repo: "repo", repository: repoFile === null ? absent : text(repoFile), org: orgFile === null ? absent : text(orgFile) }, log);
    expect(batched).toEqual(expected);
    expect(warnings.length > 0).toBe(expected.errors.length > 0);
  });

  test.each<[string, ConfigBlob, ConfigBlob]>([
    ["_extends in the repository's file", text("_extends: other\nmode: report\n"), absent],
    ["_extends in the org's file", absent, text("_extends: base\n")],
    ["invalid YAML (the plugin's error message is the one shown)", text("production: [main\n"), absent],
    ["a file that is only a string", text("just words\n"), absent],
    ["a list", text("- a\n- b\n"), absent],
    ["a repository's answer not certain", unknown, absent],
    ["no file, and the org's answer not certain", absent, unknown],
  ])("%s: null (read through Probot)", (_name, repository, org) => {
    const { log } = recordingLog();
    expect(configFromBlobs({ repo: "repo", repository, org }, log)).toBeNull();
  });

  test("the `.github` repository itself has no fallback: without its file, the defaults, whatever the org's answer", () => {
    const { log } = recordingLog();
    expect(configFromBlobs({ repo: ".github", repository: absent, org: unknown }, log)).toEqual({ config: DEFAULT_CONFIG, errors: [], source: "defaults" });
  });
});
