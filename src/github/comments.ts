import { type Gateway, write } from "./gateway.js";
import { withKeyLock } from "../infrastructure/key-lock.js";

export interface KeptComment {
  id: number;
  body: string;
}

/** The app's comment carrying `marker` on an issue or PR (a bot's only: a person cannot plant one). */
export async function findComment(gw: Gateway, issueNumber: number, marker: string): Promise<KeptComment | null> {
  let found: KeptComment | null = null;
  await gw.octokit.paginate(
    gw.octokit.rest.issues.listComments,
    { owner: gw.owner, repo: gw.repo, issue_number: issueNumber, per_page: 100 },
    (response, done) => {
      for (const comment of response.data) {
        if (comment.user?.type === "Bot" && (comment.body ?? "").includes(marker)) {
          found = { id: comment.id, body: comment.body ?? "" };
          done();
          break;
        }
      }
      return [];
    },
  );
  return found;
}

/**
 * One comment per issue or PR, updated in place. `render` gets the current body (null when
 * there is none) and returns the new one, or null to leave things as they are. An unchanged
 * body costs no write.
 */
export async function upsertComment(
  gw: Gateway,
  params: { issueNumber: number; marker: string; render: (current: string | null) => string | null },
): Promise<void> {
  await withKeyLock(`${gw.owner}/${gw.repo}:comment:${params.issueNumber}:${params.marker}`, async () => {
    const existing = await findComment(gw, params.issueNumber, params.marker);
    const body = params.render(existing?.body ?? null);
    if (body === null || body === existing?.body) return;
    if (existing) {
      await write(gw, "update comment", { issue: params.issueNumber, comment: existing.id }, () => gw.octokit.rest.issues.updateComment({ owner: gw.owner, repo: gw.repo, comment_id: existing.id, body }), undefined);
    } else {
      await write(gw, "comment", { issue: params.issueNumber }, () => gw.octokit.rest.issues.createComment({ owner: gw.owner, repo: gw.repo, issue_number: params.issueNumber, body }), undefined);
    }
  });
}
