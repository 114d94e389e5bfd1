/**
 * The REST endpoints of the fake GitHub: exactly those Pipeline Guard calls (grep
 * `octokit.rest.` and `octokit.paginate` in src/), plus the config read and app authentication
 * that Probot makes. Templates are GitHub's, under GHES's `/api/v3`. Each answers from and
 * changes the state as GitHub would, with its status codes and errors.
 */
import type { IncomingHttpHeaders } from "node:http";
import { error, noContent, notFound, ok, paginate, validationFailed, type FakeResponse } from "./fake-responses.js";
import type { GitHubShapes } from "./fake-shapes.js";
import type { FakeInstallation, FakeIssue, FakeRepository, GitHubState, Permission } from "./fake-state.js";

export interface RouteContext {
  state: GitHubState;
  shapes: GitHubShapes;
  method: string;
  url: URL;
  params: Record<string, string>;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The installation whose token made the call (installation routes). */
  installation: FakeInstallation | null;
  /** The repository of a `/repos/{owner}/{repo}/…` route, once access is checked. */
  repo: FakeRepository;
}

/** `app`: a JWT of the app; `installation`: an installation token; `none`: anyone (artifact blobs). */
export type RouteAuth = "app" | "installation" | "none";

export interface Route {
  method: string;
  template: string;
  auth: RouteAuth;
  handle: (ctx: RouteContext) => FakeResponse;
}

const PERMISSION_ORDER: readonly Permission[] = ["read", "triage", "write", "maintain", "admin"];
/** `GET …/collaborators/{u}/permission` answers the base permission too: triage reads as read, maintain as write. */
const BASE_PERMISSION: Record<Permission, string> = { read: "read", triage: "read", write: "write", maintain: "write", admin: "admin" };

