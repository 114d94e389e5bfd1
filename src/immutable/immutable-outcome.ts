import { statusOf } from "../github/gateway.js";
import type { ImmutableJudgement } from "./judge-immutable-plan.js";

/** The check run's name (SPEC section 11). */
export const IMMUTABLE_CHECK_NAME = "Pipeline Guard: immutable infrastructure";

/** Why the plan of a PR's run was not judged: each is a failure in enforce mode, neutral in report mode. */
export type NotJudged =
  | { kind: "run-failed"; conclusion: string }
  | { kind: "no-artifact" }
  | { kind: "no-file" }
  | { kind: "too-large"; what: "artifact" | "file"; bytes: number; limit: number }
  | { kind: "unreadable-artifact"; error: string }
  | { kind: "unreadable-plan"; error: string }
  /** The PR changes the workflow (or a workflow it calls) whose artifact would be judged. */
  | { kind: "workflow-changed"; path: string }
  /** The PR changes more files than one call lists, none of the listed being the workflow. */
  | { kind: "files-unknown"; changedFiles: number; listed: number }
  /** The run comes from a fork: its author controls the workflow and what it uploads. */
  | { kind: "fork"; headRepo: string | null }
  /** Re-run found no completed run of the plan workflow for the PR on this commit that it may read. */
  | { kind: "no-run"; workflow: string }
  /** An error of GitHub's while reading (a 5xx, a 403): nothing was checked. */
  | { kind: "error"; message: string };

export type ImmutableOutcome = { kind: "judged"; judgement: ImmutableJudgement } | { kind: "not-judged"; why: NotJudged };

/** GitHub's error while a plan or its PR was read, as the check says it: the status, never a message that could carry a URL. */
export function readError(error: unknown): Extract<NotJudged, { kind: "error" }> {
  const status = statusOf(error);
  return { kind: "error", message: status === undefined ? "no answer" : `HTTP ${status}` };
}
