import type { LoadedConfig } from "../config/load-config.js";
import { reportBypass } from "../bypasses/report-bypass.js";
import { openFollowUp } from "../follow-ups/record.js";
import { dispatchRetest } from "../follow-ups/retest.js";
import { createCheckRun } from "../github/check-runs.js";
import type { CommitText } from "../github/commits.js";
import type { Gateway } from "../github/gateway.js";
import { collectMarkers } from "../markers/collect-markers.js";
import { authorizePeople } from "./authorize-people.js";
import { evaluateOverride } from "./evaluate-override.js";
import { commitMarkerFacts, markerPeople } from "./introducers.js";
import { findCommitJustification } from "./find-justification.js";
import { renderOverrideSummary } from "./render-override-summary.js";
import { notify } from "../notifications/notify.js";

/**
 * Commits that reached a production branch without a merged PR (SPEC section 4): with a marker,
 * an override (its check on the head, its follow-up); without one, a bypass, unless the force
 * push that brought them is already on record.
 */
export async function judgeDirectPush(
  gw: Gateway,
  params: { loaded: LoadedConfig; branch: string; actor: string; at: Date; commits: CommitText[]; headSha: string; bypassReported: boolean },
): Promise<void> {
  const { loaded, branch, actor, at, commits, headSha } = params;
  const { config } = loaded;
  const markers = collectMarkers({ commits }, config.markers);
  if (markers.length === 0) {
    if (!params.bypassReported) {
      await reportBypass(gw, { kind: "direct push", branch, sha: headSha, actor, at, details: [], commits }, config.bypass.direct_push, config.mode, config);
    }
    return;
  }
  const justification = commits.map((c) => findCommitJustification(c.message, config.overrides.justification.headings)).find(Boolean) ?? null;
  // Rule 6 of SPEC section 10: the pusher, and whoever wrote (or, as another login, committed) each commit carrying a marker.
  const { people: commitPeople } = commitMarkerFacts(commits, { markers: config.markers, base: branch });
  const authorization = await authorizePeople(gw, markerPeople({ actor: { login: actor, role: "pusher" }, commitPeople }), config.overrides.allowed);
  // Two-person rule: nobody could approve a push beforehand; the follow-up's Second approval box stands in.
  const needsApproval = config.overrides.approval.required > 0;
  const approval = needsApproval ? { kind: "direct-push" as const, tickedBy: null } : undefined;
  const decision = evaluateOverride({ markers, actor, fromFork: false, authorization, justification, justificationWhere: "commit", approval, config });
  const summary = renderOverrideSummary({ markers, decision, config, configErrors: loaded.errors });
  await createCheckRun(gw, { headSha, conclusion: decision.conclusion, title: decision.title, summary });
  const { issue, created } = await openFollowUp(
    gw,
    {
      sha: headSha,
      commits: commits.map((c) => c.sha),
      branch,
      markers: markers.map((m) => m.name),
      labels: decision.labels,
      items: needsApproval ? [...decision.followUpItems, "approval"] : decision.followUpItems,
      author: actor,
      merger: actor,
      at,
      justification,
      // The missing approval is the Second approval box, not a line: ticking it can still make the push pass.
      incident: decision.incident,
      unmet: decision.requirements.filter((r) => !r.met && r.id !== "approved").map((r) => r.detail),
    },
    config,
  );
  if (created) {
    notify(gw, config, { kind: "override", repository: `${gw.owner}/${gw.repo}`, markers: markers.map((m) => m.name), change: `${headSha.slice(0, 7)} (direct push)`, by: actor, url: issue.html_url });
  }
  if (created && decision.followUpItems.includes("retest")) await dispatchRetest(gw, { config, branch, sha: headSha });
}