function issueOf(ctx: RouteContext): FakeIssue | undefined {
  return ctx.repo.issues.find((i) => i.number === Number(ctx.params.issue_number ?? ctx.params.pull_number));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function touch(ctx: RouteContext, issue: FakeIssue): void {
  issue.updatedAt = ctx.state.now();
}

/** A raw file (`Accept: application/vnd.github.raw`), or GitHub's JSON description of it. */
function getContents(ctx: RouteContext): FakeResponse {
  const path = ctx.params.path ?? "";
  const content = ctx.repo.files.get(path);
  if (content === undefined) return notFound("/repos/contents#get-repository-content");
  const accept = String(ctx.headers.accept ?? "");
  if (/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, raw: content, headers: { "content-type": "text/plain; charset=utf-8" } };
  return ok({
    type: "file",
    encoding: "base64",
    size: Buffer.byteLength(content),
    name: path.split("/").pop(),
    path,
    content: Buffer.from(content).toString("base64"),
    sha: Buffer.from(content).toString("hex").slice(0, 40).padEnd(40, "0"),
    url: `${ctx.shapes.api}/repos/${ctx.repo.fullName}/contents/${encodeURIComponent(path)}`,
  });
}

function compare(ctx: RouteContext): FakeResponse {
  const [baseRef = "", headRef = ""] = (ctx.params.basehead ?? "").split("...");
  const base = ctx.state.resolveRef(ctx.repo, baseRef);
  const head = ctx.state.resolveRef(ctx.repo, headRef);
  if (!base || !head) return notFound("/commits/commits#compare-two-commits");
  const fromBase = ctx.state.ancestors(ctx.repo, base);
  const fromHead = ctx.state.ancestors(ctx.repo, head);
  const ahead = ctx.state.history(ctx.repo, head).filter((c) => !fromBase.has(c.sha)).reverse();
  const behind = [...fromBase].filter((sha) => !fromHead.has(sha)).length;
  const status = base === head ? "identical" : ahead.length === 0 ? "behind" : behind === 0 ? "ahead" : "diverged";
  const baseCommit = ctx.repo.commits.get(base)!;
  return paginate(ctx.url, ahead, (page) => ({
    url: `${ctx.shapes.api}/repos/${ctx.repo.fullName}/compare/${ctx.params.basehead}`,
    html_url: `${ctx.shapes.origin}/${ctx.repo.fullName}/compare/${ctx.params.basehead}`,
    base_commit: ctx.shapes.commit(ctx.repo, baseCommit),
    merge_base_commit: ctx.shapes.commit(ctx.repo, baseCommit),
    status,
    ahead_by: ahead.length,
    behind_by: behind,
    total_commits: ahead.length,
    commits: page.map((c) => ctx.shapes.commit(ctx.repo, c)),
    files: [],
  }));
}

function listIssues(ctx: RouteContext): FakeResponse {
  const q = ctx.url.searchParams;
  const state = q.get("state") ?? "open";
  const labels = (q.get("labels") ?? "")
    .split(",")
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const since = q.get("since");
  const creator = q.get("creator")?.toLowerCase();
  const sort = q.get("sort") ?? "created";
  const direction = q.get("direction") ?? "desc";
  const key = (i: FakeIssue) => (sort === "updated" ? i.updatedAt : i.createdAt) + String(i.number).padStart(8, "0");
  const issues = ctx.repo.issues
    .filter((i) => state === "all" || i.state === state)
    .filter((i) => labels.every((wanted) => i.labels.some((l) => l.toLowerCase() === wanted)))
    .filter((i) => !creator || i.user.login.toLowerCase() === creator)
    .filter((i) => !since || i.updatedAt >= since)
    .sort((a, b) => (key(a) < key(b) ? -1 : 1) * (direction === "asc" ? 1 : -1));
  return paginate(ctx.url, issues.map((i) => ctx.shapes.issue(ctx.repo, i)));
}

function createIssue(ctx: RouteContext): FakeResponse {
  const { title, body } = ctx.body;
  if (typeof title !== "string" || title.trim() === "") return validationFailed([{ resource: "Issue", code: "missing_field", field: "title" }], "/issues/issues#create-an-issue");
  const assignees = strings(ctx.body.assignees);
  const refused = assignees.filter((login) => !ctx.repo.collaborators.has(login.toLowerCase()) && login.toLowerCase() !== ctx.repo.owner.login.toLowerCase());
  if (refused.length > 0) {
    return validationFailed(
      refused.map((value) => ({ value, resource: "Issue", field: "assignees", code: "invalid" })),
      "/issues/issues#create-an-issue",
    );
  }
  const issue = ctx.state.createIssue(ctx.repo, { title, body: typeof body === "string" ? body : null, user: ctx.state.botUser, labels: strings(ctx.body.labels), assignees });
  return ok(ctx.shapes.issue(ctx.repo, issue), 201);
}

function updateIssue(ctx: RouteContext): FakeResponse {
  const issue = issueOf(ctx);
  if (!issue) return notFound("/issues/issues#update-an-issue");
  const { title, body, state, state_reason: stateReason } = ctx.body;
  if (typeof title === "string") issue.title = title;
  if (typeof body === "string" || body === null) issue.body = body;
  if (state === "closed" && issue.state !== "closed") {
    issue.state = "closed";
    issue.closedAt = ctx.state.now();
    issue.stateReason = stateReason === "not_planned" ? "not_planned" : "completed";
  } else if (state === "open" && issue.state !== "open") {
    issue.state = "open";
    issue.closedAt = null;
    issue.stateReason = "reopened";
  } else if (typeof stateReason === "string" && issue.state === "closed") {
    issue.stateReason = stateReason as FakeIssue["stateReason"];
  }
  if (Array.isArray(ctx.body.labels)) issue.labels = strings(ctx.body.labels).map((name) => ctx.state.ensureLabel(ctx.repo, name).name);
  if (Array.isArray(ctx.body.assignees)) issue.assignees = strings(ctx.body.assignees);
  touch(ctx, issue);
  return ok(ctx.shapes.issue(ctx.repo, issue));
}

function createLabel(ctx: RouteContext): FakeResponse {
  const { name, color, description } = ctx.body;
  if (typeof name !== "string" || name === "") return validationFailed([{ resource: "Label", code: "missing_field", field: "name" }], "/issues/labels#create-a-label");
  if (ctx.state.findLabel(ctx.repo, name)) return validationFailed([{ resource: "Label", code: "already_exists", field: "name" }], "/issues/labels#create-a-label");
  if (typeof color === "string" && !/^[0-9a-fA-F]{6}$/.test(color)) return validationFailed([{ resource: "Label", code: "invalid", field: "color" }], "/issues/labels#create-a-label");
  const label = { id: ctx.state.nextId(), name, color: typeof color === "string" ? color.toLowerCase() : "ededed", description: typeof description === "string" ? description : null, default: false };
  ctx.repo.labels.push(label);
  return ok(ctx.shapes.label(ctx.repo, label), 201);
}

function addLabels(ctx: RouteContext): FakeResponse {
  const issue = issueOf(ctx);
  if (!issue) return notFound("/issues/labels#add-labels-to-an-issue");
  const names = Array.isArray(ctx.body.labels) ? strings(ctx.body.labels) : strings(ctx.body);
  if (names.length === 0) return validationFailed([{ resource: "Label", code: "missing_field", field: "labels" }], "/issues/labels#add-labels-to-an-issue");
  for (const name of names) {
    const label = ctx.state.ensureLabel(ctx.repo, name);
    if (!issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
  }
  touch(ctx, issue);
  return ok(issue.labels.map((name) => ctx.shapes.label(ctx.repo, ctx.state.ensureLabel(ctx.repo, name))));
}

function removeLabel(ctx: RouteContext): FakeResponse {
  const issue = issueOf(ctx);
  const name = (ctx.params.name ?? "").toLowerCase();
  if (!issue || !issue.labels.some((l) => l.toLowerCase() === name)) return error(404, "Label does not exist", "/issues/labels#remove-a-label-from-an-issue");
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  touch(ctx, issue);
  return ok(issue.labels.map((l) => ctx.shapes.label(ctx.repo, ctx.state.ensureLabel(ctx.repo, l))));
}

function createComment(ctx: RouteContext): FakeResponse {
  const issue = issueOf(ctx);
  if (!issue) return notFound("/issues/comments#create-an-issue-comment");
  if (typeof ctx.body.body !== "string" || ctx.body.body === "") return validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], "/issues/comments#create-an-issue-comment");
  const at = ctx.state.now();
  const comment = { id: ctx.state.nextId(), issueNumber: issue.number, body: ctx.body.body, user: ctx.state.botUser, createdAt: at, updatedAt: at, reactions: [] };
  ctx.repo.comments.push(comment);
  touch(ctx, issue);
  return ok(ctx.shapes.comment(ctx.repo, comment), 201);
}

