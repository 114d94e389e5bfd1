import type { Config } from "../config/schema.js";
import { createCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { escapeInlineText, quietLogin } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { failClosedConclusion, type Conclusion } from "../overrides/evaluate-override.js";
import type { FollowUpState } from "./record.js";

/**
 * The verdict of a direct push made under the two-person rule, once its follow-up's Second approval
 * box is ticked or unticked: passing when an allowed person ticked it and nothing else was unmet at
 * the push; failing (neutral in report mode) otherwise. Pure: the state in, the check out.
 */
export function approvedPushVerdict(state: Pick<FollowUpState, "markers" | "ticks" | "unmet" | "sha">, mode: Config["mode"]): { conclusion: Conclusion; title: string; summary: string } {
  const names = state.markers.join(", ");
  const tick = state.ticks.approval;
  const unmet = [...state.unmet, ...(tick ? [] : ["no second approval: the follow-up's Second approval box is not ticked"])];
  const lines = [
    `This commit reached the branch by a direct push carrying ${names}, which could not be approved beforehand.`,
    "",
    "### Requirements",
    tick ? `- ✅ **Second approval**: given after the push by ${quietLogin(tick.by)} on ${formatUtcMinute(tick.at)} (the follow-up's Second approval box)` : "- ❌ **Second approval**: the follow-up's Second approval box is not ticked",
    ...state.unmet.map((u) => `- ❌ ${escapeInlineText(u, 500)}`),
  ];
  if (unmet.length === 0) return { conclusion: "success", title: `Override allowed: ${names} (second approval after the push)`, summary: lines.join("\n") };
  const count = `${unmet.length} requirement${unmet.length === 1 ? "" : "s"} unmet`;
  return {
    conclusion: failClosedConclusion(mode),
    title: mode === "report" ? `Report mode: override of ${names} has ${count}` : `Override not allowed: ${names} (${count})`,
    summary: lines.join("\n"),
  };
}

/** Writes the direct push's check again from its follow-up's state: the gate and Re-run read this verdict. */
export async function rejudgeApprovedPush(gw: Gateway, params: { state: FollowUpState; mode: Config["mode"] }): Promise<void> {
  if (params.state.pr) return; // a PR's approvals are its reviews, not a box
  await createCheckRun(gw, { headSha: params.state.sha, ...approvedPushVerdict(params.state, params.mode) });
}
