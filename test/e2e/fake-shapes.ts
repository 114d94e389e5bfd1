/**
 * The fake's state in the JSON shapes GitHub answers (REST) and sends (webhooks), with the URLs
 * a GitHub Enterprise Server at `origin` would write: the API under `/api/v3`, pages at the root.
 * Fields the app never reads are kept where they are cheap, so the shapes stay recognizable.
 */
import type {
  FakeArtifact,
  FakeCheckRun,
  FakeComment,
  FakeCommit,
  FakeInstallation,
  FakeIssue,
  FakeLabel,
  FakePull,
  FakeRepository,
  FakeUser,
  FakeWorkflowRun,
  GitHubState,
  ProtectionSpec,
} from "./fake-state.js";

export type Json = Record<string, unknown>;

const nodeId = (kind: string, id: number | string) => Buffer.from(`0:${kind}${id}`).toString("base64");

export class GitHubShapes {
  readonly api: string;

  constructor(
    readonly state: GitHubState,
    readonly origin: string,
  ) {
    this.api = `${origin}/api/v3`;
  }

  user(user: FakeUser): Json {
    return {
      login: user.login,
      id: user.id,
      node_id: nodeId("User", user.id),
      avatar_url: `${this.origin}/avatars/u/${user.id}`,
      url: `${this.api}/users/${encodeURIComponent(user.login)}`,
      html_url: `${this.origin}/${user.login}`,
      type: user.type,
      site_admin: false,
    };
  }

  userByLogin(login: string | null): Json | null {
    return login ? this.user(this.state.user(login)) : null;
  }

  repository(repo: FakeRepository): Json {
    const api = `${this.api}/repos/${repo.fullName}`;
    const parent = repo.forkOf ? this.state.repository(repo.forkOf) : undefined;
    return {
      id: repo.id,
      node_id: nodeId("Repository", repo.id),
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: this.user(repo.owner),
      html_url: `${this.origin}/${repo.fullName}`,
      description: null,
      fork: repo.forkOf !== null,
      url: api,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      created_at: repo.createdAt,
      updated_at: repo.pushedAt,
      pushed_at: repo.pushedAt,
      default_branch: repo.defaultBranch,
      archived: false,
      disabled: false,
      visibility: repo.private ? "private" : "public",
      ...(parent ? { parent: { id: parent.id, full_name: parent.fullName } } : {}),
    };
  }

  label(repo: FakeRepository, label: FakeLabel): Json {
    return {
      id: label.id,
      node_id: nodeId("Label", label.id),
      url: `${this.api}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: label.default,
      description: label.description,
    };
  }

  private labelsOf(repo: FakeRepository, names: readonly string[]): Json[] {
    return names.map((name) => this.label(repo, this.state.ensureLabel(repo, name)));
  }

  issue(repo: FakeRepository, issue: FakeIssue): Json {
    const api = `${this.api}/repos/${repo.fullName}/issues/${issue.number}`;
    const pull = issue.isPullRequest ? repo.pulls.get(issue.number) : undefined;
    return {
      url: api,
      repository_url: `${this.api}/repos/${repo.fullName}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      html_url: `${this.origin}/${repo.fullName}/${issue.isPullRequest ? "pull" : "issues"}/${issue.number}`,
      id: issue.id,
      node_id: nodeId(issue.isPullRequest ? "PullRequest" : "Issue", issue.id),
      number: issue.number,
      title: issue.title,
      user: this.user(issue.user),
      labels: this.labelsOf(repo, issue.labels),
      state: issue.state,
      state_reason: issue.stateReason,
      locked: false,
      assignee: this.userByLogin(issue.assignees[0] ?? null),
      assignees: issue.assignees.map((login) => this.userByLogin(login)),
      milestone: null,
      comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      author_association: issue.user.type === "Bot" ? "NONE" : "MEMBER",
      body: issue.body,
      ...(pull
        ? {
            pull_request: {
              url: `${this.api}/repos/${repo.fullName}/pulls/${issue.number}`,
              html_url: `${this.origin}/${repo.fullName}/pull/${issue.number}`,
              diff_url: `${this.origin}/${repo.fullName}/pull/${issue.number}.diff`,
              patch_url: `${this.origin}/${repo.fullName}/pull/${issue.number}.patch`,
              merged_at: pull.mergedAt,
            },
          }
        : {}),
    };
  }

