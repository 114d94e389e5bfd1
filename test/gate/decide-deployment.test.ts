import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import {
  branchesToCheck,
  decideDeployment,
  decideOnGateError,
  decideWithoutDeployment,
  isProductionEnvironment,
  isExemptCommit,
  type DeploymentFacts,
  type GateCheck,
  type GateConfig,
  type Provenance,
  type PullRequestVerdict,
} from "../../src/gate/decide-deployment.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const HEAD = "fedcba9876543210fedcba9876543210fedcba98";

function config(partial: { mode?: GateConfig["mode"]; branches?: string[]; environments?: string[]; gate?: boolean; allowedActors?: string[] } = {}): GateConfig {
  return {
    mode: partial.mode ?? "enforce",
    production: { branches: partial.branches ?? [], environments: partial.environments ?? DEFAULT_CONFIG.production.environments },
    deployments: { gate: partial.gate ?? true },
    bypass: { ...DEFAULT_CONFIG.bypass, allowed_actors: partial.allowedActors ?? [] },
  };
}

const check = (conclusion: string | null, title: string | null = "T"): GateCheck => ({ conclusion, title });
const viaPr = (verdict: PullRequestVerdict): Provenance => ({ kind: "pull-request", branch: "main", pr: { number: 12 }, verdict });
const prCheck = (conclusion: string, title = "Override allowed: skip-tests"): Provenance => viaPr({ from: "check", headSha: HEAD, check: check(conclusion, title) });
const override = (c: GateCheck | null, checkWasError = false, people: Array<string | null> = ["alice", "alice"]): Provenance => ({
  kind: "direct-push-override",
  branch: "main",
  markers: ["skip-tests"],
  check: c,
  checkWasError,
  people,
});
const bypass = (...people: Array<string | null>): Provenance => ({ kind: "bypass", branch: "main", people, check: null });

function facts(partial: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return { environment: "production", sha: SHA, config: config(), branchesChecked: ["main"], provenance: prCheck("success"), appLogin: "pipeline-guard[bot]", ...partial };
}

