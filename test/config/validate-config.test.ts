import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { DEFAULT_CONFIG, DEFAULT_MARKERS } from "../../src/config/schema.js";
import { formatConfigError, MAX_CONFIG_ERRORS, validateConfig, type ConfigError } from "../../src/config/validate-config.js";

const fixture = async (name: string): Promise<unknown> =>
  parse(await readFile(new URL(`../fixtures/config/${name}`, import.meta.url), "utf8"));

const lines = (raw: unknown): string[] => validateConfig(raw).errors.map(formatConfigError);

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
const STRICTEST_NOTES: ConfigError[] = [
  { path: "overrides.allowed", message: "only admins may use markers until it is fixed", fallback: "strictest" },
  { path: "commands.allowed", message: "only admins may run commands until it is fixed", fallback: "strictest" },
  { path: "overrides.approval.by", message: "only admins may approve overrides until it is fixed", fallback: "strictest" },
  { path: "overrides.approval.required", message: "an override needs 1 approval until it is fixed", fallback: "strictest" },
];

describe("validateConfig", () => {
  describe("defaults", () => {
    test.each([
      ["undefined", undefined],
      ["null", null],
      ["an empty mapping", {}],
    ])("%s gives the defaults without errors", (_name, raw) => {
      expect(validateConfig(raw)).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    });

    test("the defaults turn on both default markers, each labelled", () => {
      const { config } = validateConfig({});
      expect(Object.keys(config.markers)).toEqual(["skip-tests", "emergency-deploy"]);
      expect(config.markers["skip-tests"]?.label).toBe("skip-tests");
      expect(config.markers["emergency-deploy"]?.follow_up).toEqual(["postmortem", "review"]);
    });

    test("each call gets its own copy of the defaults", () => {
      const first = validateConfig(null).config;
      first.production.branches.push("main");
      expect(validateConfig(null).config.production.branches).toEqual([]);
      expect(DEFAULT_CONFIG.production.branches).toEqual([]);
    });
  });

  describe("valid files", () => {
    test("the SPEC section 2 example is valid and is the defaults", async () => {
      expect(validateConfig(await fixture("full.yml"))).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    });

    test("a file that sets every key applies every key", async () => {
      const { config, errors } = validateConfig(await fixture("custom.yml"));
      expect(errors).toEqual([]);
      expect(config).toEqual({
        mode: "report",
        production: { branches: ["main", "release/*"], environments: ["production", "prod-*"] },
        markers: {
          "emergency-deploy": { label: "emergency-deploy", aliases: ["hotfix", "expedite"], follow_up: ["postmortem"] },
          "Manual Fix": { label: "manual-fix", aliases: [], follow_up: ["review", "retest"] },
        },
        overrides: {
          allowed: { permission: "maintain", teams: ["sre"], users: ["octocat"] },
          justification: { required: false, headings: ["Why"] },
          approval: { required: 2, by: { permission: "admin", teams: ["release-managers"], users: ["octocat"] } },
          incident: { required: true, pattern: "(INC|PD)-\\d+", url: "https://example.pagerduty.com/incidents/{id}" },
        },
        follow_up: { due_hours: 24, assignees: ["author", "oncall-bot"], retest_workflow: "ci.yml", escalate: { after_hours: 12, to: ["acme/sre", "@lead"] } },
        bypass: { direct_push: "check", force_push: "off", failing_checks_merge: "issue", allowed_actors: ["release-bot"] },
        drift: {
          enabled: false,
          protection: {
            required_status_checks: ["ci"],
            required_approving_review_count: 1,
            enforce_admins: true,
            allow_force_pushes: false,
            allow_deletions: false,
          },
          deployments: { allowed_creators: ["deploy-bot"] },
          terraform: { workflow: "terraform-plan.yml", artifact: "plan", file: "tfplan.json", max_age_hours: 12, dispatch: true },
        },
        deployments: { gate: false },
        commands: { allowed: { permission: "admin", teams: [], users: [] }, apply_workflow: "apply.yml" },
        notify: { events: ["override", "drift"] },
        immutable: { enabled: true, resources: ["aws_instance", "module.db.*"], plan_workflow: "plan.yml", artifact: "pr-plan", file: "tfplan.json", create_before_destroy: false },
      });
    });

    test("immutable is off by default, with the issue's resource globs", () => {
      expect(validateConfig({}).config.immutable).toEqual({
        enabled: false,
        resources: ["aws_instance.*", "aws_launch_template.*", "google_compute_instance.*", "azurerm_linux_virtual_machine.*"],
        plan_workflow: "",
        artifact: "terraform-plan",
        file: "plan.json",
        create_before_destroy: true,
      });
    });

    test("_extends is accepted (Probot has already followed it)", () => {
      expect(validateConfig({ _extends: ".github" }).errors).toEqual([]);
    });

    test("a marker set to null is turned off; a marker without a label is labelled with its name", () => {
      const { config, errors } = validateConfig({ markers: { "skip-tests": null, "emergency-deploy": {}, "db-fix": {} } });
      expect(errors).toEqual([]);
      expect(config.markers).toEqual({
        "emergency-deploy": { label: "emergency-deploy", aliases: [], follow_up: [] },
        "db-fix": { label: "db-fix", aliases: [], follow_up: [] },
      });
    });
  });

  describe("each invalid value has its own short message", () => {
    test.each<[string, unknown, string[]]>([
      ["an unknown follow-up item", { markers: { "skip-tests": { follow_up: ["retset"] } } }, ["markers.skip-tests.follow_up[0]: expected one of retest, postmortem, review"]],
      ["an unknown mode", { mode: "strict" }, ["mode: expected one of enforce, report"]],
      ["an empty mode", { mode: null }, ["mode: expected one of enforce, report"]],
      [
        "an unknown permission",
        { overrides: { allowed: { permission: "owner" } } },
        ["overrides.allowed.permission: expected one of read, triage, write, maintain, admin", "overrides.allowed is invalid: only admins may use markers until it is fixed"],
      ],
      ["an unknown bypass action", { bypass: { force_push: "ignore" } }, ["bypass.force_push: expected one of issue, check, off"]],
      ["a string for a number", { follow_up: { due_hours: "48h" } }, ["follow_up.due_hours: expected a number, got a string"]],
      ["a fraction for a whole number", { follow_up: { due_hours: 1.5 } }, ["follow_up.due_hours: expected a whole number, got 1.5"]],
      ["zero where a positive number is needed", { follow_up: { due_hours: 0 } }, ["follow_up.due_hours: must be greater than 0"]],
      ["a number over its limit", { follow_up: { due_hours: 100000 } }, ["follow_up.due_hours: must be at most 8760"]],
      ["a negative count", { drift: { protection: { required_approving_review_count: -1 } } }, ["drift.protection.required_approving_review_count: must be at least 0"]],
      ["a string for a boolean", { drift: { enabled: "yes" } }, ["drift.enabled: expected true or false, got a string"]],
      ["a string for a list", { production: { branches: "main" } }, ["production.branches: expected a list, got a string"]],
      ["a list for a mapping", { production: ["main"] }, ["production: expected a mapping, got a list"]],
      ["a number for a string", { follow_up: { retest_workflow: 5 } }, ["follow_up.retest_workflow: expected a string, got a number"]],
      ["an empty value for a list", { overrides: { justification: { headings: null } } }, ["overrides.justification.headings: expected a list, got an empty value"]],
      ["a boolean for a string", { commands: { apply_workflow: true } }, ["commands.apply_workflow: expected a string, got true"]],
      ["an empty string", { production: { environments: [""] } }, ["production.environments[0]: must not be empty"]],
      ["a label that is too long", { markers: { x: { label: "a".repeat(51) } } }, ["markers.x.label: must be at most 50 characters long"]],
      ["an unknown key", { drift: { protection: { foo: true } } }, ["drift.protection.foo: unknown key"]],
      ["two unknown keys", { drift: { protection: { foo: 1, bar: 2 } } }, ["drift.protection.foo: unknown key", "drift.protection.bar: unknown key"]],
      ["an unknown key at the top", { moed: "report" }, ["moed: unknown key"]],
      ["an unknown key with a dot", { "drift.enabled": false }, ['["drift.enabled"]: unknown key']],
      ["an unknown key inside a marker", { markers: { "skip-tests": { followup: ["retest"] } } }, ["markers.skip-tests.followup: unknown key"]],
      ["a marker that is not a mapping", { markers: { "skip-tests": "off" } }, ["markers.skip-tests: expected a mapping, got a string"]],
      ["markers as a list", { markers: ["skip-tests"] }, ["markers: expected a mapping, got a list"]],
      ["immutable.enabled not a boolean", { immutable: { enabled: "yes" } }, ["immutable.enabled: expected true or false, got a string"]],
      ["immutable.resources not a list", { immutable: { resources: "aws_instance.*" } }, ["immutable.resources: expected a list, got a string"]],
      ["an empty immutable resource glob", { immutable: { resources: ["aws_instance.*", ""] } }, ["immutable.resources[1]: must not be empty"]],
      ["an empty immutable artifact", { immutable: { artifact: "" } }, ["immutable.artifact: must not be empty"]],
      ["immutable.create_before_destroy not a boolean", { immutable: { create_before_destroy: 1 } }, ["immutable.create_before_destroy: expected true or false, got a number"]],
      ["an unknown key under immutable", { immutable: { plan_workflows: "plan.yml" } }, ["immutable.plan_workflows: unknown key"]],
      [
        "a marker name with odd characters",
        { markers: { "skip!": {} } },
        ['markers["skip!"]: invalid name: a marker name is letters and digits joined by -, _ or a single space'],
      ],
    ])("%s", (_name, raw, expected) => {
      expect(lines(raw)).toEqual(expected);
    });

    test("a key path readable with spaces in a marker name", () => {
      expect(lines({ markers: { "db fix": { follow_up: ["nope"] } } })).toEqual([
        'markers["db fix"].follow_up[0]: expected one of retest, postmortem, review',
      ]);
    });
  });

  // SPEC section 10, rule 11. Each of these fails without the per-path strictest fallback: the
  // broken key would take its default (write for markers, maintain for commands).
  describe("invalid policy fails closed: who may use markers or run commands takes the strictest setting", () => {
    const STRICTEST = { permission: "admin", teams: [], users: [] };
    test.each<[string, unknown, string[]]>([
      ["a permission spelled with a capital (permission: Admin)", { overrides: { allowed: { permission: "Admin", users: ["octocat"] } } }, ["overrides.allowed.permission"]],
      ["a team that is not a string", { overrides: { allowed: { permission: "read", teams: [5] } } }, ["overrides.allowed.teams[0]"]],
      ["an unknown key under allowed", { overrides: { allowed: { permission: "read", usres: ["octocat"] } } }, ["overrides.allowed.usres"]],
      ["allowed that is not a mapping", { overrides: { allowed: "write" } }, ["overrides.allowed"]],
    ])("overrides.allowed: %s", (_name, raw, paths) => {
      const { config, errors } = validateConfig(raw);
      expect(config.overrides.allowed).toEqual(STRICTEST);
      expect(config.commands.allowed).toEqual(DEFAULT_CONFIG.commands.allowed);
      expect(config.overrides.approval).toEqual(DEFAULT_CONFIG.overrides.approval);
      expect(errors.map((e) => e.path)).toEqual([...paths, "overrides.allowed"]);
      expect(errors.map(formatConfigError).at(-1)).toBe("overrides.allowed is invalid: only admins may use markers until it is fixed");
    });

    test("overrides that is not a mapping: every policy under it takes its strictest setting", () => {
      const { config, errors } = validateConfig({ overrides: 5 });
      expect(config.overrides.allowed).toEqual(STRICTEST);
      expect(config.overrides.approval).toEqual({ required: 1, by: STRICTEST });
      expect(errors.map((e) => e.path)).toEqual(["overrides", "overrides.allowed", "overrides.approval.by", "overrides.approval.required"]);
    });

    // The two-person rule fails closed: a broken `by` lets only admins approve, a broken `required` asks for one approval.
    test.each<[string, unknown, unknown, string[]]>([
      ["by with a capitalised permission", { overrides: { approval: { required: 2, by: { permission: "Maintain" } } } }, { required: 2, by: STRICTEST }, ["overrides.approval.by.permission", "overrides.approval.by"]],
      ["by with an unknown key", { overrides: { approval: { required: 1, by: { team: ["sre"] } } } }, { required: 1, by: STRICTEST }, ["overrides.approval.by.team", "overrides.approval.by"]],
      ["required as a word", { overrides: { approval: { required: "two" } } }, { required: 1, by: DEFAULT_CONFIG.overrides.approval.by }, ["overrides.approval.required", "overrides.approval.required"]],
      ["required negative", { overrides: { approval: { required: -1 } } }, { required: 1, by: DEFAULT_CONFIG.overrides.approval.by }, ["overrides.approval.required", "overrides.approval.required"]],
      ["required above the limit", { overrides: { approval: { required: 11 } } }, { required: 1, by: DEFAULT_CONFIG.overrides.approval.by }, ["overrides.approval.required", "overrides.approval.required"]],
    ])("overrides.approval: %s", (_name, raw, approval, paths) => {
      const { config, errors } = validateConfig(raw);
      expect(config.overrides.approval).toEqual(approval);
      expect(config.overrides.allowed).toEqual(DEFAULT_CONFIG.overrides.allowed);
      expect(errors.map((e) => e.path)).toEqual(paths);
      expect(errors.at(-1)?.fallback).toBe("strictest");
    });

    test.each<[string, unknown, unknown, string[]]>([
      ["incident.required as a word: an incident is required", { overrides: { incident: { required: "yes", pattern: "INC-\\d+" } } }, { required: true, pattern: "INC-\\d+", url: "" }, ["overrides.incident.required: expected true or false, got a string", "overrides.incident.required is invalid: an override must name an incident until it is fixed"]],
      ["a pattern that is no regular expression: none, so a required incident can never be named", { overrides: { incident: { required: true, pattern: "(INC" } } }, { required: true, pattern: "", url: "" }, ["overrides.incident.pattern: must be a regular expression (RE2 syntax)"]],
      ["a lookbehind (not RE2)", { overrides: { incident: { pattern: "(?<=x)INC" } } }, { required: false, pattern: "", url: "" }, ["overrides.incident.pattern: must be a regular expression (RE2 syntax)"]],
      ["a url that is not https or has no {id}", { overrides: { incident: { url: "http://pd.example/incidents" } } }, { required: false, pattern: "", url: "" }, ["overrides.incident.url: must be an https:// URL holding {id}, e.g. https://example.pagerduty.com/incidents/{id}"]],
      ["incident that is not a mapping: the defaults, an incident is not required", { overrides: { incident: 5 } }, { required: false, pattern: "", url: "" }, ["overrides.incident: expected a mapping, got a number"]],
    ])("overrides.incident: %s", (_name, raw, incident, messages) => {
      const { config, errors } = validateConfig(raw);
      expect(config.overrides.incident).toEqual(incident);
      expect(errors.map(formatConfigError)).toEqual(messages);
    });

    test("follow_up.escalate: a target that is neither a login nor org/team, and a negative delay, are errors at their key paths", () => {
      const { config, errors } = validateConfig({ follow_up: { escalate: { after_hours: -1, to: ["acme/sre", "not a login"] } } });
      expect(config.follow_up.escalate).toEqual({ after_hours: 24, to: [] });
      expect(errors.map(formatConfigError)).toEqual(["follow_up.escalate.after_hours: must be greater than 0", "follow_up.escalate.to[1]: expected a login or org/team-slug"]);
    });

    test("the default is no approval, by maintainers", () => {
      expect(DEFAULT_CONFIG.overrides.approval).toEqual({ required: 0, by: { permission: "maintain", teams: [], users: [] } });
    });

    test("commands.allowed with a broken team: only admins may run commands, and the key path is still reported", () => {
      const { config, errors } = validateConfig({ commands: { allowed: { permission: "write", teams: ["sre", { slug: "ops" }] }, apply_workflow: "apply.yml" } });
      expect(config.commands).toEqual({ allowed: STRICTEST, apply_workflow: "apply.yml" });
      expect(config.overrides.allowed).toEqual(DEFAULT_CONFIG.overrides.allowed);
      expect(errors.map(formatConfigError)).toEqual([
        "commands.allowed.teams[1]: expected a string, got a mapping",
        "commands.allowed is invalid: only admins may run commands until it is fixed",
      ]);
    });

    test("a broken neighbour of allowed leaves allowed as written", () => {
      const { config, errors } = validateConfig({ overrides: { allowed: { permission: "maintain" }, justification: { required: "yes" } } });
      expect(config.overrides.allowed).toEqual({ permission: "maintain", teams: [], users: [] });
      expect(errors.map(formatConfigError)).toEqual(["overrides.justification.required: expected true or false, got a string"]);
    });

    test("a file that is not a mapping: defaults, and the strictest setting to both policies", () => {
      const { config, errors } = validateConfig("permission: admin");
      expect(config.overrides.allowed).toEqual(STRICTEST);
      expect(config.commands.allowed).toEqual(STRICTEST);
      expect(config.mode).toBe("enforce");
      expect(errors.map(formatConfigError)).toEqual([
        "(root): the file must be a mapping of keys to values, got a string",
        "overrides.allowed is invalid: only admins may use markers until it is fixed",
        "commands.allowed is invalid: only admins may run commands until it is fixed",
        "overrides.approval.by is invalid: only admins may approve overrides until it is fixed",
        "overrides.approval.required is invalid: an override needs 1 approval until it is fixed",
      ]);
      expect(config.overrides.approval).toEqual({ required: 1, by: STRICTEST });
    });

    test("the notes are kept past the cap on errors", () => {
      const raw = { overrides: { allowed: { permission: "x" } }, drift: { protection: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, 1])) } };
      const lines = validateConfig(raw).errors.map(formatConfigError);
      expect(lines.at(-1)).toBe("overrides.allowed is invalid: only admins may use markers until it is fixed");
      expect(lines.at(-2)).toMatch(/^\(more\): and \d+ more errors$/);
    });
  });

  describe("the defaults apply only for the broken keys", () => {
    test("mode: report survives an invalid follow_up, which takes the marker's default", () => {
      const { config, errors } = validateConfig({ mode: "report", markers: { "skip-tests": { follow_up: ["retset"] } } });
      expect(errors).toHaveLength(1);
      expect(config.mode).toBe("report");
      // A broken list takes its default as a whole; for a default marker that is SPEC's [retest].
      expect(config.markers).toEqual({ "skip-tests": { label: "skip-tests", aliases: [], follow_up: ["retest"] } });
    });

    test("a broken list of a marker the defaults do not know is emptied", () => {
      const { config } = validateConfig({ markers: { "db-fix": { aliases: ["db"], follow_up: ["retest", "later"] } } });
      expect(config.markers["db-fix"]).toEqual({ label: "db-fix", aliases: ["db"], follow_up: [] });
    });

    test("a broken default marker takes its default policy, so its marker still counts", () => {
      const { config } = validateConfig({ markers: { "skip-tests": 5, "emergency-deploy": null } });
      expect(config.markers).toEqual({ "skip-tests": DEFAULT_MARKERS["skip-tests"] });
    });

    test("a broken marker the defaults do not know is dropped, the others stay", () => {
      const { config } = validateConfig({ markers: { "db-fix": "yes", "bad name!": {}, hotpatch: { label: "hot" } } });
      expect(config.markers).toEqual({ hotpatch: { label: "hot", aliases: [], follow_up: [] } });
    });

    test("unknown keys are dropped and their neighbours kept", () => {
      const { config } = validateConfig({ moed: "report", drift: { protection: { enforce_admins: true, foo: 1 } } });
      expect(config.drift.protection).toEqual({ enforce_admins: true });
      expect(config.mode).toBe("enforce");
    });

    test("a section of the wrong type takes its defaults; the other sections stay", () => {
      const { config, errors } = validateConfig({ production: "main", bypass: { direct_push: "check" } });
      expect(errors.map(formatConfigError)).toEqual(["production: expected a mapping, got a string"]);
      expect(config.production).toEqual(DEFAULT_CONFIG.production);
      expect(config.bypass.direct_push).toBe("check");
    });

    test("wrong types everywhere: every key is reported and every key takes its default", () => {
      const raw = {
        mode: 1,
        production: { branches: 1, environments: "production" },
        markers: { "skip-tests": { label: 1, aliases: "ci", follow_up: "retest" } },
        overrides: { allowed: { permission: true, teams: "sre", users: {} }, justification: { required: "yes", headings: "Why" } },
        follow_up: { due_hours: "2d", assignees: "author", retest_workflow: [] },
        bypass: { direct_push: 0, force_push: false, failing_checks_merge: null, allowed_actors: "bot" },
        drift: {
          enabled: "no",
          protection: { required_status_checks: "ci", enforce_admins: "true" },
          deployments: { allowed_creators: 1 },
          terraform: { workflow: 1, artifact: [], file: {}, max_age_hours: "1", dispatch: "no" },
        },
        deployments: { gate: "on" },
        commands: { allowed: "maintain", apply_workflow: false },
      };
      const { config, errors } = validateConfig(raw);
      expect(errors).toHaveLength(32);
      expect(errors.filter((error) => !/^expected /.test(error.message) && error.fallback !== "strictest")).toEqual([]);
      expect(errors.map((error) => error.path)).toContain("drift.terraform.artifact");
      // The file's own `markers` replaces the default set; its one broken marker takes its default policy.
      // Both broken policies take the strictest setting.
      const strictest = { permission: "admin", teams: [], users: [] };
      expect(config).toEqual({
        ...DEFAULT_CONFIG,
        markers: { "skip-tests": DEFAULT_MARKERS["skip-tests"] },
        overrides: { ...DEFAULT_CONFIG.overrides, allowed: strictest },
        commands: { ...DEFAULT_CONFIG.commands, allowed: strictest },
      });
    });

    test("the input is not modified", () => {
      const raw = { mode: "report", markers: { "skip-tests": { follow_up: ["retset"] } }, drift: { protection: { foo: 1 } } };
      const before = structuredClone(raw);
      validateConfig(raw);
      expect(raw).toEqual(before);
    });
  });

  describe("a file that is not a mapping", () => {
    test.each<[string, unknown, string]>([
      ["a string", "mode: enforce", "a string"],
      ["a list", ["mode", "enforce"], "a list"],
      ["a number", 42, "a number"],
      ["a boolean", true, "true"],
    ])("%s gives the defaults (the strictest to who may use markers and commands) and one error", (_name, raw, got) => {
      expect(validateConfig(raw)).toEqual({
        config: STRICTEST_DEFAULTS,
        errors: [{ path: "(root)", message: `the file must be a mapping of keys to values, got ${got}` }, ...STRICTEST_NOTES],
      });
    });
  });

  describe("never throws", () => {
    test("a huge file with many broken keys is validated, and the errors are capped", () => {
      const markers: Record<string, unknown> = {};
      for (let i = 0; i < 20_000; i++) markers[`marker-${i}`] = { follow_up: i % 2 === 0 ? ["retest"] : ["nope"] };
      const started = Date.now();
      const { config, errors } = validateConfig({ mode: "report", markers });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(config.mode).toBe("report");
      expect(Object.keys(config.markers)).toHaveLength(20_000);
      expect(config.markers["marker-0"]?.follow_up).toEqual(["retest"]);
      expect(config.markers["marker-1"]?.follow_up).toEqual([]);
      expect(errors).toHaveLength(MAX_CONFIG_ERRORS + 1);
      expect(errors[MAX_CONFIG_ERRORS]).toEqual({ path: "(more)", message: `and ${10_000 - MAX_CONFIG_ERRORS} more errors` });
    });

    test("deep nesting under an unknown key is dropped, not walked", () => {
      let deep: unknown = "bottom";
      for (let i = 0; i < 100_000; i++) deep = { next: deep };
      const { config, errors } = validateConfig({ mode: "report", extra: deep });
      expect(config.mode).toBe("report");
      expect(errors.map(formatConfigError)).toEqual(["extra: unknown key"]);
    });

    test("an input whose properties cannot be read gives the defaults (the strictest to who may use markers and commands) and an error", () => {
      const raw = {
        mode: "report",
        get production(): never {
          throw new Error("boom");
        },
      };
      expect(validateConfig(raw)).toEqual({
        config: STRICTEST_DEFAULTS,
        errors: [{ path: "(root)", message: "could not be validated: boom" }, ...STRICTEST_NOTES],
      });
    });
  });
});

describe("formatConfigError", () => {
  test("joins the path and the message", () => {
    expect(formatConfigError({ path: "markers.skip-tests.follow_up[0]", message: "expected one of retest, postmortem, review" })).toBe(
      "markers.skip-tests.follow_up[0]: expected one of retest, postmortem, review",
    );
  });

  test("says that a policy is invalid, and what holds until it is fixed", () => {
    expect(formatConfigError(STRICTEST_NOTES[0]!)).toBe("overrides.allowed is invalid: only admins may use markers until it is fixed");
  });
});
