import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import {
  branchesToCheck,
  decideDeployment,
  decideOnGateError,
  decideWithoutDeployment,
  isProductionEnvironment,
  type DeploymentFacts,
  type GateCheck,
  type GateConfig,
} from "../../src/gate/decide-deployment.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function config(partial: { mode?: GateConfig["mode"]; branches?: string[]; environments?: string[]; gate?: boolean } = {}): GateConfig {
  return {
    mode: partial.mode ?? "enforce",
    production: { branches: partial.branches ?? [], environments: partial.environments ?? DEFAULT_CONFIG.production.environments },
    deployments: { gate: partial.gate ?? true },
  };
}

const check = (conclusion: string | null, status = "completed", title: string | null = "T"): GateCheck => ({ status, conclusion, title });

function facts(partial: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return { environment: "production", sha: SHA, config: config(), branchesChecked: ["main"], containingBranch: "main", checks: [check("success")], ...partial };
}

describe("decideDeployment", () => {
  test.each<[string, Partial<DeploymentFacts>, "approved" | "rejected", string]>([
    ["on the branch, check passed", {}, "approved", "Approved: 0123456 is on the production branch main and its Pipeline Guard check is not failing."],
    ["on the branch, check neutral (report mode's check)", { checks: [check("neutral")] }, "approved", "its Pipeline Guard check is not failing"],
    ["on the branch, check skipped", { checks: [check("skipped")] }, "approved", "is not failing"],
    ["on the branch, check still running", { checks: [check(null, "in_progress")] }, "approved", "is not failing"],
    [
      "on the branch, no check (no override reached it: e.g. an ordinary merge commit)",
      { checks: [] },
      "approved",
      "Approved: 0123456 is on the production branch main and no override reached it (Pipeline Guard puts its check on the commits of overrides and on PR heads; none is on this one).",
    ],
    ["not on the branch", { containingBranch: null }, "rejected", "Merge the change through a pull request into main, then deploy from main."],
    ["check failed", { checks: [check("failure", "completed", "Override not allowed: skip-tests")] }, "rejected", "failed: Override not allowed: skip-tests."],
    ["check timed out", { checks: [check("timed_out", "completed", null)] }, "rejected", "failed: it ended timed_out."],
    ["check cancelled", { checks: [check("cancelled")] }, "rejected", "failed: T."],
    ["check action_required", { checks: [check("action_required")] }, "rejected", "failed"],
    ["a staging environment, even off the branch", { environment: "staging", containingBranch: null }, "approved", '"staging" is not a production environment'],
    ["gate off, even with a failed check", { config: config({ gate: false }), checks: [check("failure")] }, "approved", "the Pipeline Guard deployment gate is off"],
    ["report mode, check failed", { config: config({ mode: "report" }), checks: [check("failure")] }, "approved", "Approved in report mode. In enforce mode Pipeline Guard would reject"],
  ])("%s → %s", (_name, partial, state, text) => {
    const decision = decideDeployment(facts(partial));
    expect(decision.state).toBe(state);
    expect(decision.comment).toContain(text);
  });

  test("a check title is quoted escaped: it cannot mention anyone or inject markup", () => {
    const decision = decideDeployment(facts({ checks: [check("failure", "completed", "ping @admins <img src=x>")] }));
    expect(decision.comment).toContain("ping @\u200badmins &lt;img src\\=x&gt;");
  });
});

describe("isProductionEnvironment", () => {
  test.each([
    ["production", ["production"], true],
    ["Production", ["production"], true],
    ["prod-eu", ["prod-*"], true],
    ["staging", ["production"], false],
    ["production-preview", ["production"], false],
    ["anything", [], false],
  ])("%s in %j → %p", (environment, environments, expected) => {
    expect(isProductionEnvironment(environment, config({ environments }))).toBe(expected);
  });
});

describe("branchesToCheck", () => {
  test.each<[string, string[], string | null, string[]]>([
    ["[] is the default branch", [], "feature", ["main"]],
    ["literal names, in order", ["main", "stable"], "feature", ["main", "stable"]],
    ["globs: the ref when it matches", ["release/*"], "release/2", ["release/2"]],
    ["globs: a refs/heads/ ref when it matches", ["release/*"], "refs/heads/release/3", ["release/3"]],
    ["globs and literals: literals first, then the matching ref", ["main", "release/*"], "release/2", ["main", "release/2"]],
    ["globs: the ref not matching, the default branch when it matches", ["ma*"], "feature", ["main"]],
    ["globs: the ref not matching, the default branch not production either", ["release/*"], "feature", []],
    ["globs: a tag ref is not a branch", ["release/*"], "refs/tags/release/1", []],
    ["globs: a SHA ref is not a branch", ["*"], "0123456789abcdef0123456789abcdef01234567", ["main"]],
    ["globs: no ref", ["release/*"], null, []],
  ])("%s", (_name, branches, ref, expected) => {
    expect(branchesToCheck({ production: { branches }, defaultBranch: "main", ref })).toEqual(expected);
  });
});

describe("the gate's other answers", () => {
  test("an error fails closed in enforce mode, and when the mode is unknown", () => {
    for (const mode of ["enforce", null] as const) {
      expect(decideOnGateError({ environment: "production", mode, error: "GitHub answered 502: Bad Gateway" })).toEqual({
        state: "rejected",
        comment:
          'Rejected: Pipeline Guard could not check this deployment to "production" (GitHub answered 502: Bad Gateway), and the gate fails closed. Re-run the deployment; if this keeps happening, see the app\'s logs.',
      });
    }
  });

  test("an error in report mode approves and says what enforce mode would do", () => {
    const decision = decideOnGateError({ environment: "production", mode: "report", error: "boom" });
    expect(decision.state).toBe("approved");
    expect(decision.comment).toContain("In enforce mode it would be rejected (the gate fails closed).");
  });

  test("no deployment: rejected", () => {
    expect(decideWithoutDeployment("production")).toEqual({
      state: "rejected",
      comment: 'Rejected: there is no deployment in the request for "production", so Pipeline Guard has no commit to check.',
    });
  });
});