function updateComment(ctx: RouteContext): FakeResponse {
  const comment = ctx.repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
  if (!comment) return notFound("/issues/comments#update-an-issue-comment");
  if (typeof ctx.body.body !== "string") return validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], "/issues/comments#update-an-issue-comment");
  comment.body = ctx.body.body;
  comment.updatedAt = ctx.state.now();
  return ok(ctx.shapes.comment(ctx.repo, comment));
}

function createCheckRun(ctx: RouteContext): FakeResponse {
  const { name, head_sha: headSha, status = "queued", conclusion, output } = ctx.body as Record<string, unknown>;
  const doc = "/checks/runs#create-a-check-run";
  if (typeof name !== "string" || name === "") return validationFailed([{ resource: "CheckRun", code: "missing_field", field: "name" }], doc);
  if (typeof headSha !== "string" || !ctx.repo.commits.has(headSha)) return validationFailed([], doc, `No commit found for SHA: ${String(headSha)}`);
  if (status === "completed" && typeof conclusion !== "string") return validationFailed([{ resource: "CheckRun", code: "missing_field", field: "conclusion" }], doc);
  const out = (typeof output === "object" && output !== null ? output : {}) as Record<string, unknown>;
  const at = ctx.state.now();
  const run = {
    id: ctx.state.nextId(),
    headSha,
    name,
    status: status as "queued" | "in_progress" | "completed",
    conclusion: typeof conclusion === "string" ? conclusion : null,
    output: {
      title: typeof out.title === "string" ? out.title : null,
      summary: typeof out.summary === "string" ? out.summary : null,
      text: typeof out.text === "string" ? out.text : null,
    },
    app: { id: ctx.state.app.id, slug: ctx.state.app.slug, name: ctx.state.app.name },
    startedAt: at,
    completedAt: status === "completed" ? at : null,
  };
  ctx.repo.checkRuns.push(run);
  return ok(ctx.shapes.checkRun(ctx.repo, run), 201);
}

