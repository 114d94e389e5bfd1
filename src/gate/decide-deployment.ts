import picomatch from "picomatch";
import { isExemptActor } from "../bypasses/report-bypass.js";
import type { Config } from "../config/schema.js";
import { escapeInlineText, quietLogin } from "../markdown/escape-markdown.js";
import { isProductionBranch } from "../config/is-production-branch.js";

/** What the app answers to a deployment protection rule request (SPEC sections 7 and 10.5). */
export interface DeploymentDecision {
  state: "approved" | "rejected";
  comment: string;
}

export type GateConfig = Pick<Config, "mode" | "production" | "deployments" | "bypass">;

/** A `Pipeline Guard` check run of the app's own: the verdict it records. */
export interface GateCheck {
  conclusion: string | null;
  title: string | null;
}

/**
 * The verdict of the PR that brought the SHA:
 * - `check`: the app's own latest check on the PR's head;
 * - `computed`: evaluated now from the PR's facts, because the head has no check of the app's,
 *   only one that could not be checked, or checks that could not be read;
 * - `unknown`: neither (computing it failed, or would cost more than the gate's budget).
 */
export type PullRequestVerdict =
  | { from: "check"; headSha: string; check: GateCheck }
  | { from: "computed"; headSha: string; because: "no check" | "could not be checked" | "head not read"; check: GateCheck }
  | { from: "unknown"; headSha: string; reason: string };

/** How the SHA reached a production branch (SPEC section 10.5). */
export type Provenance =
  /** GitHub's answer could not be read, or lacked what is needed: the gate fails closed. */
  | { kind: "unreadable"; reason: string }
  /** On none of the production branches asked. */
  | { kind: "off-production" }
  | { kind: "pull-request"; branch: string; pr: { number: number }; verdict: PullRequestVerdict }
  /**
   * Pushed without a PR, its commit carrying a marker: judged by the app's own verdict on it
   * (`check`: null when none). `people`: the commit's author and committer logins (null: no
   * GitHub account).
   */
  | { kind: "direct-push-override"; branch: string; markers: readonly string[]; check: GateCheck | null; checkWasError: boolean; people: ReadonlyArray<string | null> }
  /** Pushed without a PR or a marker. `check`: the app's own verdict on it, when the push wrote one (`bypass.direct_push: check`). */
  | { kind: "bypass"; branch: string; people: ReadonlyArray<string | null>; check: GateCheck | null };

export interface DeploymentFacts {
  environment: string;
  sha: string;
  config: GateConfig;
  /** The production branches that were asked whether they contain the SHA, in order. */
  branchesChecked: readonly string[];
  provenance: Provenance;
  /** The app's own login, exempt from bypass like `bypass.allowed_actors`; undefined when unknown. */
  appLogin?: string;
}

const GIT_SHA = /^[0-9a-f]{40}$/i;

export function isProductionEnvironment(environment: string, config: Pick<Config, "production">): boolean {
  // GitHub treats environment names case-insensitively ("Production" is "production").
  return picomatch.isMatch(environment, config.production.environments, { dot: true, nocase: true });
}

/**
 * The decision when no fact about the SHA is needed (an environment that is not production, or
 * the gate turned off), or null when the gate must look at the SHA.
 */
export function decideWithoutFacts(params: { environment: string; config: Pick<Config, "production" | "deployments"> }): DeploymentDecision | null {
  const { environment, config } = params;
  if (!isProductionEnvironment(environment, config)) {
    const globs = config.production.environments.join(", ") || "none";
    return { state: "approved", comment: `Approved: "${environment}" is not a production environment (production.environments: ${globs}).` };
  }
  if (!config.deployments.gate) {
    return {
      state: "approved",
      comment: `Approved without checks: the Pipeline Guard deployment gate is off for this repository (deployments.gate: false), so deployments to "${environment}" are not checked.`,
    };
  }
  return null;
}

/**
 * The production branches to ask whether they contain the SHA, in order (one aliased compare
 * each, all in the one provenance query):
 * - `production.branches: []`: the default branch;
 * - each literal name in `production.branches`;
 * - for glob patterns, which cannot be listed without listing every branch: the deployment's own
 *   ref when it is a branch name that matches one; when nothing else is left to ask, the default
 *   branch if it is production.
 */
export function branchesToCheck(params: { production: Pick<Config["production"], "branches">; defaultBranch: string; ref: string | null | undefined }): string[] {
  const { production, defaultBranch } = params;
  if (production.branches.length === 0) return [defaultBranch];
  const branches = production.branches.filter((pattern) => !picomatch.scan(pattern).isGlob);
  const hasGlobs = branches.length < production.branches.length;
  const ref = refAsBranch(params.ref);
  if (hasGlobs && ref !== null && !branches.includes(ref) && isProductionBranch({ branch: ref, defaultBranch, production })) branches.push(ref);
  if (branches.length === 0 && isProductionBranch({ branch: defaultBranch, defaultBranch, production })) branches.push(defaultBranch);
  return branches;
}

