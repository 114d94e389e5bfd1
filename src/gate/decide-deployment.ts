import picomatch from "picomatch";
import type { Config } from "../config/schema.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { isProductionBranch } from "../config/is-production-branch.js";

/** What the app answers to a deployment protection rule request (SPEC section 7). */
export interface DeploymentDecision {
  state: "approved" | "rejected";
  comment: string;
}

export type GateConfig = Pick<Config, "mode" | "production" | "deployments">;

/** One latest `Pipeline Guard` check run on the deployment's SHA. */
export interface GateCheck {
  status: string;
  conclusion: string | null;
  title: string | null;
}

export interface DeploymentFacts {
  environment: string;
  sha: string;
  config: GateConfig;
  /** The production branches that were asked whether they contain the SHA, in order. */
  branchesChecked: readonly string[];
  /** The first of them that contains the SHA, or null when none does. */
  containingBranch: string | null;
  /** The latest `Pipeline Guard` check runs on the SHA (one per app that wrote one; usually one or none). */
  checks: readonly GateCheck[];
}

/**
 * Branch protection accepts a required check that ended `success`, `neutral` or `skipped`; the
 * gate counts every other completed conclusion as failing, the same way. A run still in
 * progress has not failed (ours are always created completed).
 */
const PASSING_CONCLUSIONS = new Set(["success", "neutral", "skipped"]);

const GIT_SHA = /^[0-9a-f]{40}$/i;

export function isProductionEnvironment(environment: string, config: Pick<Config, "production">): boolean {
  // GitHub treats environment names case-insensitively ("Production" is "production").
  return picomatch.isMatch(environment, config.production.environments, { dot: true, nocase: true });
}

/**
 * The decision when no fact about the SHA is needed (an environment that is not production, or
 * the gate turned off), or null when the gate must look at the SHA.
 */
export function decideWithoutFacts(params: { environment: string; config: GateConfig }): DeploymentDecision | null {
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
 * The production branches to ask whether they contain the SHA, in order (one compare call each,
 * stopping at the first yes):
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

/** Why a production deployment of this SHA is not allowed; empty when it is. */
function reasonsToReject(facts: DeploymentFacts): string[] {
  const reasons: string[] = [];
  const sha = shortSha(facts.sha);
  if (facts.containingBranch === null) {
    const main = facts.branchesChecked[0];
    const checked = facts.branchesChecked.length > 0 ? facts.branchesChecked.join(", ") : "none could be named: production.branches are all globs and the deployment's ref matches none";
    reasons.push(
      `${sha} is not on a production branch (checked: ${checked}). ` +
        (main ? `Merge the change through a pull request into ${main}, then deploy from ${main}.` : "Merge the change through a pull request into a production branch, then deploy from it."),
    );
  }
  const failed = facts.checks.find((check) => check.status === "completed" && !PASSING_CONCLUSIONS.has(check.conclusion ?? ""));
  if (failed) {
    const title = failed.title ? escapeInlineText(failed.title, 200) : `it ended ${failed.conclusion ?? "without a conclusion"}`;
    reasons.push(`The Pipeline Guard check on ${sha} failed: ${title}. Fix the override's requirements (the check's summary lists them) or re-run the check, then deploy again.`);
  }
  return reasons;
}

/**
 * SPEC section 7: a production deployment is approved when its SHA is on a production branch and
 * its `Pipeline Guard` check is not failing. The app puts that check on PR heads and on the
 * commits of overrides (a merged override's merge commit, a direct push with a marker), so a SHA on
 * a production branch without one carried no override (or predates the app) and is approved; a
 * bypass is already on record as its own issue. Report mode never rejects: it
 * approves and says what enforce mode would have done.
 */
export function decideDeployment(facts: DeploymentFacts): DeploymentDecision {
  const early = decideWithoutFacts(facts);
  if (early) return early;
  const reasons = reasonsToReject(facts);
  if (reasons.length > 0) {
    if (facts.config.mode === "report") {
      return { state: "approved", comment: `Approved in report mode. In enforce mode Pipeline Guard would reject this deployment: ${reasons.join(" ")}` };
    }
    return { state: "rejected", comment: `Rejected by Pipeline Guard: ${reasons.join(" ")}` };
  }
  const sha = shortSha(facts.sha);
  const check =
    facts.checks.length === 0
      ? "no override reached it (Pipeline Guard puts its check on the commits of overrides and on PR heads; none is on this one)"
      : "its Pipeline Guard check is not failing";
  return { state: "approved", comment: `Approved: ${sha} is on the production branch ${facts.containingBranch ?? ""} and ${check}.` };
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
