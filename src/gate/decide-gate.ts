import type { Context } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { readConfig } from "../config/read-config.js";
import { CallBudgetExceededError, withCallBudget } from "../github/call-budget.js";
import { readCommitProvenance } from "../github/commit-provenance.js";
import { statusOf, type Gateway } from "../github/gateway.js";
import { changeOfCommit, isVerdict, rememberedOfHead, type ChangeOfCommit } from "../overrides/change-of-commit.js";
import { evaluatePullRequest } from "../overrides/evaluate-pull-request.js";
import {
  branchesToCheck,
  decideDeployment,
  decideOnGateError,
  decideWithoutDeployment,
  decideWithoutFacts,
  type DeploymentDecision,
  type Provenance,
  type PullRequestVerdict,
} from "./decide-deployment.js";

/** A commit SHA as GitHub writes it (SHA-1; SHA-256 for the day GitHub hosts such repositories). */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** The error's text in the comment is cut here: enough to say what failed. */
const ERROR_TEXT_LIMIT = 160;
/** SPEC section 10.5: the gate makes at most 5 API calls for one request, its answer included. */
export const GATE_CALL_BUDGET = 5;
/** The answer is always sent: the facts get the rest of the budget. */
const FACT_CALL_BUDGET = GATE_CALL_BUDGET - 1;

export interface GateRequest {
  environment: string;
  deployment: { sha: string; ref?: string | null } | null | undefined;
  defaultBranch: string;
}

/**
 * Gathers the facts and decides (SPEC sections 7 and 10.5), within the gate's budget: the config,
 * one GraphQL query for the SHA's provenance, and only when the PR that brought it has no verdict
 * on record, the calls that computing it takes (its commits, the author's permission). A fact that
 * would cost more is not gathered: the PR's verdict is then unknown and the gate rejects. Any
 * error fails closed.
 */
export async function decideGate(gw: Gateway, context: Pick<Context, "config" | "log" | "repo">, request: GateRequest): Promise<DeploymentDecision> {
  const { environment, deployment } = request;
  if (!deployment || !COMMIT_SHA.test(deployment.sha)) return decideWithoutDeployment(environment);
  let mode: Config["mode"] | null = null;
  try {
    return await withCallBudget(gw.octokit, FACT_CALL_BUDGET, async () => {
      const loaded = await readConfig(context);
      const { config } = loaded;
      mode = config.mode;
      const early = decideWithoutFacts({ environment, config });
      if (early) return early;
      const branches = branchesToCheck({ production: config.production, defaultBranch: request.defaultBranch, ref: deployment.ref });
      const appLogin = await gw.appLogin();
      const provenance = await provenanceOf(gw, { sha: deployment.sha, branches, loaded, defaultBranch: request.defaultBranch, appLogin });
      gw.log.info({ environment, sha: deployment.sha, provenance: provenance.kind }, "deployment gate established the SHA's provenance");
      return decideDeployment({ environment, sha: deployment.sha, config, branchesChecked: branches, provenance, appLogin });
    });
  } catch (error) {
    gw.log.error({ err: error, environment, sha: deployment.sha }, "deployment gate could not gather its facts; it fails closed");
    return decideOnGateError({ environment, mode, error: describeError(error) });
  }
}

async function provenanceOf(
  gw: Gateway,
  params: { sha: string; branches: string[]; loaded: LoadedConfig; defaultBranch: string; appLogin: string | undefined },
): Promise<Provenance> {
  const { sha, branches, loaded, appLogin } = params;
  if (branches.length === 0) return { kind: "off-production" };
  // Without its own login the app cannot tell its verdicts from a workflow's run of the same name.
  if (!appLogin) return { kind: "unreadable", reason: "the app's own login could not be learned, so its checks cannot be told from anyone else's" };
  let change: ChangeOfCommit;
  let onProduction: boolean;
  try {
    const facts = await readCommitProvenance(gw, { sha, branches });
    onProduction = facts.containing.length > 0;
    change = changeOfCommit({ facts, config: loaded.config, defaultBranch: params.defaultBranch, own: { appLogin, repository: `${gw.owner}/${gw.repo}` } });
  } catch (error) {
    gw.log.error({ err: error, sha }, "the SHA's provenance could not be read; the gate fails closed");
    return { kind: "unreadable", reason: describeError(error) };
  }
  if (!onProduction) return { kind: "off-production" };
  switch (change.kind) {
    case "unknown-commit":
    case "none":
      return { kind: "unreadable", reason: "GitHub's answer names no commit for this SHA" };
    case "pull-request":
      return { kind: "pull-request", branch: change.branch ?? branches[0] ?? "", pr: { number: change.pr.number }, verdict: await pullRequestVerdict(gw, change, loaded) };
    case "direct-push": {
      const people = [change.author, change.committer];
      const check = isVerdict(change.check) ? { conclusion: change.check.conclusion, title: change.check.title } : null;
      if (change.markers.length === 0) return { kind: "bypass", branch: change.branch, people, check };
      return { kind: "direct-push-override", branch: change.branch, markers: change.markers.map((m) => m.name), check, checkWasError: change.check !== null && !isVerdict(change.check), people };
    }
  }
}

/**
 * The PR's verdict: the app's own latest check on its head when that is a verdict; otherwise
 * computed from the PR's facts, within what is left of the budget.
 */
async function pullRequestVerdict(gw: Gateway, change: Extract<ChangeOfCommit, { kind: "pull-request" }>, loaded: LoadedConfig): Promise<PullRequestVerdict> {
  const headSha = change.pr.headSha;
  if (isVerdict(change.headCheck)) return { from: "check", headSha, check: { conclusion: change.headCheck.conclusion, title: change.headCheck.title } };
  const because = !change.headChecksRead ? "head not read" : change.headCheck ? "could not be checked" : "no check";
  try {
    // Judged as a Re-run would judge it: the head's remembered introducers count (SPEC section 10, rule 6).
    // The head's memory comes with the provenance query when it can: the budget has no call to spare.
    const { decision } = await evaluatePullRequest(gw, { pr: change.pr, loaded, trigger: { event: "again", remembered: rememberedOfHead(change) } });
    return { from: "computed", headSha, because, check: { conclusion: decision.conclusion, title: decision.title } };
  } catch (error) {
    if (error instanceof CallBudgetExceededError) {
      return { from: "unknown", headSha, reason: `computing it from the PR's facts needs more API calls than the gate's budget of ${GATE_CALL_BUDGET}` };
    }
    gw.log.error({ err: error, pr: change.pr.number }, "the PR's verdict could not be computed; the gate fails closed");
    return { from: "unknown", headSha, reason: `computing it from the PR's facts failed: ${describeError(error)}` };
  }
}

export function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  const text = status === undefined ? message : `GitHub answered ${status}: ${message}`;
  return text.length > ERROR_TEXT_LIMIT ? `${text.slice(0, ERROR_TEXT_LIMIT - 1)}…` : text;
}