describe("decideDeployment: the SHA is judged by the change that brought it (SPEC 10.5)", () => {
  test.each<[string, Partial<DeploymentFacts>, "approved" | "rejected", string]>([
    [
      "merged PR, its head's check passes",
      {},
      "approved",
      "Approved: 0123456 reached the production branch main through pull request #12, whose Pipeline Guard verdict passes: Override allowed: skip-tests (its Pipeline Guard check on the PR's head fedcba9).",
    ],
    [
      "merged PR, its head's check fails (an unauthorized override merged)",
      { provenance: prCheck("failure", "Override not allowed: skip-tests (1 requirement unmet)") },
      "rejected",
      "Rejected by Pipeline Guard: 0123456 reached the production branch main through pull request #12, whose Pipeline Guard verdict does not pass: Override not allowed: skip-tests \\(1 requirement unmet\\) (its Pipeline Guard check on the PR's head fedcba9). Meet the override's requirements",
    ],
    ["merged PR, a neutral verdict (written in report mode) does not pass in enforce mode", { provenance: prCheck("neutral", "Report mode: override of skip-tests has 1 requirement unmet") }, "rejected", "does not pass: Report mode: override"],
    [
      "merged PR without a check, computed from its facts",
      { provenance: viaPr({ from: "computed", headSha: HEAD, because: "no check", check: check("failure", "Override not allowed: skip-tests (1 requirement unmet)") }) },
      "rejected",
      "(computed now from the PR's facts, because the PR's head fedcba9 has no Pipeline Guard check of the app's)",
    ],
    [
      "merged PR whose head's check could not be checked, computed: passes",
      { provenance: viaPr({ from: "computed", headSha: HEAD, because: "could not be checked", check: check("success", "No override markers") }) },
      "approved",
      "whose Pipeline Guard verdict passes: No override markers (computed now from the PR's facts, because the Pipeline Guard check on the PR's head fedcba9 could not be checked).",
    ],
    [
      "merged PR whose head's checks could not be read, computed",
      { provenance: viaPr({ from: "computed", headSha: HEAD, because: "head not read", check: check("success") }) },
      "approved",
      "because the checks of the PR's head fedcba9 could not be read",
    ],
    [
      "merged PR whose verdict could not be established: fails closed",
      { provenance: viaPr({ from: "unknown", headSha: HEAD, reason: "computing it from the PR's facts needs more API calls than the gate's budget of 5" }) },
      "rejected",
      "whose Pipeline Guard verdict could not be established (computing it from the PR's facts needs more API calls than the gate's budget of 5), and the gate fails closed. Press Re-run",
    ],
    ["direct push with a marker, its verdict passes", { provenance: override(check("success", "Override allowed: skip-tests")) }, "approved", "Approved: 0123456 was pushed directly to the production branch main with an override (skip-tests), and its Pipeline Guard verdict passes: Override allowed: skip-tests."],
    ["direct push with a marker, its verdict fails", { provenance: override(check("failure", "Override not allowed: skip-tests (2 requirements unmet)")) }, "rejected", "its Pipeline Guard verdict does not pass: Override not allowed: skip-tests \\(2 requirements unmet\\)."],
    ["direct push with a marker, no verdict on record", { provenance: override(null) }, "rejected", "and no verdict is on record: it carries no Pipeline Guard check of the app's. The gate fails closed."],
    ["direct push with a marker, its check could not be checked", { provenance: override(null, true) }, "rejected", "no verdict is on record: its Pipeline Guard check says it could not be checked."],
    [
      "direct push with a marker by exempt actors, no verdict on record (the push path exempts them, markers included)",
      { config: config({ allowedActors: ["release-bot[bot]"] }), provenance: override(null, false, ["release-bot[bot]", "release-bot[bot]"]) },
      "approved",
      "by `release-bot[bot]` (its author and committer), exempt from bypass reports and override checks on pushes",
    ],
    [
      "direct push with a marker by exempt actors, but a failing verdict on record: the verdict decides",
      { config: config({ allowedActors: ["release-bot[bot]"] }), provenance: override(check("failure", "Override not allowed: skip-tests"), false, ["release-bot[bot]", "release-bot[bot]"]) },
      "rejected",
      "its Pipeline Guard verdict does not pass",
    ],
    [
      "bypass claiming an exempt bot, but the push handler's failing bypass check is on record: rejected",
      { config: config({ allowedActors: ["release-bot[bot]"] }), provenance: { kind: "bypass", branch: "main", people: ["release-bot[bot]"], check: check("failure", "Bypass: direct push on main (0123456)") } },
      "rejected",
      "(a bypass), recorded as such by its Pipeline Guard check: Bypass: direct push on main \\(0123456\\).",
    ],
    [
      "bypass by a person",
      { provenance: bypass("dana", "dana") },
      "rejected",
      "Rejected by Pipeline Guard: 0123456 was pushed directly to the production branch main without a pull request or an override marker (a bypass); its author and committer (`dana`) are not all exempt (bypass.allowed_actors).",
    ],
    ["bypass by an exempt release bot (author and committer)", { config: config({ allowedActors: ["Release-Bot[bot]"] }), provenance: bypass("release-bot[bot]", "release-bot[bot]") }, "approved", "by `release-bot[bot]` (its author and committer), exempt from bypass reports"],
    ["bypass by the app itself", { provenance: bypass("pipeline-guard[bot]", "pipeline-guard[bot]") }, "approved", "exempt from bypass reports"],
    ["bypass: the bot is exempt but a person committed it", { config: config({ allowedActors: ["release-bot[bot]"] }), provenance: bypass("release-bot[bot]", "dana") }, "rejected", "(`release-bot[bot]` and `dana`) are not all exempt"],
    ["bypass: an author with no GitHub account is nobody's exemption", { config: config({ allowedActors: ["release-bot[bot]"] }), provenance: bypass(null, "release-bot[bot]") }, "rejected", "(an author with no GitHub account and `release-bot[bot]`)"],
    ["bypass: the app's login unknown, the app is not exempt", { appLogin: undefined, provenance: bypass("pipeline-guard[bot]", "pipeline-guard[bot]") }, "rejected", "a bypass"],
    ["not on a production branch", { provenance: { kind: "off-production" } }, "rejected", "0123456 is not on a production branch (checked: main). Merge the change through a pull request into main, then deploy from main."],
    ["provenance unreadable", { provenance: { kind: "unreadable", reason: "GitHub answered 502: Bad Gateway" } }, "rejected", "Rejected by Pipeline Guard: how 0123456 reached a production branch could not be read (GitHub answered 502: Bad Gateway), and the gate fails closed."],
    ["a staging environment, even off the branch", { environment: "staging", provenance: { kind: "off-production" } }, "approved", '"staging" is not a production environment'],
    ["gate off, even with a failing verdict", { config: config({ gate: false }), provenance: prCheck("failure") }, "approved", "the Pipeline Guard deployment gate is off"],
    ["report mode, a bypass", { config: config({ mode: "report" }), provenance: bypass("dana", "dana") }, "approved", "Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: 0123456 was pushed directly to the production branch main without a pull request or an override marker (a bypass)"],
    ["report mode, a passing PR: plainly approved", { config: config({ mode: "report" }) }, "approved", "Approved: 0123456 reached the production branch main through pull request #12"],
  ])("%s → %s", (_name, partial, state, text) => {
    const decision = decideDeployment(facts(partial));
    expect(decision.state).toBe(state);
    expect(decision.comment).toContain(text);
  });

  test("a check title is quoted escaped: it cannot mention anyone or inject markup", () => {
    const decision = decideDeployment(facts({ provenance: prCheck("failure", "ping @admins <img src=x>") }));
    expect(decision.comment).toContain("ping @\u200badmins &lt;img src\\=x&gt;");
  });

  test("a check without a title says how it ended", () => {
    expect(decideDeployment(facts({ provenance: override(check("failure", null)) })).comment).toContain("does not pass: it ended failure.");
  });

  test("no production branch could be named", () => {
    const decision = decideDeployment(facts({ branchesChecked: [], provenance: { kind: "off-production" } }));
    expect(decision.comment).toContain("(checked: none could be named: production.branches are all globs and the deployment's ref matches none). Merge the change through a pull request into a production branch, then deploy from it.");
  });
});

describe("isExemptCommit", () => {
  const bypassConfig = { bypass: { ...DEFAULT_CONFIG.bypass, allowed_actors: ["release-bot[bot]"] } };
  test.each<[Array<string | null>, string | undefined, boolean]>([
    [["release-bot[bot]", "release-bot[bot]"], undefined, true],
    [["RELEASE-BOT[bot]"], undefined, true],
    [["release-bot[bot]", "alice"], undefined, false],
    [[null], undefined, false],
    [[], undefined, false],
    [["pipeline-guard[bot]", "pipeline-guard[bot]"], "pipeline-guard[bot]", true],
    [["pipeline-guard[bot]"], undefined, false],
  ])("%j (app %s) → %p", (people, appLogin, expected) => {
    expect(isExemptCommit({ people, config: bypassConfig, appLogin })).toBe(expected);
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
