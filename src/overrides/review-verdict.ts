import type { LoadedConfig } from "../config/load-config.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { readConfig } from "../config/read-config.js";
import type { Gateway } from "../github/gateway.js";
import type { PullRequestFacts } from "../github/pull-requests.js";
import { collectMarkers } from "../markers/collect-markers.js";
import { readCheckMemory, type CheckMemory } from "./check-memory.js";
import { markerDigest } from "./introducers.js";
import { evaluateOrFailClosed, labelCommentAndCheck, recordArrival, withPullRequestLock, type ConfigContext } from "./pull-request-verdict.js";
import { reportEvaluationError } from "./report-pull-request.js";

/**
 * Whether the head's memory shows, by itself, that the PR carries no marker: the commits were read
 * for this base and these marker definitions and held none, no event brought one, and the title and
 * body hold none. Then a review changes nothing and nothing is written.
 */
function knownWithoutMarkers(memory: CheckMemory | null, pr: PullRequestFacts, loaded: LoadedConfig): boolean {
  const commits = memory?.commits;
  if (!memory || memory.partial || !commits) return false;
  if (commits.base !== pr.baseRef || commits.digest !== markerDigest(loaded.config.markers)) return false;
  if (commits.markers.length > 0 || memory.introducers.length > 0) return false;
  return collectMarkers({ title: pr.title, body: pr.body }, loaded.config.markers).length === 0;
}

/**
 * A review was submitted, edited or dismissed (`pull_request_review`): the two-person rule
 * (`overrides.approval`) may have changed its answer. Costs the configuration read alone when the
 * rule is off (`required: 0`) or the PR is not into a production branch; the configuration and the
 * head's memory when the PR carries no marker (nothing written); otherwise the PR is evaluated again
 * from its head's memory, as Re-run would, and its check, labels and comment written. Reviews of a
 * closed PR change nothing: the verdict the merge was judged by stands.
 */
export async function reevaluateForReview(gw: Gateway, context: ConfigContext, params: { pr: PullRequestFacts; defaultBranch: string }): Promise<void> {
  const { pr, defaultBranch } = params;
  await recordArrival(gw, pr);
  await withPullRequestLock(gw, pr, async () => {
    const loaded = await readConfig(context);
    if (loaded.config.overrides.approval.required === 0) return;
    if (!isProductionBranch({ branch: pr.baseRef, defaultBranch, production: loaded.config.production })) return;
    let remembered: CheckMemory | null;
    try {
      remembered = await readCheckMemory(gw, { sha: pr.headSha, pr: pr.number });
    } catch (error) {
      await reportEvaluationError(gw, { headShas: [pr.headSha], loaded, error });
      return;
    }
    if (knownWithoutMarkers(remembered, pr, loaded)) return;
    const result = await evaluateOrFailClosed(gw, context, { pr, defaultBranch, failClosedShas: [pr.headSha], loaded, trigger: { event: "again", remembered } });
    if (result) await labelCommentAndCheck(gw, result.evaluation, result.loaded);
  });
}
