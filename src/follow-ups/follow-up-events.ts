import type { LoadedConfig } from "../config/load-config.js";
import type { Gateway } from "../github/gateway.js";
import { createComment, updateIssue, type IssueSummary } from "../github/issues.js";
import { checkAllowed } from "../github/permissions.js";
import type { Authorization } from "../overrides/evaluate-override.js";
import { rejudgeApprovedPush } from "./second-approval.js";
import { describeOtherChanges } from "../records/record-edits.js";
import { parseChecklist } from "./checklist.js";
import { decideFollowUpEdit, decideOnFollowUpClosed } from "./decide-follow-up.js";
import { followUpBodyFor, openItems, readFollowUp, saveFollowUp } from "./record.js";

export interface Actor {
  login: string;
  isBot: boolean;
}

/**
 * `issues.closed` on a follow-up (SPEC section 5): closed with a box unticked in its state, it is
 * reopened. A record whose block does not verify counts for nothing here (the scan reports it and
 * rebuilds what is missing). Returns whether the issue was a follow-up.
 */
export async function onFollowUpClosed(
  gw: Gateway,
  params: { issue: IssueSummary; closer: Actor; readConfig: () => Promise<LoadedConfig> },
): Promise<boolean> {
  const reading = readFollowUp(gw, params.issue);
  if (!reading) return false;
  if (reading.status !== "verified") {
    gw.log.warn({ issue: params.issue.number, reason: reading.reason }, "a closed follow-up's record does not verify: it counts for nothing; the next scan reports it");
    return true;
  }
  if (openItems(reading.state).length === 0) return true;
  const { config } = await params.readConfig();
  const closerMayDismiss =
    params.issue.stateReason === "not_planned" && !params.closer.isBot ? (await checkAllowed(gw, params.closer.login, config.commands.allowed)).allowed : false;
  const action = decideOnFollowUpClosed({ state: reading.state, stateReason: params.issue.stateReason, closerMayDismiss, mode: config.mode });
  if (!action) return true;
  if (action.reopen) await updateIssue(gw, params.issue.number, { state: "open" });
  await createComment(gw, params.issue.number, action.comment);
  return true;
}

/**
 * `issues.edited` of a follow-up by anyone but the app (SPEC section 10, rules 2 and 7): the ticks
 * go into the state with who made them, every other change is undone by rendering the body again
 * from the last state the app signed (the edit's `changes.body.from`, or the body's own block when
 * only the text was touched), and one comment says who changed what. Returns whether the issue was
 * a follow-up.
 */
export async function onFollowUpEdited(
  gw: Gateway,
  params: { issue: IssueSummary; previousBody: string | null; editor: Actor; readConfig: () => Promise<LoadedConfig>; now?: Date },
): Promise<boolean> {
  const { issue } = params;
  const before = params.previousBody === null ? null : readFollowUp(gw, issue, params.previousBody);
  const current = readFollowUp(gw, issue);
  if (!before && !current) return false;
  const base = before?.status === "verified" ? { state: before.state, body: params.previousBody ?? "" } : current?.status === "verified" ? { state: current.state, body: null } : null;
  if (!base) {
    gw.log.warn({ issue: issue.number }, "an edited follow-up has no version whose block verifies: nothing to restore; the next scan reports it");
    return true;
  }
  // What the app last wrote: the edit's previous body, or (when that is not the app's) its state rendered again.
  const reference = base.body ?? followUpBodyFor(gw, issue.number, base.state);
  const now = params.now ?? new Date();
  const boxes = parseChecklist(issue.body);
  // A Second approval ticked by a person who is not the pusher: looked up against overrides.approval.by.
  let loaded: LoadedConfig | null = null;
  let approver: Authorization | undefined;
  const approvalTicked = base.state.items.includes("approval") && boxes.approval === true && !base.state.ticks.approval;
  if (approvalTicked && !params.editor.isBot && params.editor.login.toLowerCase() !== base.state.author?.toLowerCase()) {
    loaded = await params.readConfig();
    approver = await checkAllowed(gw, params.editor.login, loaded.config.overrides.approval.by);
  }
  const decide = (mode: "enforce" | "report") =>
    decideFollowUpEdit({
      state: base.state,
      boxes,
      editor: params.editor,
      otherChanges: describeOtherChanges(reference, issue.body),
      issueOpen: issue.state === "open",
      mode,
      now,
      approver,
    });
  // The mode only matters for a refused tick: an ordinary tick costs no configuration read.
  const strict = decide("enforce");
  const refused = JSON.stringify(strict.state.ticks) !== JSON.stringify(decide("report").state.ticks);
  const config = async () => (loaded ??= await params.readConfig()).config;
  const edit = refused ? decide((await config()).mode) : strict;
  await saveFollowUp(gw, { issue, state: edit.state, ...(edit.close ? { change: { state: "closed", state_reason: "completed" } } : {}) });
  if (edit.comments.length > 0) await createComment(gw, issue.number, edit.comments.join("\n\n"));
  if (Boolean(edit.state.ticks.approval) !== Boolean(base.state.ticks.approval)) await rejudgeApprovedPush(gw, { state: edit.state, mode: (await config()).mode });
  return true;
}
