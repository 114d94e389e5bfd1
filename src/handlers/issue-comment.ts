import picomatch from "picomatch";
import type { Context, Probot } from "probot";
import { COMMAND_HELP, parseCommand, type Command } from "../commands/parse-command.js";
import type { LoadedConfig } from "../config/load-config.js";
import { readConfig } from "../config/read-config.js";
import { acceptanceExpired, readDriftState } from "../drift/drift-state.js";
import { scanInstalledRepository, type ScanOutcome } from "../drift/scan-job.js";
import { gatewayFor, statusOf, write, type Gateway } from "../github/gateway.js";
import { createComment, findIssueByKey } from "../github/issues.js";
import { APP_LABELS } from "../github/labels.js";
import { checkAllowed } from "../github/permissions.js";
import { reactToComment } from "../github/reactions.js";
import { quietLogin } from "../render/escape-markdown.js";
import { isProductionBranch } from "../policy/is-production-branch.js";
import { pullRequestFacts } from "./evaluate-pull-request.js";
import { reevaluatePullRequest } from "./check-run.js";

type CommentContext = Context<"issue_comment.created">;
type AppLogin = () => Promise<string | undefined>;

/** The first line of an error's message, fit for a reply: no mention, no code span broken. */
function errorText(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 300).replace(/[@`]/g, "") ?? "";
  return status ? `${status}: ${message}` : message;
}

function describeScan(outcome: ScanOutcome): string {
  if ("error" in outcome) return `The scan failed: ${outcome.error.split("\n")[0]?.slice(0, 300)}`;
  if ("skipped" in outcome) return `The scan was skipped: ${outcome.skipped}.`;
  return `Scan done: ${outcome.open} open drift item(s), ${outcome.accepted} accepted, ${outcome.newItems.length} new; the report was ${outcome.report}.`;
}

/**
 * `/pipeline-guard …` commands in issue and PR comments (SPEC section 8). A comment without a
 * command, a bot's comment, and an edit of an old comment (only `created` reaches here) cost no
 * call. The command is acknowledged with a reaction; whoever is not allowed is told so.
 */
export async function handleIssueComment(app: Pick<Probot, "auth" | "log">, context: CommentContext, appLogin: AppLogin): Promise<void> {
  const { comment, issue, sender, repository } = context.payload;
  if (sender.type === "Bot") return;
  const parsed = parseCommand(comment.body);
  if (!parsed) return;
  const gw = gatewayFor(context);
  const loaded = await readConfig(context);
  const authorization = await checkAllowed(gw, sender.login, loaded.config.commands.allowed);
  if (!authorization.allowed) {
    await reactToComment(gw, comment.id, "confused");
    await createComment(gw, issue.number, `${quietLogin(sender.login)} may not run Pipeline Guard commands here: ${authorization.reason.replace(/@/g, "")}. See \`commands.allowed\`.`);
    return;
  }
  if (!parsed.ok) {
    await reactToComment(gw, comment.id, "confused");
    await createComment(gw, issue.number, `${parsed.error}\n\n${COMMAND_HELP}`);
    return;
  }
  await reactToComment(gw, comment.id, "+1");
  let reply: string | null;
  try {
    reply = await runCommand(parsed.command, { app, context, gw, loaded, appLogin, defaultBranch: repository.default_branch });
  } catch (error) {
    // The 👍 is already there: without a reply, a failed command would look done.
    await createComment(gw, issue.number, `\`/pipeline-guard ${parsed.command.name}\` failed (${errorText(error)}). Try again, or see the app's logs.`);
    throw error;
  }
  if (reply) await createComment(gw, issue.number, reply);
}

