import { isProductionBranch } from "../config/is-production-branch.js";
import type { LoadedConfig } from "../config/load-config.js";
import { readConfig } from "../config/read-config.js";
import { branchesToCheck, isExemptCommit } from "../gate/decide-deployment.js";
import { createCheckRun } from "../github/check-runs.js";
import { readCommitProvenance, type GuardCheckRun } from "../github/commit-provenance.js";
import type { Gateway } from "../github/gateway.js";
import { checkAllowed } from "../github/permissions.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import { getPullRequest, type PullRequestFacts } from "../github/pull-requests.js";
import { changeOfCommit, isVerdict, rememberedOfHead, type ChangeOfCommit } from "./change-of-commit.js";
import { evaluateOverride, failClosedConclusion, type Conclusion } from "./evaluate-override.js";
import { findCommitJustification } from "./find-justification.js";
import { evaluateOrFailClosed, reevaluatePullRequest, type ConfigContext } from "./pull-request-verdict.js";
import { renderOverrideSummary } from "./render-override-summary.js";
import { reportCheck, reportEvaluationError } from "./report-pull-request.js";

/** Said under a verdict that Re-run wrote again unchanged, once. */
const KEPT_NOTE = "Re-run keeps this verdict: the change that brought this commit has not changed.";
const CONCLUSIONS: readonly Conclusion[] = ["success", "failure", "neutral"];

export interface RerunRequest {
  /** The commit of the check run whose Re-run was pressed. */
  headSha: string;
  /** The open PR GitHub lists for the check run (a branch of this repository), if any. */
  prNumber: number | undefined;
  defaultBranch: string;
  /** The branch of the check run's suite: asked too, when it is a production branch. */
  headBranch: string | null;
}

/**
 * The Re-run button on the app's check (SPEC section 10.4): a commit gets the same verdict unless
 * the change itself changed.
 * - The head of an open PR: the PR is evaluated again, as a fresh `synchronize` would.
 * - Any other commit is judged by the change that brought it: a merged PR's verdict (evaluated
 *   again from its facts, and written on the commit and on the PR's head, so that the gate reads
 *   the same); a direct push's verdict, kept (its commits cannot change); a commit off the
 *   production branches keeps its verdict. Never a neutral default.
 * - A check that says "Could not be checked" is no verdict: the change is evaluated again (a
 *   direct push from its commit, with the commit's author as the one who wrote the marker), and
 *   may pass.
 * Any error completes the check failing closed, never left queued.
 */
export async function rerunCheck(gw: Gateway, context: ConfigContext, params: RerunRequest): Promise<void> {
  const { headSha } = params;
  if (params.prNumber !== undefined) {
    await rerunOpenPullRequest(gw, context, { number: params.prNumber, headSha, defaultBranch: params.defaultBranch });
    return;
  }
  let loaded: LoadedConfig | null = null;
  let change: ChangeOfCommit;
  let openPullRequest: number | undefined;
  try {
    loaded = await readConfig(context);
    const appLogin = await gw.appLogin();
    if (!appLogin) throw new Error("the app's own login could not be learned, so its checks cannot be told from anyone else's");
    const branches = branchesToCheck({ production: loaded.config.production, defaultBranch: params.defaultBranch, ref: params.headBranch });
    const facts = await readCommitProvenance(gw, { sha: headSha, branches, withSummary: true });
    openPullRequest = facts.commit?.pullRequests.find((p) => p.state === "open" && p.facts.headSha.toLowerCase() === headSha.toLowerCase())?.facts.number;
    change = changeOfCommit({ facts, config: loaded.config, defaultBranch: params.defaultBranch, own: { appLogin, repository: `${gw.owner}/${gw.repo}` } });
  } catch (error) {
    await reportEvaluationError(gw, { headShas: [headSha], loaded, error });
    return;
  }
  if (openPullRequest !== undefined) {
    // A fork's head: GitHub lists no PR on the check run, the association finds it.
    await rerunOpenPullRequest(gw, context, { number: openPullRequest, headSha, defaultBranch: params.defaultBranch, loaded });
    return;
  }
  await rejudge(gw, context, { change, loaded, headSha, defaultBranch: params.defaultBranch });
}

async function rerunOpenPullRequest(
  gw: Gateway,
  context: ConfigContext,
  params: { number: number; headSha: string; defaultBranch: string; loaded?: LoadedConfig },
): Promise<void> {
  let pr: PullRequestFacts;
  try {
    pr = await getPullRequest(gw, params.number);
  } catch (error) {
    // The Re-run button was pressed: the check must end, failing closed, rather than stay queued.
    await reportEvaluationError(gw, { headShas: [params.headSha], loaded: params.loaded ?? null, error });
    return;
  }
  await reevaluatePullRequest(gw, context, { pr, defaultBranch: params.defaultBranch, loaded: params.loaded });
}

