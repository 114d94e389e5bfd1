import { readFileSync } from "node:fs";
import { parse } from "yaml";

// The files under test sit at the repository root, next to package.json.
const readRootFile = (name: string): string =>
  readFileSync(new URL(`../${name}`, import.meta.url), "utf8");

interface AppManifest {
  name?: unknown;
  description?: unknown;
  url?: unknown;
  public?: unknown;
  hook_attributes?: unknown;
  default_events?: unknown;
  default_permissions?: unknown;
}

const manifest = parse(readRootFile("app.yml")) as AppManifest;

// Every webhook event a feature of SPEC.md handles (the section that needs it in brackets).
const REQUIRED_EVENTS = [
  "pull_request", // §3 markers, labels, check, follow-up at merge
  "pull_request_review", // overrides.approval: a review re-evaluates the two-person rule
  "check_run", // §3 "Re-run" (rerequested) re-evaluates the check
  "merge_group", // §3 the check also reports on a merge queue's head
  "push", // §4 direct pushes, force pushes, branch deletions
  "issues", // §5 follow-up boxes, closing and reopening
  "issue_comment", // §8 /pipeline-guard commands
  "workflow_run", // §3 the retest workflow's result ticks the follow-up box
  "branch_protection_rule", // §6.1 protection changes reported at once
  "repository_ruleset", // §6.1 ruleset changes reported at once
  "deployment_protection_rule", // §7 the deployment gate
];

// The least permissions that all of SPEC.md needs; app.yml says which endpoint needs each.
// Exact on purpose: widening a permission means every installation must approve it again,
// so it has to be a deliberate change to this map too.
const EXPECTED_PERMISSIONS = {
  actions: "write", // workflow dispatch (retest, replace); runs and artifacts (§6.3)
  administration: "read", // branch protection and rulesets; rule suites (§6.5) would need write, granted by choice
  checks: "write", // the `Pipeline Guard` check run; check_run.rerequested
  contents: "read", // .github/pipeline-guard.yml, commits, compare; the push event
  deployments: "write", // deployment protection rule review (§7); deployments (§6.2)
  issues: "write", // issues, comments, labels (PR labels and comments included)
  members: "read", // team membership for overrides.allowed.teams (organization permission)
  merge_queues: "read", // the merge_group event
  metadata: "read", // collaborator permission, rulesets (always granted)
  pull_requests: "read", // PRs, their commits, PRs of a commit
  statuses: "read", // combined commit status at merge (§3 admin merge)
};

// Section 9 of SPEC.md: every variable `.env.example` must name.
const SPEC_VARIABLES = [
  "APP_ID",
  "PRIVATE_KEY",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_SECRET",
  "WEBHOOK_PATH",
  "PORT",
  "HOST",
  "LOG_LEVEL",
  "LOG_FORMAT",
  "GHE_HOST",
  "GHE_PROTOCOL",
  "REDIS_URL",
  "DRIFT_SCAN_INTERVAL",
  "DRY_RUN",
  "NODE_ENV",
];

describe("app.yml", () => {
  test("names a private app with a homepage", () => {
    expect(manifest.name).toBe("Pipeline Guard");
    expect(typeof manifest.description).toBe("string");
    expect(manifest.url).toMatch(/^https:\/\//);
    expect(manifest.public).toBe(false);
  });

  test("leaves hook_attributes to Probot, which fills in the setup server's own URL", () => {
    expect(manifest.hook_attributes).toBeUndefined();
  });

  test.each(REQUIRED_EVENTS)("subscribes to %s", (event) => {
    expect(manifest.default_events).toContain(event);
  });

  test("subscribes to no event that no feature handles", () => {
    expect([...(manifest.default_events as string[])].sort()).toStrictEqual(
      [...REQUIRED_EVENTS].sort(),
    );
  });

  test("does not list the installation events every app receives anyway", () => {
    expect(manifest.default_events).not.toContain("installation");
    expect(manifest.default_events).not.toContain("installation_repositories");
  });

  test("asks for exactly the expected permissions", () => {
    expect(manifest.default_permissions).toStrictEqual(EXPECTED_PERMISSIONS);
  });
});

describe(".env.example", () => {
  const envExample = readRootFile(".env.example");
  const assignments = new Map(
    [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
      ([, name, value]) => [name, value] as const,
    ),
  );

  test.each(SPEC_VARIABLES)("names %s", (variable) => {
    expect(assignments.has(variable)).toBe(true);
  });

  test.each(["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"])("ships no value for %s", (variable) => {
    expect(assignments.get(variable)).toBe("");
  });
});
