import type { Context } from "probot";
import { configChanged, sharedCachedConfig } from "../config/config-cache.js";
import { CONFIG_FILE, type LoadedConfig } from "../config/load-config.js";
import { readConfig } from "../config/read-config.js";
import { pushedCommits } from "../github/commits.js";
import { gatewayFor } from "../github/gateway.js";
import { mergedPullRequestOf } from "../github/pull-requests.js";
import { branchOfRef, isProductionBranch } from "../config/is-production-branch.js";
import { isExemptActor, reportBypass } from "../bypasses/report-bypass.js";
import { judgeDirectPush } from "../overrides/direct-push.js";

type PushContext = Context<"push">;

const ZERO_SHA = /^0+$/;
const CONFIG_FILE_PATH = `.github/${CONFIG_FILE}`;

function touchesConfig(commits: PushContext["payload"]["commits"]): boolean {
  return commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(CONFIG_FILE_PATH));
}

/** The configuration without a call where this replica already knows its newest version; a push elsewhere then costs nothing. */
async function configFor(context: PushContext, branch: string): Promise<LoadedConfig | null> {
  const { owner, repo } = context.repo();
  const defaultBranch = context.payload.repository.default_branch;
  if (branch === defaultBranch && touchesConfig(context.payload.commits)) await configChanged(owner, repo);
  const known = await sharedCachedConfig(owner, repo);
  if (known && !isProductionBranch({ branch, defaultBranch, production: known.config.production })) return null;
  const loaded = known ?? (await readConfig(context));
  return isProductionBranch({ branch, defaultBranch, production: loaded.config.production }) ? loaded : null;
}

/**
 * When the change reached the branch: the repository's `pushed_at` (epoch seconds in a push
 * payload). Not the head commit's timestamp, which is when it was written: a commit written days
 * before its push would otherwise get a follow-up that is overdue the moment it is opened.
 */
function pushTime(payload: PushContext["payload"]): Date {
  const pushedAt: unknown = payload.repository.pushed_at;
  const at = typeof pushedAt === "number" ? new Date(pushedAt * 1000) : typeof pushedAt === "string" ? new Date(pushedAt) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/** `push` to a production branch (SPEC section 4). */
export async function handlePush(context: PushContext, appLogin: () => Promise<string | undefined>): Promise<void> {
  const { payload } = context;
  const branch = branchOfRef(payload.ref);
  if (!branch) return; // tags and other refs: no call
  const loaded = await configFor(context, branch);
  if (!loaded) return;
  const { config } = loaded;
  const actor = payload.sender?.login ?? payload.pusher.name;
  const self = payload.sender?.type === "Bot" ? await appLogin() : undefined;
  if (isExemptActor(actor, config, self)) return;
  const gw = gatewayFor(context, appLogin);
  const at = pushTime(payload);

  if (payload.deleted) {
    await reportBypass(gw, { kind: "branch deleted", branch, sha: payload.before, actor, at, before: payload.before, after: payload.after, details: [] }, config.bypass.force_push, config.mode, config);
    return;
  }
  // The force push's record has the after SHA's key: a direct push report of the same commit would only repeat it.
  const forceReported = payload.forced && !ZERO_SHA.test(payload.before) && config.bypass.force_push !== "off";
  if (forceReported) {
    await reportBypass(
      gw,
      {
        kind: "force push",
        branch,
        sha: payload.after,
        actor,
        at,
        before: payload.before,
        after: payload.after,
        details: ["History was rewritten: commits reachable from the before SHA may be gone from the branch."],
        commits: payload.commits.map((c) => ({ sha: c.id, message: c.message })),
      },
      config.bypass.force_push,
      config.mode,
      config,
    );
  }
  if (payload.commits.length === 0) return; // a new branch pointing at existing commits brings nothing new
  // A PR's merge is the PR's business: its `closed` event makes the one follow-up (key pr=N).
  // Asked before reading commits past the payload, so that the merge of a huge PR costs no compare call.
  if (await mergedPullRequestOf(gw, payload.after, branch)) return;
  const commits = await pushedCommits(gw, { before: payload.before, after: payload.after, commits: payload.commits });
  await judgeDirectPush(gw, { loaded, branch, actor, at, commits, headSha: payload.after, bypassReported: forceReported });
}