function listCheckRunsForRef(ctx: RouteContext): FakeResponse {
  const sha = ctx.state.resolveRef(ctx.repo, ctx.params.ref ?? "");
  if (!sha) return validationFailed([], "/checks/runs#list-check-runs-for-a-git-reference", `No commit found for SHA: ${ctx.params.ref}`);
  const name = ctx.url.searchParams.get("check_name");
  let runs = ctx.repo.checkRuns.filter((r) => r.headSha === sha && (!name || r.name === name)).reverse();
  if ((ctx.url.searchParams.get("filter") ?? "latest") === "latest") runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name && o.app.id === r.app.id) === i);
  return paginate(ctx.url, runs, (page, total) => ({ total_count: total, check_runs: page.map((r) => ctx.shapes.checkRun(ctx.repo, r)) }));
}

function pullsForCommit(ctx: RouteContext): FakeResponse {
  const sha = ctx.state.resolveRef(ctx.repo, ctx.params.commit_sha ?? "");
  if (!sha) return validationFailed([], "/commits/commits#list-pull-requests-associated-with-a-commit", `No commit found for SHA: ${ctx.params.commit_sha}`);
  const pulls = [...ctx.repo.pulls.values()].filter((p) => p.mergeCommitSha === sha || p.commits.includes(sha));
  return paginate(ctx.url, pulls.map((p) => ctx.shapes.pull(ctx.repo, p)));
}

function collaboratorPermission(ctx: RouteContext): FakeResponse {
  const login = ctx.params.username ?? "";
  const known = ctx.state.users.get(login.toLowerCase());
  if (!known) return error(404, `${login} is not a user`, "/collaborators/collaborators#get-repository-permissions-for-a-user");
  const role = ctx.repo.collaborators.get(login.toLowerCase());
  return ok({
    permission: role ? BASE_PERMISSION[role] : "none",
    role_name: role ?? "none",
    user: { ...ctx.shapes.user(known), permissions: Object.fromEntries(PERMISSION_ORDER.map((p) => [p === "write" ? "push" : p === "read" ? "pull" : p, role ? PERMISSION_ORDER.indexOf(role) >= PERMISSION_ORDER.indexOf(p) : false])) },
  });
}

function listWorkflowRuns(ctx: RouteContext): FakeResponse {
  const id = ctx.params.workflow_id ?? "";
  const workflow = ctx.repo.workflows.find((w) => String(w.id) === id || w.path.endsWith(`/${id}`));
  if (!workflow) return notFound("/actions/workflow-runs#list-workflow-runs-for-a-workflow");
  const q = ctx.url.searchParams;
  const status = q.get("status");
  const runs = ctx.repo.runs
    .filter((r) => r.workflowId === workflow.id)
    .filter((r) => !q.get("branch") || r.headBranch === q.get("branch"))
    .filter((r) => !status || r.status === status || r.conclusion === status)
    .sort((a, b) => b.id - a.id);
  return paginate(ctx.url, runs, (page, total) => ({ total_count: total, workflow_runs: page.map((r) => ctx.shapes.workflowRun(ctx.repo, r)) }));
}