async function runCommand(
  command: Command,
  ctx: { app: Pick<Probot, "auth" | "log">; context: CommentContext; gw: Gateway; loaded: LoadedConfig; appLogin: AppLogin; defaultBranch: string },
): Promise<string | null> {
  const { context, gw, loaded } = ctx;
  const { issue, repository, installation, sender } = context.payload;
  const target = {
    installationId: installation?.id ?? 0,
    owner: gw.owner,
    repo: gw.repo,
    defaultBranch: ctx.defaultBranch,
    archived: repository.archived === true,
    canReadRuleSuites: false,
  };
  switch (command.name) {
    case "help":
      return COMMAND_HELP;
    case "recheck": {
      if (!issue.pull_request) return "`recheck` works on pull requests: comment it on the pull request to evaluate.";
      const { data } = await gw.octokit.rest.pulls.get({ owner: gw.owner, repo: gw.repo, pull_number: issue.number });
      const pr = pullRequestFacts(data);
      if (!isProductionBranch({ branch: pr.baseRef, defaultBranch: ctx.defaultBranch, production: loaded.config.production })) {
        return `This pull request goes into \`${pr.baseRef.replace(/`/g, "'")}\`, which is not a production branch: Pipeline Guard does not check it.`;
      }
      await reevaluatePullRequest(gw, context, { pr, defaultBranch: ctx.defaultBranch, loaded });
      return null; // the new check run is the answer
    }
    case "rescan":
      return describeScan(await scanInstalledRepository(ctx.app, target, { appLogin: await ctx.appLogin() }));
    case "replace": {
      const workflow = loaded.config.commands.apply_workflow;
      if (!workflow) return "No `commands.apply_workflow` is configured: set it to the workflow that runs `terraform apply -replace`, so that rebuilds go through the pipeline.";
      const branch = loaded.config.production.branches.find((b) => !picomatch.scan(b).isGlob) ?? ctx.defaultBranch;
      // Not dispatchWorkflow: its fallback (dispatched again without inputs when the workflow
      // refuses them) would run a full apply where one resource's replacement was asked.
      try {
        await write(gw, "dispatch workflow", { workflow, ref: branch, inputs: { replace: command.address } }, () =>
          gw.octokit.rest.actions.createWorkflowDispatch({ owner: gw.owner, repo: gw.repo, workflow_id: workflow, ref: branch, inputs: { replace: command.address } }), undefined);
      } catch (error) {
        const status = statusOf(error);
        if (status !== 404 && status !== 422) throw error;
        return `\`${workflow}\` could not be dispatched on \`${branch}\` (${errorText(error)}). \`commands.apply_workflow\` must name a workflow of this repository with a \`workflow_dispatch\` trigger that declares a \`replace\` input. Nothing was run.`;
      }
      const runs = `${repository.html_url}/actions/workflows/${encodeURIComponent(workflow)}`;
      return `Dispatched \`${workflow}\` on \`${branch}\` to replace \`${command.address}\`: follow the run at ${runs}.`;
    }
    case "accept": {
      if (!loaded.config.drift.enabled) return "Drift reporting is off (`drift.enabled: false`): there is no report to record the acceptance in.";
      if (command.until && acceptanceExpired({ until: command.until }, new Date())) {
        return `${command.until} is already past: an acceptance must end today or later.`;
      }
      const report = await findIssueByKey(gw, { label: APP_LABELS.drift.name, kind: "drift", key: "drift" });
      const { state } = readDriftState(report?.body);
      const known = Object.keys(state.items);
      if (!known.includes(command.id)) {
        const list = known.length > 0 ? known.map((id) => `- \`${id.replace(/`/g, "'")}\``).join("\n") : "_There are no drift items._";
        return `There is no drift item \`${command.id.replace(/`/g, "'")}\`. The items of the report are:\n${list}`;
      }
      const acceptance = { by: sender.login, reason: command.reason, until: command.until, at: new Date().toISOString() };
      const outcome = await scanInstalledRepository(ctx.app, target, { appLogin: await ctx.appLogin(), accept: { id: command.id, acceptance } });
      if ("error" in outcome || "skipped" in outcome) return `The acceptance could not be recorded. ${describeScan(outcome)} Try again in a moment.`;
      return `Accepted \`${command.id.replace(/`/g, "'")}\`${command.until ? ` until ${command.until}` : ""}: it is listed apart in the report. ${describeScan(outcome)}`;
    }
  }
}
