import type { Context } from "probot";
import type { ScanMemory } from "../infrastructure/scan-memory.js";

type MarkingEvent = "push" | "branch_protection_rule" | "repository_ruleset" | "workflow_run" | "issues";

/**
 * Webhooks the app already receives tell the scan memory that a repository changed, so that its
 * next scheduled scan reads it in full instead of trusting its fingerprint: a push (a new
 * production branch matching a glob, history that needs records), protection and rulesets, a
 * workflow run (a new Terraform plan), and an event on an issue a bot opened (the app's records:
 * an edit, a close, a label removed). No API call: the payload says all this needs.
 */
export async function markRepositoryChanged(context: Context<MarkingEvent>, params: { memory: ScanMemory; now?: Date }): Promise<boolean> {
  const payload = context.payload as unknown as { repository?: { full_name?: string }; issue?: { user?: { type?: string; login?: string } } };
  const repository = payload.repository?.full_name;
  if (!repository) return false;
  // Issues of people are not the app's records: they change nothing the scan reads.
  if (context.name === "issues" && payload.issue?.user?.type !== "Bot") return false;
  await params.memory.markDirty(repository, params.now ?? new Date());
  return true;
}
