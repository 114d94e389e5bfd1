import type { Context } from "probot";
import { onBypassEdited } from "../bypasses/bypass-events.js";
import { readBypass } from "../bypasses/record.js";
import { readConfig } from "../config/read-config.js";
import { onDriftReportEdited } from "../drift/report-events.js";
import { readDriftReport } from "../drift/record.js";
import { onFollowUpClosed, onFollowUpEdited } from "../follow-ups/follow-up-events.js";
import { readFollowUp } from "../follow-ups/record.js";
import type { AppLogin } from "../github/app-identity.js";
import { gatewayFor, type Gateway } from "../github/gateway.js";
import { summarizeIssue, type IssueSummary, type RawIssue } from "../github/issues.js";
import { APP_LABELS, markerLabelSpec, type LabelSpec } from "../github/labels.js";
import { putBackRecordLabel } from "../records/record-labels.js";

type IssueEvent = Context<"issues.closed"> | Context<"issues.edited"> | Context<"issues.unlabeled">;

/**
 * The issue, when it is one the app opened and someone other than the app acted on it; null
 * otherwise. An issue a person opened costs no call; a bot's costs the app's login, once per process.
 * Any other bot is an ordinary actor (SPEC section 10): only the app's own actions are left alone.
 */
async function appIssueActedOnByOthers(context: IssueEvent, appLogin: AppLogin): Promise<{ gw: Gateway; issue: IssueSummary; sender: { login: string; isBot: boolean } } | null> {
  const { issue, sender } = context.payload;
  if (issue.user?.type !== "Bot") return null;
  const self = await appLogin();
  if (!self || issue.user.login.toLowerCase() !== self.toLowerCase()) return null;
  if (sender.login.toLowerCase() === self.toLowerCase()) return null;
  return { gw: gatewayFor(context, appLogin), issue: summarizeIssue(issue as unknown as RawIssue), sender: { login: sender.login, isBot: sender.type === "Bot" } };
}

/** `issues.closed`: a follow-up closed with work left is reopened (SPEC section 5). */
export async function handleIssueClosed(context: Context<"issues.closed">, appLogin: AppLogin): Promise<void> {
  const acted = await appIssueActedOnByOthers(context, appLogin);
  if (!acted) return;
  await onFollowUpClosed(acted.gw, { issue: acted.issue, closer: acted.sender, readConfig: () => readConfig(context) });
}

/** `issues.edited`: an edit of one of the app's records is taken as input (ticks) or undone (SPEC section 10, rule 2). */
export async function handleIssueEdited(context: Context<"issues.edited">, appLogin: AppLogin): Promise<void> {
  if (context.payload.changes.body === undefined) return;
  const acted = await appIssueActedOnByOthers(context, appLogin);
  if (!acted) return;
  const previousBody = context.payload.changes.body.from ?? null;
  const params = { issue: acted.issue, previousBody, editor: acted.sender };
  if (await onFollowUpEdited(acted.gw, { ...params, readConfig: () => readConfig(context) })) return;
  if (await onBypassEdited(acted.gw, params)) return;
  await onDriftReportEdited(acted.gw, params);
}

/** `issues.unlabeled`: a record's label removed by someone else is put back (SPEC section 10, rule 3). */
export async function handleIssueUnlabeled(context: Context<"issues.unlabeled">, appLogin: AppLogin): Promise<void> {
  const removed = context.payload.label?.name;
  if (!removed) return;
  const acted = await appIssueActedOnByOthers(context, appLogin);
  if (!acted) return;
  const expected = recordLabels(acted.gw, acted.issue);
  if (expected.length === 0) return;
  await putBackRecordLabel(acted.gw, { issue: acted.issue, removed, expected, by: acted.sender.login });
}

/** The labels a verified record carries: its kind's label, and a follow-up's marker labels. */
function recordLabels(gw: Gateway, issue: IssueSummary): LabelSpec[] {
  const followUp = readFollowUp(gw, issue);
  if (followUp?.status === "verified") return [APP_LABELS.followUp, ...followUp.state.labels.map(markerLabelSpec)];
  if (readBypass(gw, issue)?.status === "verified") return [APP_LABELS.bypass];
  if (readDriftReport(gw, issue)?.status === "verified") return [APP_LABELS.drift];
  return [];
}
