import type { Context, Probot } from "probot";
import { COMMAND_HELP, parseCommand } from "../commands/parse-command.js";
import { errorText, runCommand } from "../commands/run-command.js";
import { readConfig } from "../config/read-config.js";
import { formatConfigError } from "../config/validate-config.js";
import { gatewayFor } from "../github/gateway.js";
import { createComment, summarizeIssue, type RawIssue } from "../github/issues.js";
import { checkAllowed } from "../github/permissions.js";
import { reactToComment } from "../github/reactions.js";
import { quietLogin } from "../markdown/escape-markdown.js";

type CommentContext = Context<"issue_comment.created">;
type AppLogin = () => Promise<string | undefined>;

/**
 * `/pipeline-guard …` commands in issue and PR comments (SPEC section 8). A comment without a
 * command, a bot's comment, and an edit of an old comment (only `created` reaches here) cost no
 * call. The command is acknowledged with a reaction; whoever is not allowed is told so.
 */
export async function handleIssueComment(app: Pick<Probot, "auth" | "log">, context: CommentContext, appLogin: AppLogin): Promise<void> {
  const { comment, issue, sender, repository, installation } = context.payload;
  if (sender.type === "Bot") return;
  const parsed = parseCommand(comment.body);
  if (!parsed) return;
  const gw = gatewayFor(context, appLogin);
  const loaded = await readConfig(context);
  const authorization = await checkAllowed(gw, sender.login, loaded.config.commands.allowed);
  if (!authorization.allowed) {
    // An invalid `commands.allowed` fell back to admins only (SPEC section 10, rule 11): say so, or the refusal reads as a mystery.
    const invalid = loaded.errors.find((e) => e.fallback === "strictest" && e.path === "commands.allowed");
    const why = invalid ? ` (${formatConfigError(invalid)})` : "";
    await reactToComment(gw, comment.id, "confused");
    await createComment(gw, issue.number, `${quietLogin(sender.login)} may not run Pipeline Guard commands here: ${authorization.reason.replace(/@/g, "")}. See \`commands.allowed\`${why}.`);
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
    reply = await runCommand(parsed.command, {
      app,
      context,
      gw,
      loaded,
      appLogin,
      target: {
        installationId: installation?.id ?? 0,
        owner: gw.owner,
        repo: gw.repo,
        defaultBranch: repository.default_branch,
        archived: repository.archived === true,
        canReadRuleSuites: false,
      },
      issue: { number: issue.number, isPullRequest: Boolean(issue.pull_request), summary: summarizeIssue(issue as unknown as RawIssue) },
      sender: sender.login,
      repositoryUrl: repository.html_url,
    });
  } catch (error) {
    // The 👍 is already there: without a reply, a failed command would look done.
    await createComment(gw, issue.number, `\`/pipeline-guard ${parsed.command.name}\` failed (${errorText(error)}). Try again, or see the app's logs.`);
    throw error;
  }
  if (reply) await createComment(gw, issue.number, reply);
}