/** A deployment's ref as a branch name: `main` or `refs/heads/main`; null for a SHA, a tag ref or another ref. */
function refAsBranch(ref: string | null | undefined): string | null {
  if (!ref || GIT_SHA.test(ref)) return null;
  if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length) || null;
  return ref.startsWith("refs/") ? null : ref;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * A verdict passes only as `success`. The app writes `failure` for an unmet requirement in enforce
 * mode and `neutral` for one in report mode, so a verdict written in report mode does not let a
 * deployment through once the repository enforces (and report mode says so).
 */
function passes(check: GateCheck): boolean {
  return check.conclusion === "success";
}

function titleOf(check: GateCheck): string {
  return check.title ? escapeInlineText(check.title, 200) : `it ended ${check.conclusion ?? "without a conclusion"}`;
}

function named(people: ReadonlyArray<string | null>): string {
  return [...new Set(people.map((login) => (login ? quietLogin(login) : "an author with no GitHub account")))].join(" and ");
}

/**
 * A bypass is exempt only when every person its commit names (author and committer) is in
 * `bypass.allowed_actors` or is the app. The pusher is not a fact of the commit; a commit that
 * names a person besides a release bot is the person's change, and a commit that names no GitHub
 * account is nobody's exemption.
 */
export function isExemptCommit(params: { people: ReadonlyArray<string | null>; config: Pick<Config, "bypass">; appLogin?: string }): boolean {
  const { people, config, appLogin } = params;
  return people.length > 0 && people.every((login) => login !== null && isExemptActor(login, config, appLogin));
}

function whereFrom(verdict: Exclude<PullRequestVerdict, { from: "unknown" }>): string {
  const head = shortSha(verdict.headSha);
  if (verdict.from === "check") return `its Pipeline Guard check on the PR's head ${head}`;
  const because = {
    "no check": `the PR's head ${head} has no Pipeline Guard check of the app's`,
    "could not be checked": `the Pipeline Guard check on the PR's head ${head} could not be checked`,
    "head not read": `the checks of the PR's head ${head} could not be read`,
  }[verdict.because];
  return `computed now from the PR's facts, because ${because}`;
}

/** `text`: approved, the comment after "Approved: "; rejected, the reason. */
interface Judgement {
  ok: boolean;
  text: string;
}

function judgePullRequest(sha: string, provenance: Extract<Provenance, { kind: "pull-request" }>): Judgement {
  const { verdict } = provenance;
  const through = `${sha} reached the production branch ${provenance.branch} through pull request #${provenance.pr.number}`;
  if (verdict.from === "unknown") {
    return {
      ok: false,
      text:
        `${through}, whose Pipeline Guard verdict could not be established (${verdict.reason}), and the gate fails closed. ` +
        "Press Re-run on the Pipeline Guard check of the PR's head, or comment `/pipeline-guard recheck` on the PR, so that its verdict is on record; then deploy again.",
    };
  }
  if (passes(verdict.check)) return { ok: true, text: `${through}, whose Pipeline Guard verdict passes: ${titleOf(verdict.check)} (${whereFrom(verdict)}).` };
  return {
    ok: false,
    text:
      `${through}, whose Pipeline Guard verdict does not pass: ${titleOf(verdict.check)} (${whereFrom(verdict)}). ` +
      "Meet the override's requirements (the check's summary lists them) and press Re-run on the PR's Pipeline Guard check, or revert the change through a pull request; then deploy again.",
  };
}

function judgeDirectPushOverride(facts: DeploymentFacts, sha: string, provenance: Extract<Provenance, { kind: "direct-push-override" }>): Judgement {
  const pushed = `${sha} was pushed directly to the production branch ${provenance.branch} with an override (${provenance.markers.join(", ")})`;
  const { check } = provenance;
  // The push path exempts these actors, markers included (a release bot's `[skip ci]`), so it
  // records no verdict for them; a verdict on record still decides.
  if (!check && isExemptCommit({ people: provenance.people, config: facts.config, appLogin: facts.appLogin })) {
    return { ok: true, text: `${pushed}, by ${named(provenance.people)} (its author and committer), exempt from bypass reports and override checks on pushes (bypass.allowed_actors, or the app itself).` };
  }
  if (!check) {
    const missing = provenance.checkWasError ? "its Pipeline Guard check says it could not be checked" : "it carries no Pipeline Guard check of the app's";
    return {
      ok: false,
      text: `${pushed}, and no verdict is on record: ${missing}. The gate fails closed. Press Re-run on its Pipeline Guard check if it has one, or bring the change through a pull request; then deploy again.`,
    };
  }
  if (passes(check)) return { ok: true, text: `${pushed}, and its Pipeline Guard verdict passes: ${titleOf(check)}.` };
  return {
    ok: false,
    text: `${pushed}, and its Pipeline Guard verdict does not pass: ${titleOf(check)}. Bring the change through a pull request (or meet the override's requirements and press Re-run on its check), then deploy again.`,
  };
}