  comment(repo: FakeRepository, comment: FakeComment): Json {
    return {
      id: comment.id,
      node_id: nodeId("IssueComment", comment.id),
      url: `${this.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
      html_url: `${this.origin}/${repo.fullName}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${this.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: comment.user.type === "Bot" ? "NONE" : "MEMBER",
    };
  }

  private branchSide(repoName: string, ref: string, sha: string): Json {
    const repo = this.state.mustRepository(repoName);
    return { label: `${repo.owner.login}:${ref}`, ref, sha, user: this.user(repo.owner), repo: this.repository(repo) };
  }

  pull(repo: FakeRepository, pull: FakePull): Json {
    const issue = repo.issues.find((i) => i.number === pull.number)!;
    const api = `${this.api}/repos/${repo.fullName}/pulls/${pull.number}`;
    return {
      url: api,
      id: pull.id,
      node_id: nodeId("PullRequest", pull.id),
      html_url: `${this.origin}/${repo.fullName}/pull/${pull.number}`,
      diff_url: `${this.origin}/${repo.fullName}/pull/${pull.number}.diff`,
      patch_url: `${this.origin}/${repo.fullName}/pull/${pull.number}.patch`,
      issue_url: `${this.api}/repos/${repo.fullName}/issues/${pull.number}`,
      commits_url: `${api}/commits`,
      number: pull.number,
      state: issue.state,
      locked: false,
      title: issue.title,
      user: this.user(issue.user),
      body: issue.body,
      labels: this.labelsOf(repo, issue.labels),
      milestone: null,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: this.userByLogin(issue.assignees[0] ?? null),
      assignees: issue.assignees.map((login) => this.userByLogin(login)),
      requested_reviewers: [],
      requested_teams: [],
      head: this.branchSide(pull.headRepo, pull.headRef, pull.headSha),
      base: this.branchSide(repo.fullName, pull.baseRef, pull.baseSha),
      author_association: "CONTRIBUTOR",
      auto_merge: null,
      draft: pull.draft,
      merged: pull.merged,
      mergeable: pull.merged ? null : true,
      rebaseable: pull.merged ? null : true,
      mergeable_state: pull.merged ? "unknown" : "clean",
      merged_by: this.userByLogin(pull.mergedBy),
      comments: repo.comments.filter((c) => c.issueNumber === pull.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: pull.commits.length,
      additions: 3 * pull.commits.length,
      deletions: pull.commits.length,
      changed_files: pull.commits.length,
    };
  }

  /** A commit as the commits, pulls/{n}/commits and compare endpoints list it. */
  commit(repo: FakeRepository, commit: FakeCommit): Json {
    const person = { name: commit.authorName, email: commit.authorEmail, date: commit.date };
    return {
      sha: commit.sha,
      node_id: nodeId("Commit", commit.sha),
      url: `${this.api}/repos/${repo.fullName}/commits/${commit.sha}`,
      html_url: `${this.origin}/${repo.fullName}/commit/${commit.sha}`,
      commit: {
        author: person,
        committer: person,
        message: commit.message,
        tree: { sha: commit.sha.split("").reverse().join(""), url: `${this.api}/repos/${repo.fullName}/git/trees/${commit.sha}` },
        comment_count: 0,
        verification: { verified: false, reason: "unsigned", signature: null, payload: null },
      },
      author: this.userByLogin(commit.author),
      committer: this.userByLogin(commit.author),
      parents: commit.parents.map((sha) => ({ sha, url: `${this.api}/repos/${repo.fullName}/commits/${sha}` })),
    };
  }

  checkRun(repo: FakeRepository, run: FakeCheckRun): Json {
    return {
      id: run.id,
      node_id: nodeId("CheckRun", run.id),
      head_sha: run.headSha,
      external_id: "",
      url: `${this.api}/repos/${repo.fullName}/check-runs/${run.id}`,
      html_url: `${this.origin}/${repo.fullName}/runs/${run.id}`,
      details_url: `${this.origin}/${repo.fullName}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: { ...run.output, annotations_count: 0, annotations_url: `${this.api}/repos/${repo.fullName}/check-runs/${run.id}/annotations` },
      name: run.name,
      check_suite: { id: run.id + 1 },
      app: { id: run.app.id, slug: run.app.slug, node_id: nodeId("App", run.app.id), name: run.app.name, owner: this.user(this.state.user(this.state.app.owner)) },
      pull_requests: [],
    };
  }

  /** `GET .../branches/{branch}/protection`: every object carries its own url, as GitHub answers. */
  protection(repo: FakeRepository, branch: string, spec: ProtectionSpec): Json {
    const api = `${this.api}/repos/${repo.fullName}/branches/${encodeURIComponent(branch)}/protection`;
    const flag = (enabled: boolean) => ({ enabled });
    return {
      url: api,
      required_status_checks: {
        url: `${api}/required_status_checks`,
        strict: true,
        contexts: spec.contexts,
        contexts_url: `${api}/required_status_checks/contexts`,
        checks: spec.contexts.map((context) => ({ context, app_id: null })),
      },
      required_pull_request_reviews: {
        url: `${api}/required_pull_request_reviews`,
        dismiss_stale_reviews: false,
        require_code_owner_reviews: false,
        require_last_push_approval: false,
        required_approving_review_count: spec.approvingReviews,
      },
      enforce_admins: { url: `${api}/enforce_admins`, enabled: spec.enforceAdmins },
      required_linear_history: flag(false),
      allow_force_pushes: flag(spec.allowForcePushes),
      allow_deletions: flag(spec.allowDeletions),
      block_creations: flag(false),
      required_conversation_resolution: flag(false),
      lock_branch: flag(false),
      allow_fork_syncing: flag(false),
      required_signatures: { url: `${api}/required_signatures`, enabled: false },
    };
  }

  /** The `minimal-repository` that a workflow run names as its repository and head repository. */
  minimalRepository(repo: FakeRepository): Json {
    return { id: repo.id, node_id: nodeId("Repository", repo.id), name: repo.name, full_name: repo.fullName, private: repo.private, owner: this.user(repo.owner), fork: repo.forkOf !== null, html_url: `${this.origin}/${repo.fullName}` };
  }

  workflowRun(repo: FakeRepository, run: FakeWorkflowRun): Json {
    const workflow = repo.workflows.find((w) => w.id === run.workflowId)!;
    const headRepository = this.state.repository(run.headRepository) ?? repo;
    return {
      id: run.id,
      name: workflow.name,
      node_id: nodeId("WorkflowRun", run.id),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: workflow.path,
      display_title: run.displayTitle,
      run_number: run.runNumber,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: workflow.id,
      url: `${this.api}/repos/${repo.fullName}/actions/runs/${run.id}`,
      html_url: `${this.origin}/${repo.fullName}/actions/runs/${run.id}`,
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.createdAt,
      run_attempt: 1,
      repository: this.minimalRepository(repo),
      head_repository: this.minimalRepository(headRepository),
    };
  }

  artifact(repo: FakeRepository, artifact: FakeArtifact): Json {
    const run = repo.runs.find((r) => r.id === artifact.runId);
    const api = `${this.api}/repos/${repo.fullName}/actions/artifacts/${artifact.id}`;
    return {
      id: artifact.id,
      node_id: nodeId("Artifact", artifact.id),
      name: artifact.name,
      size_in_bytes: artifact.zip.byteLength,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: artifact.expired,
      created_at: artifact.createdAt,
      updated_at: artifact.createdAt,
      expires_at: new Date(Date.parse(artifact.createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: run ? { id: run.id, repository_id: repo.id, head_branch: run.headBranch, head_sha: run.headSha } : null,
    };
  }

  installation(installation: FakeInstallation): Json {
    return {
      id: installation.id,
      account: this.user(installation.account),
      repository_selection: "selected",
      access_tokens_url: `${this.api}/app/installations/${installation.id}/access_tokens`,
      repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.origin}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
      app_id: this.state.app.id,
      app_slug: this.state.app.slug,
      target_id: installation.account.id,
      target_type: installation.account.type,
      permissions: installation.permissions,
      events: ["pull_request", "push", "check_run", "workflow_run", "issues", "issue_comment"],
      created_at: installation.createdAt,
      updated_at: installation.createdAt,
      single_file_name: null,
      suspended_by: null,
      suspended_at: installation.suspendedAt,
    };
  }

  app(): Json {
    const { app } = this.state;
    return {
      id: app.id,
      slug: app.slug,
      node_id: nodeId("App", app.id),
      owner: this.user(this.state.user(app.owner)),
      name: app.name,
      description: "Makes the CI/CD pipeline the only road to production.",
      external_url: "https://example.test/pipeline-guard",
      html_url: `${this.origin}/apps/${app.slug}`,
      created_at: this.state.at(-24 * 60),
      updated_at: this.state.at(-24 * 60),
      permissions: this.state.installations[0]?.permissions ?? {},
      events: ["pull_request", "push"],
      installations_count: this.state.installations.length,
    };
  }

  /** The `installation` of a webhook payload. */
  webhookInstallation(repo: FakeRepository): Json {
    const installation = this.state.installationFor(repo.fullName);
    if (!installation) throw new Error(`fake GitHub: the app is not installed on ${repo.fullName}`);
    return { id: installation.id, node_id: nodeId("Installation", installation.id) };
  }

  /** A `pull_request` event, rendered from the pull request as it is now (as GitHub sends it). */
  pullRequestEvent(repo: FakeRepository, number: number, params: { action: string; sender: string; label?: string }): Json {
    const pull = repo.pulls.get(number);
    if (!pull) throw new Error(`fake GitHub: no pull request #${number} in ${repo.fullName}`);
    return {
      action: params.action,
      number,
      pull_request: this.pull(repo, pull),
      ...(params.label ? { label: this.label(repo, this.state.ensureLabel(repo, params.label)) } : {}),
      repository: this.repository(repo),
      organization: repo.owner.type === "Organization" ? { login: repo.owner.login, id: repo.owner.id } : undefined,
      installation: this.webhookInstallation(repo),
      sender: this.user(this.state.user(params.sender)),
    };
  }

  /** A `push` event: the repository's `pushed_at` is epoch seconds there, as GitHub sends it. */
  pushEvent(repo: FakeRepository, params: { branch: string; before: string; after: string; commits: FakeCommit[]; pusher: string; forced?: boolean }): Json {
    const pusher = this.state.user(params.pusher);
    const commit = (c: FakeCommit) => ({
      id: c.sha,
      tree_id: c.sha.split("").reverse().join(""),
      distinct: true,
      message: c.message,
      timestamp: c.date.replace("Z", "+00:00"),
      url: `${this.origin}/${repo.fullName}/commit/${c.sha}`,
      author: { name: c.authorName, email: c.authorEmail, ...(c.author ? { username: c.author } : {}) },
      committer: { name: c.authorName, email: c.authorEmail, ...(c.author ? { username: c.author } : {}) },
      added: [],
      removed: [],
      modified: c.files,
    });
    const zero = /^0+$/;
    return {
      ref: `refs/heads/${params.branch}`,
      before: params.before,
      after: params.after,
      repository: { ...this.repository(repo), pushed_at: Math.floor(Date.parse(repo.pushedAt) / 1000), master_branch: repo.defaultBranch },
      pusher: { name: pusher.login, email: `${pusher.login}@users.noreply.github.test` },
      organization: repo.owner.type === "Organization" ? { login: repo.owner.login, id: repo.owner.id } : undefined,
      installation: this.webhookInstallation(repo),
      sender: this.user(pusher),
      created: zero.test(params.before),
      deleted: zero.test(params.after),
      forced: params.forced ?? false,
      base_ref: null,
      compare: `${this.origin}/${repo.fullName}/compare/${params.before.slice(0, 12)}...${params.after.slice(0, 12)}`,
      commits: params.commits.map(commit),
      head_commit: params.commits.length > 0 ? commit(params.commits.at(-1)!) : null,
    };
  }

  /** A `deployment_protection_rule.requested` event: a workflow run waiting to deploy `sha` to `environment`. */
  deploymentProtectionRuleEvent(repo: FakeRepository, params: { environment: string; sha: string; ref: string; runId: number; creator: string }): Json {
    return {
      action: "requested",
      environment: params.environment,
      event: "push",
      deployment_callback_url: `${this.api}/repos/${repo.fullName}/actions/runs/${params.runId}/deployment_protection_rule`,
      deployment: {
        url: `${this.api}/repos/${repo.fullName}/deployments/${params.runId}`,
        id: params.runId,
        node_id: nodeId("Deployment", params.runId),
        task: "deploy",
        original_environment: params.environment,
        environment: params.environment,
        description: null,
        created_at: this.state.now(),
        updated_at: this.state.now(),
        sha: params.sha,
        ref: params.ref,
        payload: {},
        creator: this.user(this.state.user(params.creator)),
        statuses_url: `${this.api}/repos/${repo.fullName}/deployments/${params.runId}/statuses`,
        repository_url: `${this.api}/repos/${repo.fullName}`,
      },
      repository: this.repository(repo),
      organization: repo.owner.type === "Organization" ? { login: repo.owner.login, id: repo.owner.id } : undefined,
      installation: this.webhookInstallation(repo),
      sender: this.user(this.state.user(params.creator)),
    };
  }
}
