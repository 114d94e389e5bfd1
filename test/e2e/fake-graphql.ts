/**
 * The fake's `POST /api/graphql`: it knows the queries Pipeline Guard sends, recognized by their
 * text (src/github/required-checks.ts, repository-activity.ts, commit-provenance.ts,
 * repository-fingerprints.ts and full-read-facts.ts), and answers them from the state in
 * GraphQL's shapes, from the same records as its REST answers. Any other query gets a GraphQL
 * error, so that a changed query fails a test loudly instead of being answered wrongly.
 */
import { createHash } from "node:crypto";
import type { FakeRepository, GitHubState } from "./fake-state.js";

export interface GraphqlAnswer {
  /** `unknown`: no query of the app matched (recorded as unhandled). */
  known: boolean;
  body: { data?: unknown; errors?: Array<{ type?: string; message: string }> };
}

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** Each query by its operation name and the fields the fake answers: a query that lost one no longer matches. */
const REQUIRED_CHECKS = /query PipelineGuardRequiredChecks\b[\s\S]*branchProtectionRule \{ requiredStatusCheckContexts \}[\s\S]*statusCheckRollup/;
const ACTIVITY = /query PipelineGuardActivity\b[\s\S]*history\(first: \d+, since: \$since, after: \$after\)[\s\S]*associatedPullRequests[\s\S]*deployments\(/;

const PROVENANCE = /query PipelineGuardProvenance\b[\s\S]*object\(oid: \$oid\)[\s\S]*associatedPullRequests\(first: \d+\)[\s\S]*fragment PipelineGuardSuites on CheckSuiteConnection/;

const notFound = (path: string, message: string): GraphqlAnswer => ({ known: true, body: { data: { repository: null }, errors: [{ type: "NOT_FOUND", message: `${message} (${path})` }] } });

const FINGERPRINTS = /query PipelineGuardFingerprints\b[\s\S]*branchProtectionRules\(first: \d+\)[\s\S]*rulesets\(/;
const CONFIG_BLOBS = /query PipelineGuardConfigBlobs\b[\s\S]*object\(expression: "HEAD:\.github\/pipeline-guard\.yml"\) \{ \.\.\. on Blob \{ text isTruncated \} \}/;
const FULL_READS = /query PipelineGuardFullReads\b[\s\S]*ref\(qualifiedName: \$r\d+b\d+\)[\s\S]*history\(first: (\d+), since: \$since\)[\s\S]*associatedPullRequests/;

export function answerGraphql(state: GitHubState, request: GraphqlRequest, canRead: (repo: FakeRepository) => boolean): GraphqlAnswer {
  const { query, variables } = request;
  if (FINGERPRINTS.test(query)) return fingerprints(state, variables, canRead);
  if (CONFIG_BLOBS.test(query)) return configBlobs(state, variables, canRead);
  const fullReads = FULL_READS.exec(query);
  if (fullReads) return fullReadFacts(state, { query, variables, pageSize: Number(fullReads[1]) }, canRead);
  const repo = state.repository(`${String(variables.owner)}/${String(variables.repo)}`);
  const matched = REQUIRED_CHECKS.test(query) || ACTIVITY.test(query) || PROVENANCE.test(query);
  if (!matched) return { known: false, body: { errors: [{ message: "fake GitHub: this query is not one Pipeline Guard sends (see test/e2e/fake-graphql.ts)" }] } };
  if (!repo || !canRead(repo)) return notFound("repository", `Could not resolve to a Repository with the name '${String(variables.owner)}/${String(variables.repo)}'.`);
  if (PROVENANCE.test(query)) return provenance(state, repo, variables);
  return REQUIRED_CHECKS.test(query) ? requiredChecks(state, repo, Number(variables.number)) : activity(state, repo, variables);
}

/** Classic protection's contexts, the rules' required checks, and the head commit's check results. */
function requiredChecks(state: GitHubState, repo: FakeRepository, number: number): GraphqlAnswer {
  const pull = repo.pulls.get(number);
  if (!pull) return notFound("pullRequest", `Could not resolve to a PullRequest with the number of ${number}.`);
  const protection = repo.protection.get(pull.baseRef);
  const rules = (repo.rules.get(pull.baseRef) ?? []) as Array<{ type?: string; parameters?: { required_status_checks?: Array<{ context: string }> } }>;
  // The latest run of each name on the head commit, as the rollup lists them.
  const runs = repo.checkRuns.filter((r) => r.headSha === pull.headSha).reverse();
  const latest = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
  return {
    known: true,
    body: {
      data: {
        repository: {
          pullRequest: {
            baseRef: repo.branches.has(pull.baseRef)
              ? {
                  branchProtectionRule: protection ? { requiredStatusCheckContexts: protection.contexts } : null,
                  rules: {
                    nodes: rules.map((rule) => ({
                      type: String(rule.type ?? "").toUpperCase(),
                      parameters: rule.type === "required_status_checks" ? { requiredStatusChecks: (rule.parameters?.required_status_checks ?? []).map((c) => ({ context: c.context })) } : {},
                    })),
                  },
                }
              : null,
            commits: {
              nodes: [
                {
                  commit: {
                    oid: pull.headSha,
                    statusCheckRollup:
                      latest.length === 0
                        ? null
                        : {
                            contexts: {
                              nodes: latest.map((r) => ({ __typename: "CheckRun", name: r.name, status: r.status.toUpperCase(), conclusion: r.conclusion?.toUpperCase() ?? null })),
                            },
                          },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** GraphQL's page size for the history connection is in the query; the fake reads it from there too. */
const HISTORY_PAGE = 100;

const login = (name: string | null) => (name ? { login: name } : null);

/** A page of a branch's history since a time, with the merged PRs each commit belongs to, as `Commit.history` answers it. */
function historyPage(state: GitHubState, repo: FakeRepository, params: { head: string; since: string; after: unknown; pageSize: number }) {
  const offset = params.after ? Number(Buffer.from(String(params.after), "base64").toString().replace("cursor:", "")) : 0;
  const commits = state.history(repo, params.head).filter((c) => !params.since || c.date >= params.since.replace(/\.\d{3}Z$/, "Z"));
  const page = commits.slice(offset, offset + params.pageSize);
  const end = offset + page.length;
  const pulls = [...repo.pulls.values()];
  return {
    pageInfo: { hasNextPage: end < commits.length, endCursor: page.length > 0 ? Buffer.from(`cursor:${end}`).toString("base64") : null },
    nodes: page.map((c) => ({
      oid: c.sha,
      message: c.message,
      committedDate: c.date,
      author: { user: login(c.author) },
      associatedPullRequests: {
        nodes: pulls
          .filter((p) => p.mergeCommitSha === c.sha || p.commits.includes(c.sha))
          .slice(0, 5)
          .map((p) => {
            const issue = repo.issues.find((i) => i.number === p.number)!;
            return {
              number: p.number,
              title: issue.title,
              body: issue.body ?? "",
              merged: p.merged,
              mergedAt: p.mergedAt,
              headRefOid: p.headSha,
              mergeCommit: p.mergeCommitSha ? { oid: p.mergeCommitSha } : null,
              author: login(issue.user.login),
              mergedBy: login(p.mergedBy),
            };
          }),
      },
    })),
  };
}

/** The latest 50 deployments (of the named environments, when named), oldest first. */
function latestDeployments(repo: FakeRepository, environments: unknown) {
  return {
    nodes: repo.deployments
      .filter((d) => !Array.isArray(environments) || environments.includes(d.environment))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      .slice(-50)
      .map((d) => ({ environment: d.environment, commitOid: d.sha, createdAt: d.createdAt, creator: login(d.creator), latestStatus: { state: d.state } })),
  };
}

/** The branch's commits since a time (with the merged PRs they belong to), and the deployments (of the named environments, when named). */
function activity(state: GitHubState, repo: FakeRepository, variables: Record<string, unknown>): GraphqlAnswer {
  const head = state.resolveRef(repo, String(variables.ref ?? ""));
  return {
    known: true,
    body: {
      data: {
        repository: {
          ref: head ? { target: { oid: head, history: historyPage(state, repo, { head, since: String(variables.since ?? ""), after: variables.after, pageSize: HISTORY_PAGE }) } } : null,
          ...(variables.withDeployments === true ? { deployments: latestDeployments(repo, variables.environments) } : {}),
        },
      },
    },
  };
}

/** The check suites of a commit holding runs of one name: one suite per app, with its latest run of that name. */
function guardSuites(repo: FakeRepository, sha: string, checkName: string) {
  const runs = repo.checkRuns.filter((r) => r.headSha === sha && r.name === checkName);
  const apps = [...new Set(runs.map((r) => r.app.slug))];
  return {
    nodes: apps.map((slug) => {
      const latest = runs.filter((r) => r.app.slug === slug).at(-1)!;
      return {
        app: { slug },
        repository: { nameWithOwner: repo.fullName },
        checkRuns: {
          nodes: [
            {
              databaseId: latest.id,
              status: latest.status.toUpperCase(),
              conclusion: latest.conclusion?.toUpperCase() ?? null,
              title: latest.output.title,
              summary: latest.output.summary,
              text: latest.output.text,
            },
          ],
        },
      };
    }),
  };
}

/**
 * How a commit reached where it is: for each `$branchN`, `Ref.compare(headRef: $sha)`'s status
 * (`BEHIND`/`IDENTICAL` when the branch contains it); the commit's message and people; its
 * `Pipeline Guard` suites; the PRs that merged it, hold it or have it as their head.
 */
function provenance(state: GitHubState, repo: FakeRepository, variables: Record<string, unknown>): GraphqlAnswer {
  const oid = String(variables.oid ?? "");
  const checkName = String(variables.checkName ?? "");
  const repository: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (!/^branch\d+$/.test(name)) continue;
    const head = state.resolveRef(repo, String(value));
    const known = repo.commits.has(oid);
    const status = !head || !known ? null : head === oid ? "IDENTICAL" : state.ancestors(repo, head).has(oid) ? "BEHIND" : state.ancestors(repo, oid).has(head) ? "AHEAD" : "DIVERGED";
    repository[name] = head ? { compare: status ? { status } : null } : null;
  }
  const commit = repo.commits.get(oid);
  const actor = (login: string | null) => {
    const user = login ? state.user(login) : null;
    return user ? { __typename: user.type === "Bot" ? "Bot" : "User", login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login } : null;
  };
  repository.object = commit
    ? {
        __typename: "Commit",
        message: commit.message,
        author: { email: commit.authorEmail, user: commit.author ? { login: commit.author } : null },
        committer: { email: commit.authorEmail, user: commit.author ? { login: commit.author } : null },
        checkSuites: guardSuites(repo, oid, checkName),
        associatedPullRequests: {
          nodes: [...repo.pulls.values()]
            .filter((p) => p.mergeCommitSha === oid || p.headSha === oid || p.commits.includes(oid))
            .map((p) => {
              const issue = repo.issues.find((i) => i.number === p.number)!;
              return {
                number: p.number,
                state: p.merged ? "MERGED" : issue.state.toUpperCase(),
                merged: p.merged,
                mergedAt: p.mergedAt,
                title: issue.title,
                body: issue.body ?? "",
                author: actor(issue.user.login),
                mergedBy: actor(p.mergedBy),
                baseRefName: p.baseRef,
                baseRefOid: p.baseSha,
                headRefOid: p.headSha,
                headRepository: { nameWithOwner: p.headRepo },
                baseRepository: { nameWithOwner: repo.fullName },
                mergeCommit: p.mergeCommitSha ? { oid: p.mergeCommitSha } : null,
                commits: { totalCount: p.commits.length, nodes: [{ commit: { oid: p.headSha, checkSuites: guardSuites(repo, p.headSha, checkName) } }] },
              };
            }),
        },
      }
    : null;
  return { known: true, body: { data: { repository } } };
}

/** A stand-in for a ruleset's `updatedAt`: the fake keeps rules, not rulesets, so a change of a branch's rules changes this time. */
function rulesetUpdatedAt(rules: unknown[]): string {
  const digest = createHash("sha256").update(JSON.stringify(rules)).digest().readUInt32BE(0);
  return new Date(Date.UTC(2020, 0, 1) + digest * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * `PipelineGuardFingerprints` (src/github/repository-fingerprints.ts): for each alias `rN`
 * (variables `oN`, `nN`, branches `rNbB`) the cheap facts of a repository; for each `gN` the head
 * of the owner's `.github` repository. A repository the token may not read is null, with an
 * error, as GitHub answers.
 */
function fingerprints(state: GitHubState, variables: Record<string, unknown>, canRead: (repo: FakeRepository) => boolean): GraphqlAnswer {
  const data: Record<string, unknown> = {};
  const errors: Array<{ type: string; message: string; path: string[] }> = [];
  for (const [name, value] of Object.entries(variables)) {
    const alias = /^o(\d+)$/.exec(name);
    if (!alias) continue;
    const n = alias[1]!;
    const fullName = `${String(value)}/${String(variables[`n${n}`])}`;
    const repo = state.repository(fullName);
    if (!repo || !canRead(repo)) {
      data[`r${n}`] = null;
      errors.push({ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${fullName}'.`, path: [`r${n}`] });
      continue;
    }
    const answer: Record<string, unknown> = {
      defaultBranchRef: repo.branches.has(repo.defaultBranch) ? { name: repo.defaultBranch, target: { oid: repo.branches.get(repo.defaultBranch) } } : null,
      branchProtectionRules: {
        nodes: [...repo.protection.entries()].map(([pattern, p]) => ({
          pattern,
          allowsDeletions: p.allowDeletions,
          allowsForcePushes: p.allowForcePushes,
          blocksCreations: false,
          dismissesStaleReviews: false,
          isAdminEnforced: p.enforceAdmins,
          lockBranch: false,
          requiredApprovingReviewCount: p.approvingReviews,
          requiredStatusCheckContexts: p.contexts,
          requireLastPushApproval: false,
          requiresApprovingReviews: p.approvingReviews > 0,
          requiresCodeOwnerReviews: false,
          requiresCommitSignatures: false,
          requiresConversationResolution: false,
          requiresLinearHistory: false,
          requiresStatusChecks: p.contexts.length > 0,
          requiresStrictStatusChecks: true,
          restrictsPushes: false,
        })),
      },
      rulesets: { nodes: [...repo.rules.entries()].filter(([, rules]) => rules.length > 0).map(([branch, rules]) => ({ databaseId: createHash("sha256").update(branch).digest().readUInt16BE(0), enforcement: "ACTIVE", updatedAt: rulesetUpdatedAt(rules) })) },
      deployments: {
        nodes: [...repo.deployments]
          .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
          .slice(-5)
          .map((d) => ({ databaseId: d.id, environment: d.environment, commitOid: d.sha, latestStatus: { state: d.state, createdAt: d.createdAt } })),
      },
    };
    for (const [branchVar, ref] of Object.entries(variables)) {
      const b = new RegExp(`^r${n}b(\\d+)$`).exec(branchVar)?.[1];
      if (b === undefined) continue;
      const head = repo.branches.get(String(ref).replace(/^refs\/heads\//, ""));
      const suites = repo.runs
        .filter((r) => r.headSha === head)
        .slice(-10)
        .map((r) => ({
          databaseId: r.id,
          status: r.status.toUpperCase(),
          conclusion: r.conclusion?.toUpperCase() ?? null,
          updatedAt: r.updatedAt,
          workflowRun: { databaseId: r.id, event: r.event, file: { path: repo.workflows.find((w) => w.id === r.workflowId)?.path ?? "" } },
        }));
      answer[`b${b}`] = head ? { target: { oid: head, ...(b === "0" ? { checkSuites: { nodes: suites } } : {}) } } : null;
    }
    data[`r${n}`] = answer;
  }
  for (const [name, value] of Object.entries(variables)) {
    if (!/^g\d+$/.test(name)) continue;
    const repo = state.repository(`${String(value)}/.github`);
    if (!repo || !canRead(repo)) {
      data[name] = null;
      errors.push({ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${String(value)}/.github'.`, path: [name] });
      continue;
    }
    data[name] = { defaultBranchRef: { target: { oid: repo.branches.get(repo.defaultBranch) ?? null } } };
  }
  return { known: true, body: errors.length > 0 ? { data, errors } : { data } };
}

/** `.github/pipeline-guard.yml` of a repository as `object(expression: "HEAD:…") { ... on Blob }` answers it (the fake keeps one set of files). */
function blobHolder(repo: FakeRepository) {
  const text = repo.files.get(".github/pipeline-guard.yml");
  return { object: text === undefined ? null : { text, isTruncated: false } };
}

/** `PipelineGuardConfigBlobs` (src/github/full-read-facts.ts): each `rN`'s and each owner's `.github` (`gN`) configuration file. */
function configBlobs(state: GitHubState, variables: Record<string, unknown>, canRead: (repo: FakeRepository) => boolean): GraphqlAnswer {
  const data: Record<string, unknown> = {};
  const errors: Array<{ type: string; message: string; path: string[] }> = [];
  for (const [name, value] of Object.entries(variables)) {
    const alias = /^o(\d+)$/.exec(name) ? `r${name.slice(1)}` : /^g\d+$/.test(name) ? name : null;
    if (!alias) continue;
    const fullName = alias.startsWith("r") ? `${String(value)}/${String(variables[`n${name.slice(1)}`])}` : `${String(value)}/.github`;
    const repo = state.repository(fullName);
    if (!repo || !canRead(repo)) {
      data[alias] = null;
      errors.push({ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${fullName}'.`, path: [alias] });
      continue;
    }
    data[alias] = blobHolder(repo);
  }
  return { known: true, body: errors.length > 0 ? { data, errors } : { data } };
}

/** Classic protection as `Ref.branchProtectionRule` answers it, from the same record as REST's answer (which always has both the checks and the reviews parts). */
function classicRule(spec: { contexts: string[]; enforceAdmins: boolean; approvingReviews: number; allowForcePushes: boolean; allowDeletions: boolean } | undefined) {
  if (!spec) return null;
  return {
    requiresStatusChecks: true,
    requiredStatusCheckContexts: spec.contexts,
    requiredStatusChecks: spec.contexts.map((context) => ({ context })),
    requiresApprovingReviews: true,
    requiredApprovingReviewCount: spec.approvingReviews,
    requiresCodeOwnerReviews: false,
    dismissesStaleReviews: false,
    isAdminEnforced: spec.enforceAdmins,
    allowsForcePushes: spec.allowForcePushes,
    allowsDeletions: spec.allowDeletions,
    requiresLinearHistory: false,
    requiresCommitSignatures: false,
    requiresConversationResolution: false,
  };
}

/** REST's rules of a branch (`GET .../rules/branches/{branch}`) as `Ref.rules` answers them: upper-case types, camel-case parameters. */
function graphqlRules(rules: unknown[]) {
  return rules.map((raw) => {
    const rule = raw as { type?: string; parameters?: Record<string, unknown> };
    const parameters = rule.parameters ?? {};
    const type = String(rule.type ?? "");
    if (type === "pull_request") {
      return {
        type: "PULL_REQUEST",
        parameters: {
          requiredApprovingReviewCount: parameters.required_approving_review_count,
          requireCodeOwnerReview: parameters.require_code_owner_review,
          dismissStaleReviewsOnPush: parameters.dismiss_stale_reviews_on_push,
          requiredReviewThreadResolution: parameters.required_review_thread_resolution,
        },
      };
    }
    if (type === "required_status_checks") {
      return { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: ((parameters.required_status_checks ?? []) as Array<{ context: string }>).map((c) => ({ context: c.context })) } };
    }
    return { type: type.toUpperCase(), parameters: null };
  });
}

/**
 * `PipelineGuardFullReads` (src/github/full-read-facts.ts): for each `rN` (`oN`, `nN`) and each of
 * its branches `bB` (`rNbB`) the history's first page, head, classic rule and rules (when asked);
 * its deployments when `eN` is declared. A repository the token may not read is null, with an error.
 */
function fullReadFacts(state: GitHubState, request: { query: string; variables: Record<string, unknown>; pageSize: number }, canRead: (repo: FakeRepository) => boolean): GraphqlAnswer {
  const { query, variables } = request;
  const data: Record<string, unknown> = {};
  const errors: Array<{ type: string; message: string; path: string[] }> = [];
  for (const [name, value] of Object.entries(variables)) {
    const n = /^o(\d+)$/.exec(name)?.[1];
    if (n === undefined) continue;
    const fullName = `${String(value)}/${String(variables[`n${n}`])}`;
    const repo = state.repository(fullName);
    if (!repo || !canRead(repo)) {
      data[`r${n}`] = null;
      errors.push({ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${fullName}'.`, path: [`r${n}`] });
      continue;
    }
    const answer: Record<string, unknown> = {};
    const withProtection = new RegExp(`b\\d+: ref\\(qualifiedName: \\$r${n}b\\d+\\) \\{ branchProtectionRule`).test(query);
    for (const [branchVar, ref] of Object.entries(variables)) {
      const b = new RegExp(`^r${n}b(\\d+)$`).exec(branchVar)?.[1];
      if (b === undefined) continue;
      const branch = String(ref).replace(/^refs\/heads\//, "");
      const head = repo.branches.get(branch);
      answer[`b${b}`] = head
        ? {
            ...(withProtection ? { branchProtectionRule: classicRule(repo.protection.get(branch)), rules: { nodes: graphqlRules(repo.rules.get(branch) ?? []) } } : {}),
            target: { oid: head, history: historyPage(state, repo, { head, since: String(variables.since ?? ""), after: null, pageSize: request.pageSize }) },
          }
        : null;
    }
    if (new RegExp(`\\$e${n}: `).test(query)) answer.deployments = latestDeployments(repo, variables[`e${n}`]);
    data[`r${n}`] = answer;
  }
  return { known: true, body: errors.length > 0 ? { data, errors } : { data } };
}