function dispatchWorkflow(ctx: RouteContext): FakeResponse {
  const id = ctx.params.workflow_id ?? "";
  const workflow = ctx.repo.workflows.find((w) => String(w.id) === id || w.path.endsWith(`/${id}`));
  if (!workflow) return notFound("/actions/workflows#create-a-workflow-dispatch-event");
  const ref = typeof ctx.body.ref === "string" ? ctx.body.ref : "";
  if (!ctx.state.resolveRef(ctx.repo, ref)) return validationFailed([], "/actions/workflows#create-a-workflow-dispatch-event", `No ref found for: ${ref}`);
  const inputs = (typeof ctx.body.inputs === "object" && ctx.body.inputs !== null ? ctx.body.inputs : {}) as Record<string, string>;
  const unexpected = Object.keys(inputs).filter((name) => !workflow.inputs.includes(name));
  if (unexpected.length > 0) return validationFailed([], "/actions/workflows#create-a-workflow-dispatch-event", `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  ctx.repo.dispatches.push({ workflow: workflow.path.split("/").pop()!, ref, inputs });
  return noContent();
}

function downloadArtifact(ctx: RouteContext): FakeResponse {
  const artifact = ctx.repo.artifacts.find((a) => a.id === Number(ctx.params.artifact_id));
  if (!artifact) return notFound("/actions/artifacts#download-an-artifact");
  if (artifact.expired) return error(410, "Artifact has expired", "/actions/artifacts#download-an-artifact");
  // GitHub answers with a short-lived link to blob storage, which carries no token.
  return { status: 302, headers: { location: `${ctx.shapes.origin}/_blobs/${ctx.repo.fullName}/artifacts/${artifact.id}.zip?sig=${artifact.id.toString(36)}` } };
}

function artifactBlob(ctx: RouteContext): FakeResponse {
  const repo = ctx.state.repository(`${ctx.params.owner}/${ctx.params.repo}`);
  const artifact = repo?.artifacts.find((a) => a.id === Number(ctx.params.artifact_id));
  if (!artifact || ctx.url.searchParams.get("sig") !== artifact.id.toString(36)) return { status: 403, raw: "AuthenticationFailed", headers: { "content-type": "application/xml" } };
  return { status: 200, raw: artifact.zip, headers: { "content-type": "application/zip" } };
}

function appRoutes(): Route[] {
  return [
    { method: "GET", template: "/app", auth: "app", handle: (ctx) => ok(ctx.shapes.app()) },
    {
      method: "GET",
      template: "/app/installations",
      auth: "app",
      handle: (ctx) => paginate(ctx.url, ctx.state.installations.map((i) => ctx.shapes.installation(i))),
    },
    {
      method: "POST",
      template: "/app/installations/{installation_id}/access_tokens",
      auth: "app",
      // Answered by the fake's dispatcher, which keeps the tokens it issues.
      handle: () => notFound(),
    },
    {
      method: "GET",
      template: "/installation/repositories",
      auth: "installation",
      handle: (ctx) => {
        const repos = [...(ctx.installation?.repositories ?? [])].flatMap((name) => {
          const repo = ctx.state.repository(name);
          return repo ? [ctx.shapes.repository(repo)] : [];
        });
        return paginate(ctx.url, repos, (page, total) => ({ total_count: total, repository_selection: "selected", repositories: page }));
      },
    },
  ];
}

function repositoryRoutes(): Route[] {
  const r = (method: string, path: string, handle: Route["handle"]): Route => ({ method, template: `/repos/{owner}/{repo}${path}`, auth: "installation", handle });
  return [
    r("GET", "", (ctx) => ok(ctx.shapes.repository(ctx.repo))),
    r("GET", "/contents/{path}", getContents),
    r("GET", "/branches", (ctx) =>
      paginate(
        ctx.url,
        [...ctx.repo.branches].map(([name, sha]) => ({ name, commit: { sha, url: `${ctx.shapes.api}/repos/${ctx.repo.fullName}/commits/${sha}` }, protected: ctx.repo.protection.has(name) })),
      ),
    ),
    r("GET", "/branches/{branch}/protection", (ctx) => {
      const branch = ctx.params.branch ?? "";
      if (!ctx.repo.branches.has(branch)) return error(404, "Branch not found", "/branches/branch-protection#get-branch-protection");
      const spec = ctx.repo.protection.get(branch);
      return spec ? ok(ctx.shapes.protection(ctx.repo, branch, spec)) : error(404, "Branch not protected", "/branches/branch-protection#get-branch-protection");
    }),
    r("GET", "/rules/branches/{branch}", (ctx) => paginate(ctx.url, ctx.repo.rules.get(ctx.params.branch ?? "") ?? [])),
    r("GET", "/rulesets/rule-suites", (ctx) =>
      ctx.installation?.permissions.administration === "write" ? ok([]) : error(403, "Resource not accessible by integration", "/repos/rule-suites#list-repository-rule-suites"),
    ),
    r("GET", "/compare/{basehead}", compare),
    r("GET", "/commits/{commit_sha}/pulls", pullsForCommit),
    r("GET", "/commits/{ref}/check-runs", listCheckRunsForRef),
    r("POST", "/check-runs", createCheckRun),
    r("GET", "/collaborators/{username}/permission", collaboratorPermission),
    r("GET", "/pulls/{pull_number}", (ctx) => {
      const pull = ctx.repo.pulls.get(Number(ctx.params.pull_number));
      return pull ? ok(ctx.shapes.pull(ctx.repo, pull)) : notFound("/pulls/pulls#get-a-pull-request");
    }),
    r("GET", "/pulls/{pull_number}/commits", (ctx) => {
      const pull = ctx.repo.pulls.get(Number(ctx.params.pull_number));
      if (!pull) return notFound("/pulls/pulls#list-commits-on-a-pull-request");
      return paginate(
        ctx.url,
        pull.commits.map((sha) => ctx.shapes.commit(ctx.repo, ctx.repo.commits.get(sha)!)),
      );
    }),
    r("GET", "/issues", listIssues),
    r("POST", "/issues", createIssue),
    r("GET", "/issues/{issue_number}", (ctx) => {
      const issue = issueOf(ctx);
      return issue ? ok(ctx.shapes.issue(ctx.repo, issue)) : notFound("/issues/issues#get-an-issue");
    }),
    r("PATCH", "/issues/{issue_number}", updateIssue),
    r("GET", "/issues/{issue_number}/comments", (ctx) => {
      const issue = issueOf(ctx);
      if (!issue) return notFound("/issues/comments#list-issue-comments");
      return paginate(ctx.url, ctx.repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => ctx.shapes.comment(ctx.repo, c)));
    }),
    r("POST", "/issues/{issue_number}/comments", createComment),
    r("PATCH", "/issues/comments/{comment_id}", updateComment),
    r("POST", "/issues/comments/{comment_id}/reactions", (ctx) => {
      const comment = ctx.repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
      if (!comment) return notFound("/reactions/reactions#create-reaction-for-an-issue-comment");
      comment.reactions.push(String(ctx.body.content));
      return ok({ id: ctx.state.nextId(), content: ctx.body.content, user: ctx.shapes.user(ctx.state.botUser), created_at: ctx.state.now() }, 201);
    }),
    r("POST", "/labels", createLabel),
    r("POST", "/issues/{issue_number}/labels", addLabels),
    r("DELETE", "/issues/{issue_number}/labels/{name}", removeLabel),
    r("GET", "/actions/workflows/{workflow_id}/runs", listWorkflowRuns),
    r("POST", "/actions/workflows/{workflow_id}/dispatches", dispatchWorkflow),
    r("GET", "/actions/runs/{run_id}/artifacts", (ctx) => {
      const name = ctx.url.searchParams.get("name");
      const artifacts = ctx.repo.artifacts.filter((a) => a.runId === Number(ctx.params.run_id) && (!name || a.name === name));
      return paginate(ctx.url, artifacts, (page, total) => ({ total_count: total, artifacts: page.map((a) => ctx.shapes.artifact(ctx.repo, a)) }));
    }),
    r("GET", "/actions/artifacts/{artifact_id}/{archive_format}", downloadArtifact),
    r("POST", "/actions/runs/{run_id}/deployment_protection_rule", (ctx) => {
      const { environment_name: environment, state, comment } = ctx.body;
      if (state !== "approved" && state !== "rejected") return validationFailed([{ resource: "DeploymentProtectionRule", code: "invalid", field: "state" }], "/actions/workflow-runs#review-custom-deployment-protection-rules-for-a-workflow-run");
      ctx.repo.gateReviews.push({ runId: Number(ctx.params.run_id), environment: String(environment), state, comment: String(comment ?? "") });
      return noContent();
    }),
  ];
}

function orgRoutes(): Route[] {
  return [
    {
      method: "GET",
      template: "/orgs/{org}/teams/{team_slug}/memberships/{username}",
      auth: "installation",
      handle: (ctx) => {
        const members = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
        const login = (ctx.params.username ?? "").toLowerCase();
        if (!members?.has(login)) return notFound("/teams/members#get-team-membership-for-a-user");
        return ok({ url: `${ctx.shapes.api}/organizations/teams/memberships/${login}`, role: "member", state: "active" });
      },
    },
  ];
}

/** Where GitHub's redirect for an artifact download points: blob storage, outside the API. */
export const BLOB_ROUTE: Route = { method: "GET", template: "/_blobs/{owner}/{repo}/artifacts/{artifact_id}.zip", auth: "none", handle: artifactBlob };

export const REST_ROUTES: readonly Route[] = [...appRoutes(), ...repositoryRoutes(), ...orgRoutes()];
