/**
 * The state of the fake GitHub (test/e2e/fake-github.ts): users, repositories with their
 * commits, branches, files, protection, labels, issues, pull requests, comments, check runs,
 * deployments, workflows, runs and artifacts, and the app's installations. Tests and the demo
 * seed it through the methods below (what a person would do on GitHub); the REST and GraphQL
 * routes read and change it as GitHub would.
 */
import { createHash } from "node:crypto";
import { zipSync, strToU8 } from "fflate";

export type Permission = "read" | "triage" | "write" | "maintain" | "admin";

export interface FakeUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface FakeCommit {
  sha: string;
  message: string;
  parents: string[];
  /** The GitHub login the author's email belongs to, or null. */
  author: string | null;
  authorName: string;
  authorEmail: string;
  date: string;
  files: string[];
}

/** An issue, or the issue side of a pull request (GitHub numbers both from one sequence). */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: FakeUser;
  /** Label names as the repository spells them. */
  labels: string[];
  assignees: string[];
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  isPullRequest: boolean;
}

export interface FakePull {
  id: number;
  number: number;
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  commits: string[];
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
  reactions: string[];
}

export interface FakeCheckRun {
  id: number;
  headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  app: { id: number; slug: string; name: string };
  startedAt: string;
  completedAt: string | null;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  creator: string;
  createdAt: string;
  /** The latest status, as GraphQL's DeploymentStatusState spells it. */
  state: "SUCCESS" | "FAILURE" | "ERROR" | "PENDING" | "IN_PROGRESS" | "INACTIVE";
}

export interface FakeWorkflow {
  id: number;
  name: string;
  path: string;
  /** `workflow_dispatch` inputs the workflow declares; a dispatch with others is refused (422). */
  inputs: string[];
}

export interface FakeWorkflowRun {
  id: number;
  workflowId: number;
  runNumber: number;
  headBranch: string;
  headSha: string;
  /** Where the head commit comes from: the repository itself, or a fork (a fork's PR). */
  headRepository: string;
  event: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  displayTitle: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  zip: Uint8Array;
  expired: boolean;
  createdAt: string;
}

export interface FakeDispatch {
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export interface FakeGateReview {
  runId: number;
  environment: string;
  state: string;
  comment: string;
}

export interface FakeRepository {
  id: number;
  owner: FakeUser;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  /** The parent's full name, for a fork. */
  forkOf: string | null;
  createdAt: string;
  pushedAt: string;
  /** Files of the default branch, by path. */
  files: Map<string, string>;
  commits: Map<string, FakeCommit>;
  branches: Map<string, string>;
  /** Classic branch protection of each protected branch. */
  protection: Map<string, ProtectionSpec>;
  /** Active ruleset rules as `GET .../rules/branches/{branch}` answers them. */
  rules: Map<string, unknown[]>;
  collaborators: Map<string, Permission>;
  labels: FakeLabel[];
  issues: FakeIssue[];
  pulls: Map<number, FakePull>;
  comments: FakeComment[];
  checkRuns: FakeCheckRun[];
  deployments: FakeDeployment[];
  workflows: FakeWorkflow[];
  runs: FakeWorkflowRun[];
  artifacts: FakeArtifact[];
  dispatches: FakeDispatch[];
  gateReviews: FakeGateReview[];
  nextNumber: number;
}

/** Classic branch protection, rendered as `GET .../branches/{branch}/protection` answers it. */
export interface ProtectionSpec {
  contexts: string[];
  enforceAdmins: boolean;
  approvingReviews: number;
  allowForcePushes: boolean;
  allowDeletions: boolean;
}

export interface FakeInstallation {
  id: number;
  account: FakeUser;
  /** Lower-case full names of the repositories the installation may use. */
  repositories: Set<string>;
  permissions: Record<string, string>;
  createdAt: string;
  suspendedAt: string | null;
}

export interface FakeApp {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

/** The permissions app.yml asks for: what an installation of Pipeline Guard grants. */
export const APP_PERMISSIONS: Record<string, string> = {
  actions: "write",
  administration: "read",
  checks: "write",
  contents: "read",
  deployments: "write",
  issues: "write",
  members: "read",
  merge_queues: "read",
  metadata: "read",
  pull_requests: "read",
  statuses: "read",
};

const HOUR_MS = 3_600_000;

export class GitHubState {
  readonly app: FakeApp;
  /** Seeded objects are dated relative to this instant, so that two runs of a scenario match. */
  readonly epoch: Date;
  readonly users = new Map<string, FakeUser>();
  readonly repositories = new Map<string, FakeRepository>();
  readonly installations: FakeInstallation[] = [];
  /** Org teams: `org/slug` → member logins (lower case). */
  readonly teams = new Map<string, Set<string>>();
  private lastId = 1000;

