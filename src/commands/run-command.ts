import picomatch from "picomatch";
import type { Probot } from "probot";
import type { LoadedConfig } from "../config/load-config.js";
import { isProductionBranch } from "../config/is-production-branch.js";
import { acceptanceExpired } from "../drift/drift-state.js";
import { findDriftReport } from "../drift/record.js";
import { scanInstalledRepository, type InstalledRepository, type ScanOutcome } from "../drift/scan-job.js";
import { statusOf, type Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";
import { getPullRequest } from "../github/pull-requests.js";
import { waiveFollowUp } from "../follow-ups/waive-follow-up.js";
import { dispatchWorkflowExactly } from "../github/workflows.js";
import { reevaluatePullRequest, type ConfigContext } from "../overrides/pull-request-verdict.js";
import { COMMAND_HELP, type Command } from "./parse-command.js";

type AppLogin = () => Promise<string | undefined>;

/** The first line of an error's message, fit for a reply: no mention, no code span broken. */
export function errorText(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 300).replace(/[@`]/g, "") ?? "";
  return status ? `${status}: ${message}` : message;
}

function describeScan(outcome: ScanOutcome): string {
  if ("error" in outcome) return `The scan failed: ${outcome.error.split("\n")[0]?.slice(0, 300)}`;
  if ("skipped" in outcome) return `The scan was skipped: ${outcome.skipped}.`;
  return `Scan done: ${outcome.open} open drift item(s), ${outcome.accepted} accepted, ${outcome.newItems.length} new; the report was ${outcome.report}.`;
}

export interface CommandContext {
  app: Pick<Probot, "auth" | "log">;
  context: ConfigContext;
  gw: Gateway;
  loaded: LoadedConfig;
  appLogin: AppLogin;
  /** The repository as the scan job needs it. */
  target: InstalledRepository;
  /** The issue or PR the command was written on, as the event shows it. */
  issue: { number: number; isPullRequest: boolean; summary: IssueSummary };
  sender: string;
  repositoryUrl: string;
}

/** Runs one allowed command (SPEC section 8); the reply to post, or null when the command's own output is the answer. */
export async function runCommand(command: Command, ctx: CommandContext): Promise<string | null> {
  const { gw, loaded, target } = ctx;
  switch (command.name) {
    case "help":
      return COMMAND_HELP;
    case "recheck": {
      if (!ctx.issue.isPullRequest) return "`recheck` works on pull requests: comment it on the pull request to evaluate.";
      const pr = await getPullRequest(gw, ctx.issue.number);
      if (!isProductionBranch({ branch: pr.baseRef, defaultBranch: target.defaultBranch, production: loaded.config.production })) {
        return `This pull request goes into \`${pr.baseRef.replace(/`/g, "'")}\`, which is not a production branch: Pipeline Guard does not check it.`;
      }
      await reevaluatePullRequest(gw, ctx.context, { pr, defaultBranch: target.defaultBranch, loaded });
      return null; // the new check run is the answer
    }
    case "rescan":
      return describeScan(await scanInstalledRepository(ctx.app, target, { appLogin: await ctx.appLogin() }));
    case "replace": {
      const workflow = loaded.config.commands.apply_workflow;
      if (!workflow) return "No `commands.apply_workflow` is configured: set it to the workflow that runs `terraform apply -replace`, so that rebuilds go through the pipeline.";
      const branch = loaded.config.production.branches.find((b) => !picomatch.scan(b).isGlob) ?? target.defaultBranch;
      try {
        await dispatchWorkflowExactly(gw, { workflow, ref: branch, inputs: { replace: command.address } });
      } catch (error) {
        const status = statusOf(error);
        if (status !== 404 && status !== 422) throw error;
        return `\`${workflow}\` could not be dispatched on \`${branch}\` (${errorText(error)}). \`commands.apply_workflow\` must name a workflow of this repository with a \`workflow_dispatch\` trigger that declares a \`replace\` input. Nothing was run.`;
      }
      const runs = `${ctx.repositoryUrl}/actions/workflows/${encodeURIComponent(workflow)}`;
      return `Dispatched \`${workflow}\` on \`${branch}\` to replace \`${command.address}\`: follow the run at ${runs}.`;
    }
    case "waive":
      if (ctx.issue.isPullRequest) return "`waive` works on a follow-up issue of Pipeline Guard's, not on a pull request.";
      return waiveFollowUp(gw, { issue: ctx.issue.summary, by: ctx.sender, reason: command.reason, now: new Date() });
    case "accept": {
      if (!loaded.config.drift.enabled) return "Drift reporting is off (`drift.enabled: false`): there is no report to record the acceptance in.";
      if (command.until && acceptanceExpired({ until: command.until }, new Date())) {
        return `${command.until} is already past: an acceptance must end today or later.`;
      }
      const report = await findDriftReport(gw);
      const known = report?.status === "verified" ? Object.keys(report.state.items).sort() : [];
      if (!known.includes(command.id)) {
        const list = known.length > 0 ? known.map((id) => `- \`${id.replace(/`/g, "'")}\``).join("\n") : "_There are no drift items._";
        return `There is no drift item \`${command.id.replace(/`/g, "'")}\`. The items of the report are:\n${list}`;
      }
      const acceptance = { by: ctx.sender, reason: command.reason, until: command.until, at: new Date().toISOString() };
      const outcome = await scanInstalledRepository(ctx.app, target, { appLogin: await ctx.appLogin(), accept: { id: command.id, acceptance } });
      if ("error" in outcome || "skipped" in outcome) return `The acceptance could not be recorded. ${describeScan(outcome)} Try again in a moment.`;
      return `Accepted \`${command.id.replace(/`/g, "'")}\`${command.until ? ` until ${command.until}` : ""}: it is listed apart in the report. ${describeScan(outcome)}`;
    }
  }
}