async function rejudge(gw: Gateway, context: ConfigContext, params: { change: ChangeOfCommit; loaded: LoadedConfig; headSha: string; defaultBranch: string }): Promise<void> {
  const { change, loaded, headSha } = params;
  switch (change.kind) {
    case "pull-request": {
      if (!isProductionBranch({ branch: change.pr.baseRef, defaultBranch: params.defaultBranch, production: loaded.config.production })) {
        // A PR into a branch that is not production has no verdict to give: the commit keeps its own.
        await keepOrFailClosed(gw, { check: change.check, loaded, headSha, why: `pull request #${change.pr.number} does not go into a production branch` });
        return;
      }
      // On an error the check on this commit fails closed; the PR's head keeps its verdict.
      // The head's memory comes with the provenance query when it can (one call less).
      const trigger = { event: "again", remembered: rememberedOfHead(change) } as const;
      const result = await evaluateOrFailClosed(gw, context, { pr: change.pr, defaultBranch: params.defaultBranch, failClosedShas: [headSha], loaded, trigger });
      if (result) await reportCheck(gw, result.evaluation, loaded, [...new Set([headSha, change.pr.headSha])]);
      return;
    }
    case "direct-push":
      if (keptConclusion(change.check)) await keepVerdict(gw, { check: change.check, headSha });
      else await judgePushedCommit(gw, { change, loaded, headSha });
      return;
    case "none":
      await keepOrFailClosed(gw, { check: change.check, loaded, headSha, why: "the commit is on no production branch and no pull request has it as its head" });
      return;
    case "unknown-commit":
      await reportEvaluationError(gw, { headShas: [headSha], loaded, error: new Error(`GitHub does not know ${headSha} as a commit of this repository`) });
      return;
  }
}

/** The conclusion of a verdict the app can write again as it is, or null. */
function keptConclusion(check: GuardCheckRun | null): check is GuardCheckRun & { conclusion: Conclusion } {
  return isVerdict(check) && (CONCLUSIONS as readonly (string | null)[]).includes(check.conclusion);
}

async function keepVerdict(gw: Gateway, params: { check: GuardCheckRun & { conclusion: Conclusion }; headSha: string }): Promise<void> {
  const { check } = params;
  const summary = check.summary ?? "";
  await createCheckRun(gw, {
    headSha: params.headSha,
    conclusion: check.conclusion,
    title: check.title ?? "Pipeline Guard",
    summary: summary.includes(KEPT_NOTE) ? summary : `${summary}\n\n---\n${KEPT_NOTE}`.trimStart(),
  });
}

async function keepOrFailClosed(gw: Gateway, params: { check: GuardCheckRun | null; loaded: LoadedConfig; headSha: string; why: string }): Promise<void> {
  if (keptConclusion(params.check)) {
    await keepVerdict(gw, { check: params.check, headSha: params.headSha });
    return;
  }
  await createCheckRun(gw, {
    headSha: params.headSha,
    conclusion: failClosedConclusion(params.loaded.config.mode),
    title: "No change to judge",
    summary: `Pipeline Guard has no verdict for this commit: ${params.why}, and it carries no earlier verdict of the app's. The check fails closed rather than pass what it cannot judge.`,
  });
}

/**
 * A direct push with no verdict on record, judged again from its commit (SPEC sections 4 and
 * 10.4): with a marker, an override whose author must be allowed (the commit's GitHub author: the
 * pusher is not a fact of the commit); without one, a bypass, unless its author and committer are
 * exempt.
 */
async function judgePushedCommit(gw: Gateway, params: { change: Extract<ChangeOfCommit, { kind: "direct-push" }>; loaded: LoadedConfig; headSha: string }): Promise<void> {
  const { change, loaded, headSha } = params;
  const { config } = loaded;
  const short = headSha.slice(0, 7);
  if (change.markers.length === 0) {
    const people = [change.author, change.committer];
    if (isExemptCommit({ people, config, appLogin: await gw.appLogin() })) {
      await createCheckRun(gw, {
        headSha,
        conclusion: "success",
        title: "Direct push by an exempt actor",
        summary: `This commit reached ${inlineLiteral(change.branch)} without a pull request, and its author and committer are exempt from bypass reports (\`bypass.allowed_actors\`, or the app itself).`,
      });
      return;
    }
    await createCheckRun(gw, {
      headSha,
      conclusion: failClosedConclusion(config.mode),
      title: `Bypass: direct push on ${change.branch} (${short})`,
      summary: `This commit reached ${inlineLiteral(change.branch)} without a pull request or an override marker: a bypass. Bring the change through a pull request.`,
    });
    return;
  }
  const authorization = change.author
    ? await checkAllowed(gw, change.author, config.overrides.allowed)
    : { allowed: false, reason: "the commit's author has no GitHub account" };
  const justification = findCommitJustification(change.message, config.overrides.justification.headings);
  const decision = evaluateOverride({
    markers: change.markers,
    actor: change.author ?? "unknown",
    fromFork: false,
    authorization,
    justification,
    justificationWhere: "commit",
    // A direct push's approval is its follow-up's Second approval box, whose tick writes its own check.
    approval: { kind: "direct-push", tickedBy: null },
    config,
  });
  const summary = renderOverrideSummary({ markers: change.markers, decision, config, configErrors: loaded.errors });
  await createCheckRun(gw, { headSha, conclusion: decision.conclusion, title: decision.title, summary });
}