  constructor(params: { app: FakeApp; epoch: Date }) {
    this.app = params.app;
    this.epoch = params.epoch;
    this.user(params.app.owner, "Organization");
    this.user(`${params.app.slug}[bot]`, "Bot");
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** `hours` after the epoch (negative: before), as GitHub writes times. */
  at(hours = 0): string {
    return new Date(this.epoch.getTime() + hours * HOUR_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** The time of an action the app makes: the wall clock, as GitHub would stamp it. */
  now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  get botUser(): FakeUser {
    return this.user(`${this.app.slug}[bot]`, "Bot");
  }

  user(login: string, type: FakeUser["type"] = "User"): FakeUser {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { login, id: this.nextId(), type };
      this.users.set(key, user);
    }
    return user;
  }

  repository(fullName: string): FakeRepository | undefined {
    return this.repositories.get(fullName.toLowerCase());
  }

  mustRepository(fullName: string): FakeRepository {
    const repo = this.repository(fullName);
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`);
    return repo;
  }

  /** A repository with one commit on its default branch, ten days before the epoch. */
  createRepository(params: {
    owner: string;
    name: string;
    defaultBranch?: string;
    files?: Record<string, string>;
    collaborators?: Record<string, Permission>;
    forkOf?: string;
    ownerType?: FakeUser["type"];
  }): FakeRepository {
    const owner = this.user(params.owner, params.ownerType ?? (params.forkOf ? "User" : "Organization"));
    const fullName = `${owner.login}/${params.name}`;
    const repo: FakeRepository = {
      id: this.nextId(),
      owner,
      name: params.name,
      fullName,
      private: true,
      defaultBranch: params.defaultBranch ?? "main",
      forkOf: params.forkOf ?? null,
      createdAt: this.at(-24 * 30),
      pushedAt: this.at(-24 * 10),
      files: new Map(Object.entries(params.files ?? {})),
      commits: new Map(),
      branches: new Map(),
      protection: new Map(),
      rules: new Map(),
      collaborators: new Map(Object.entries(params.collaborators ?? {}).map(([login, permission]) => [login.toLowerCase(), permission])),
      labels: [],
      issues: [],
      pulls: new Map(),
      comments: [],
      checkRuns: [],
      deployments: [],
      workflows: [],
      runs: [],
      artifacts: [],
      dispatches: [],
      gateReviews: [],
      nextNumber: 1,
    };
    for (const login of repo.collaborators.keys()) this.user(login);
    this.repositories.set(fullName.toLowerCase(), repo);
    const parent = params.forkOf ? this.repository(params.forkOf) : undefined;
    if (parent) {
      // A fork starts with its parent's history.
      for (const [sha, commit] of parent.commits) repo.commits.set(sha, commit);
      repo.branches.set(repo.defaultBranch, parent.branches.get(parent.defaultBranch) ?? "");
    } else {
      const first = this.addCommit(repo, { message: "Initial commit", author: owner.type === "User" ? owner.login : null, parents: [], at: this.at(-24 * 10), files: [...repo.files.keys()] });
      repo.branches.set(repo.defaultBranch, first.sha);
    }
    return repo;
  }

  /**
   * Installs the app on an account, for some of its repositories; an account has one
   * installation, so installing again adds the repositories to it.
   */
  install(params: { account: string; repositories: string[]; permissions?: Record<string, string>; createdAt?: string }): FakeInstallation {
    const existing = this.installations.find((i) => i.account.login.toLowerCase() === params.account.toLowerCase());
    if (existing) {
      for (const name of params.repositories) existing.repositories.add(name.toLowerCase());
      return existing;
    }
    const installation: FakeInstallation = {
      id: this.nextId(),
      account: this.user(params.account, "Organization"),
      repositories: new Set(params.repositories.map((r) => r.toLowerCase())),
      permissions: params.permissions ?? APP_PERMISSIONS,
      createdAt: params.createdAt ?? this.at(-24 * 20),
      suspendedAt: null,
    };
    this.installations.push(installation);
    return installation;
  }

  installationFor(fullName: string): FakeInstallation | undefined {
    return this.installations.find((i) => i.repositories.has(fullName.toLowerCase()));
  }

  addCommit(repo: FakeRepository, params: { message: string; author: string | null; parents: string[]; at?: string; files?: string[] }): FakeCommit {
    const date = params.at ?? this.at();
    const sha = createHash("sha1")
      .update(`${repo.fullName}\n${params.parents.join(",")}\n${params.message}\n${date}\n${repo.commits.size}`)
      .digest("hex");
    const login = params.author;
    const commit: FakeCommit = {
      sha,
      message: params.message,
      parents: params.parents,
      author: login,
      authorName: login ? login[0]!.toUpperCase() + login.slice(1) : "Unknown Person",
      authorEmail: login ? `${login}@users.noreply.github.test` : "someone@example.com",
      date,
      files: params.files ?? ["README.md"],
    };
    repo.commits.set(sha, commit);
    return commit;
  }

  /** Commits pushed onto a branch, one after the other (a `git push`); returns the branch's before and after. */
  pushCommits(repo: FakeRepository, params: { branch: string; commits: Array<{ message: string; author: string; files?: string[] }>; at?: string }): { before: string; after: string; commits: FakeCommit[] } {
    const before = repo.branches.get(params.branch) ?? "0".repeat(40);
    let parent = repo.branches.get(params.branch);
    const made: FakeCommit[] = [];
    for (const spec of params.commits) {
      const commit = this.addCommit(repo, { message: spec.message, author: spec.author, parents: parent ? [parent] : [], at: params.at, files: spec.files });
      made.push(commit);
      parent = commit.sha;
    }
    repo.branches.set(params.branch, parent ?? before);
    repo.pushedAt = params.at ?? this.at();
    return { before, after: parent ?? before, commits: made };
  }

  private addIssueRecord(repo: FakeRepository, params: { title: string; body: string | null; user: FakeUser; labels?: string[]; assignees?: string[]; isPullRequest: boolean; at?: string }): FakeIssue {
    const at = params.at ?? this.now();
    const issue: FakeIssue = {
      id: this.nextId(),
      number: repo.nextNumber++,
      title: params.title,
      body: params.body,
      user: params.user,
      labels: (params.labels ?? []).map((name) => this.ensureLabel(repo, name).name),
      assignees: params.assignees ?? [],
      state: "open",
      stateReason: null,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      isPullRequest: params.isPullRequest,
    };
    repo.issues.push(issue);
    return issue;
  }

  createIssue(repo: FakeRepository, params: { title: string; body: string | null; user: FakeUser; labels?: string[]; assignees?: string[] }): FakeIssue {
    return this.addIssueRecord(repo, { ...params, isPullRequest: false });
  }

  /**
   * A pull request from a branch of the repository, or of a fork (`fork`: the fork's owner),
   * whose commits are made on the head branch on top of the base branch's head.
   */
  openPullRequest(
    repo: FakeRepository,
    params: { title: string; body: string | null; author: string; headRef: string; commits: string[]; base?: string; fork?: string; at?: string },
  ): FakePull {
    const baseRef = params.base ?? repo.defaultBranch;
    const baseSha = repo.branches.get(baseRef);
    if (!baseSha) throw new Error(`fake GitHub: no branch ${baseRef} in ${repo.fullName}`);
    const headRepo = params.fork ? (this.repository(`${params.fork}/${repo.name}`) ?? this.createRepository({ owner: params.fork, name: repo.name, forkOf: repo.fullName })) : repo;
    headRepo.branches.set(params.headRef, baseSha);
    const { commits } = this.pushCommits(headRepo, { branch: params.headRef, commits: params.commits.map((message) => ({ message, author: params.author })), at: params.at ?? this.at(-2) });
    // The base repository knows a fork PR's commits too (GitHub keeps them under refs/pull/N/head).
    for (const commit of commits) repo.commits.set(commit.sha, commit);
    const issue = this.addIssueRecord(repo, { title: params.title, body: params.body, user: this.user(params.author), isPullRequest: true, at: params.at ?? this.at(-1) });
    const pull: FakePull = {
      id: this.nextId(),
      number: issue.number,
      headRepo: headRepo.fullName,
      headRef: params.headRef,
      headSha: commits.at(-1)?.sha ?? baseSha,
      baseRef,
      baseSha,
      commits: commits.map((c) => c.sha),
      draft: false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
    };
    repo.pulls.set(pull.number, pull);
    return pull;
  }

  /** Merges a pull request with a merge commit on its base branch (the "Merge pull request" button). */
  mergePullRequest(repo: FakeRepository, number: number, params: { by: string; at?: string }): FakeCommit {
    const pull = repo.pulls.get(number);
    const issue = repo.issues.find((i) => i.number === number);
    if (!pull || !issue) throw new Error(`fake GitHub: no pull request #${number} in ${repo.fullName}`);
    const at = params.at ?? this.at();
    const baseHead = repo.branches.get(pull.baseRef)!;
    const merge = this.addCommit(repo, {
      message: `Merge pull request #${number} from ${pull.headRepo.split("/")[0]}/${pull.headRef}\n\n${issue.title}`,
      author: params.by,
      parents: [baseHead, pull.headSha],
      at,
    });
    repo.branches.set(pull.baseRef, merge.sha);
    repo.pushedAt = at;
    Object.assign(pull, { merged: true, mergedAt: at, mergedBy: params.by, mergeCommitSha: merge.sha });
    Object.assign(issue, { state: "closed", closedAt: at, updatedAt: at });
    return merge;
  }

  /** A check run of another app (a CI system) on a commit. */
  addCheckRun(repo: FakeRepository, params: { sha: string; name: string; conclusion: string; app?: { id: number; slug: string; name: string } }): FakeCheckRun {
    const run: FakeCheckRun = {
      id: this.nextId(),
      headSha: params.sha,
      name: params.name,
      status: "completed",
      conclusion: params.conclusion,
      output: { title: null, summary: null, text: null },
      app: params.app ?? { id: 15368, slug: "github-actions", name: "GitHub Actions" },
      startedAt: this.at(-1),
      completedAt: this.at(-1),
    };
    repo.checkRuns.push(run);
    return run;
  }

  /** Classic protection of a branch (null: unprotected). */
  setProtection(repo: FakeRepository, branch: string, params: Partial<ProtectionSpec> | null): void {
    if (params === null) {
      repo.protection.delete(branch);
      return;
    }
    repo.protection.set(branch, {
      contexts: params.contexts ?? [],
      enforceAdmins: params.enforceAdmins ?? false,
      approvingReviews: params.approvingReviews ?? 1,
      allowForcePushes: params.allowForcePushes ?? false,
      allowDeletions: params.allowDeletions ?? false,
    });
  }

  addWorkflow(repo: FakeRepository, params: { file: string; name: string; inputs?: string[] }): FakeWorkflow {
    const workflow: FakeWorkflow = { id: this.nextId(), name: params.name, path: `.github/workflows/${params.file}`, inputs: params.inputs ?? [] };
    repo.workflows.push(workflow);
    return workflow;
  }

  /**
   * A completed run of a workflow on a branch's head (by default a scheduled run of the
   * repository itself), with artifacts zipped from their files. `fork`: the run of a PR from
   * that user's fork, whose head branch carries `branch`'s name and whose commit is the fork's.
   */
  addWorkflowRun(
    repo: FakeRepository,
    params: { file: string; branch: string; conclusion: string; updatedAt?: string; event?: string; fork?: string; artifacts?: Array<{ name: string; files: Record<string, string> }> },
  ): FakeWorkflowRun {
    const workflow = repo.workflows.find((w) => w.path.endsWith(`/${params.file}`));
    if (!workflow) throw new Error(`fake GitHub: no workflow ${params.file} in ${repo.fullName}`);
    const updatedAt = params.updatedAt ?? this.at(-1);
    const base = repo.branches.get(params.branch) ?? "";
    const headRepo = params.fork ? (this.repository(`${params.fork}/${repo.name}`) ?? this.createRepository({ owner: params.fork, name: repo.name, forkOf: repo.fullName })) : repo;
    const headSha = params.fork ? this.addCommit(headRepo, { message: "Update the plan", author: params.fork, parents: [base], at: updatedAt }).sha : base;
    const run: FakeWorkflowRun = {
      id: this.nextId(),
      workflowId: workflow.id,
      runNumber: repo.runs.filter((r) => r.workflowId === workflow.id).length + 1,
      headBranch: params.branch,
      headSha,
      headRepository: headRepo.fullName,
      event: params.event ?? (params.fork ? "pull_request" : "schedule"),
      status: "completed",
      conclusion: params.conclusion,
      displayTitle: workflow.name,
      createdAt: updatedAt,
      updatedAt,
    };
    repo.runs.push(run);
    for (const artifact of params.artifacts ?? []) {
      const zip = zipSync(Object.fromEntries(Object.entries(artifact.files).map(([name, text]) => [name, strToU8(text)])));
      repo.artifacts.push({ id: this.nextId(), runId: run.id, name: artifact.name, zip, expired: false, createdAt: updatedAt });
    }
    return run;
  }

  addDeployment(repo: FakeRepository, params: { sha: string; environment: string; creator: string; state?: FakeDeployment["state"]; ref?: string; at?: string }): FakeDeployment {
    const deployment: FakeDeployment = {
      id: this.nextId(),
      sha: params.sha,
      ref: params.ref ?? repo.defaultBranch,
      environment: params.environment,
      creator: params.creator,
      createdAt: params.at ?? this.at(-3),
      state: params.state ?? "SUCCESS",
    };
    repo.deployments.push(deployment);
    return deployment;
  }

  findLabel(repo: FakeRepository, name: string): FakeLabel | undefined {
    return repo.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  /** GitHub creates a label that an issue is given but the repository lacks, in grey. */
  ensureLabel(repo: FakeRepository, name: string): FakeLabel {
    const known = this.findLabel(repo, name);
    if (known) return known;
    const label: FakeLabel = { id: this.nextId(), name, color: "ededed", description: null, default: false };
    repo.labels.push(label);
    return label;
  }

  /** A branch name or a commit SHA (full, or a prefix of at least 7) to a commit SHA. */
  resolveRef(repo: FakeRepository, ref: string): string | undefined {
    const branch = repo.branches.get(ref.replace(/^refs\/heads\//, ""));
    if (branch) return branch;
    if (repo.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,39}$/.test(ref)) return [...repo.commits.keys()].find((sha) => sha.startsWith(ref));
    return undefined;
  }

  /** Every commit reachable from `sha`, itself included. */
  ancestors(repo: FakeRepository, sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(repo.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** The history of a commit, newest first (by date, then by distance), as `git log` lists it. */
  history(repo: FakeRepository, sha: string): FakeCommit[] {
    const reachable = [...this.ancestors(repo, sha)].flatMap((s) => {
      const commit = repo.commits.get(s);
      return commit ? [commit] : [];
    });
    return reachable.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  }
}