function judge(facts: DeploymentFacts): Judgement {
  const sha = shortSha(facts.sha);
  const { provenance } = facts;
  switch (provenance.kind) {
    case "unreadable":
      return {
        ok: false,
        text: `how ${sha} reached a production branch could not be read (${provenance.reason}), and the gate fails closed. Re-run the deployment; if this keeps happening, see the app's logs.`,
      };
    case "off-production": {
      const main = facts.branchesChecked[0];
      const checked = facts.branchesChecked.length > 0 ? facts.branchesChecked.join(", ") : "none could be named: production.branches are all globs and the deployment's ref matches none";
      return {
        ok: false,
        text:
          `${sha} is not on a production branch (checked: ${checked}). ` +
          (main ? `Merge the change through a pull request into ${main}, then deploy from ${main}.` : "Merge the change through a pull request into a production branch, then deploy from it."),
      };
    }
    case "pull-request":
      return judgePullRequest(sha, provenance);
    case "direct-push-override":
      return judgeDirectPushOverride(facts, sha, provenance);
    case "bypass": {
      const pushed = `${sha} was pushed directly to the production branch ${provenance.branch} without a pull request or an override marker`;
      const who = named(provenance.people);
      // The push handler knew the real pusher: its failing check on the commit outweighs what the commit claims.
      if (provenance.check && !passes(provenance.check)) {
        return {
          ok: false,
          text: `${pushed} (a bypass), recorded as such by its Pipeline Guard check: ${titleOf(provenance.check)}. Bring the change through a pull request into ${provenance.branch}, then deploy from ${provenance.branch}.`,
        };
      }
      if (isExemptCommit({ people: provenance.people, config: facts.config, appLogin: facts.appLogin })) {
        return { ok: true, text: `${pushed}, by ${who} (its author and committer), exempt from bypass reports (bypass.allowed_actors, or the app itself).` };
      }
      return {
        ok: false,
        text: `${pushed} (a bypass); its author and committer (${who}) are not all exempt (bypass.allowed_actors). Bring the change through a pull request into ${provenance.branch}, then deploy from ${provenance.branch}.`,
      };
    }
  }
}

/**
 * SPEC sections 7 and 10.5: a production deployment is judged by how its SHA reached a
 * production branch. Through a merged PR: the PR's verdict, whether or not the merge commit got a
 * check. By a direct push: with a marker, the app's own verdict on the commit (none on record:
 * rejected); without one, a bypass, rejected unless its people are exempt. A SHA on no production
 * branch, or whose provenance could not be read, is rejected. Report mode never rejects: it
 * approves and says what enforce mode would have done.
 */
export function decideDeployment(facts: DeploymentFacts): DeploymentDecision {
  const early = decideWithoutFacts(facts);
  if (early) return early;
  const judgement = judge(facts);
  if (judgement.ok) return { state: "approved", comment: `Approved: ${judgement.text}` };
  if (facts.config.mode === "report") {
    return { state: "approved", comment: `Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: ${judgement.text}` };
  }
  return { state: "rejected", comment: `Rejected by Pipeline Guard: ${judgement.text}` };
}

/**
 * The answer when the facts could not be gathered (after Octokit's retries). The gate fails
 * closed: a deployment that could not be checked is rejected. Only report mode, which a
 * repository chose and which never blocks, approves; `mode` is null when even the configuration
 * could not be read, and then the gate rejects.
 */
export function decideOnGateError(params: { environment: string; mode: Config["mode"] | null; error: string }): DeploymentDecision {
  const what = `Pipeline Guard could not check this deployment to "${params.environment}" (${params.error})`;
  if (params.mode === "report") {
    return { state: "approved", comment: `Approved in report mode: ${what}. In enforce mode it would be rejected (the gate fails closed).` };
  }
  return { state: "rejected", comment: `Rejected: ${what}, and the gate fails closed. Re-run the deployment; if this keeps happening, see the app's logs.` };
}

/** A request without a deployment names no SHA to check. */
export function decideWithoutDeployment(environment: string): DeploymentDecision {
  return { state: "rejected", comment: `Rejected: there is no deployment in the request for "${environment}", so Pipeline Guard has no commit to check.` };
}
