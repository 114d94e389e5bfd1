import { z } from "zod";
import { quietLogin } from "../markdown/escape-markdown.js";
import { formatUtcMinute } from "../markdown/format-time.js";
import { hiddenKey, readStateBlock, stateBlock } from "../markdown/hidden-block.js";

/** The hidden key of the one comment the app keeps on a PR. */
export const PULL_REQUEST_COMMENT_KEY = hiddenKey("comment", "pull-request");

const labelRemoval = z.object({ label: z.string(), by: z.string(), at: z.string() });
const commentState = z.object({
  kind: z.literal("pr-comment"),
  followUp: z.number().int().positive().optional(),
  labelRemovals: z.array(labelRemoval).default([]),
});
export type PullRequestCommentState = z.infer<typeof commentState>;

/** Kept short: a label war must not grow the comment without bound. */
const MAX_LABEL_REMOVALS_KEPT = 20;

/** The state of an existing comment; a damaged or missing block starts afresh. */
export function readPullRequestCommentState(body: string | null): PullRequestCommentState {
  const parsed = commentState.safeParse(readStateBlock(body));
  return parsed.success ? parsed.data : { kind: "pr-comment", labelRemovals: [] };
}

export function withLabelRemoval(state: PullRequestCommentState, removal: z.infer<typeof labelRemoval>): PullRequestCommentState {
  return { ...state, labelRemovals: [...state.labelRemovals, removal].slice(-MAX_LABEL_REMOVALS_KEPT) };
}

export function renderPullRequestComment(params: { title: string; summary: string; state: PullRequestCommentState }): string {
  const { title, summary, state } = params;
  const parts = [PULL_REQUEST_COMMENT_KEY, `### Pipeline Guard: ${title}`, summary];
  if (state.followUp) parts.push(`**Follow-up issue:** #${state.followUp}`);
  if (state.labelRemovals.length > 0) {
    parts.push(
      [
        "**Labels put back:**",
        ...state.labelRemovals.map((r) => `- \`${r.label}\` was removed by ${quietLogin(r.by)} at ${formatUtcMinute(r.at)} and put back: the marker is still there`),
      ].join("\n"),
    );
  }
  // Written in the schema's key order, as a read-back state is: the same state is the same text,
  // so that re-rendering an unchanged comment costs no write.
  parts.push(stateBlock(commentState.parse(state)));
  return parts.join("\n\n");
}
