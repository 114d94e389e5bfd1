import { type Gateway, write } from "./gateway.js";

/** Acknowledges a command comment, so its author sees at once that it was taken. */
export async function reactToComment(gw: Gateway, commentId: number, content: "+1" | "eyes" | "confused"): Promise<void> {
  await write(gw, "react", { comment: commentId, content }, () => gw.octokit.rest.reactions.createForIssueComment({ owner: gw.owner, repo: gw.repo, comment_id: commentId, content }), undefined);
}
