/**
 * The fake's `POST /api/graphql`: it knows the two queries Pipeline Guard sends, recognized by
 * their text (src/github/required-checks.ts and src/github/repository-activity.ts), and answers
 * them from the state in GraphQL's shapes. Any other query gets a GraphQL error, so that a
 * changed query fails a test loudly instead of being answered wrongly.
 */
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

const notFound = (path: string, message: string): GraphqlAnswer => ({ known: true, body: { data: { repository: null }, errors: [{ type: "NOT_FOUND", message: `${message} (${path})` }] } });

export function answerGraphql(state: GitHubState, request: GraphqlRequest, canRead: (repo: FakeRepository) => boolean): GraphqlAnswer {
  const { query, variables } = request;
  const repo = state.repository(`${String(variables.owner)}/${String(variables.repo)}`);
  const matched = REQUIRED_CHECKS.test(query) || ACTIVITY.test(query);
  if (!matched) return { known: false, body: { errors: [{ message: "fake GitHub: this query is not one Pipeline Guard sends (see test/e2e/fake-graphql.ts)" }] } };
  if (!repo || !canRead(repo)) return notFound("repository", `Could not resolve to a Repository with the name '${String(variables.owner)}/${String(variables.repo)}'.`);
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

/** The branch's commits since a time (with the merged PRs they belong to), and the deployments (of the named environments, when named). */
function activity(state: GitHubState, repo: FakeRepository, variables: Record<string, unknown>): GraphqlAnswer {
  const ref = String(variables.ref ?? "");
  const head = state.resolveRef(repo, ref);
  const since = String(variables.since ?? "");
  const offset = variables.after ? Number(Buffer.from(String(variables.after), "base64").toString().replace("cursor:", "")) : 0;
  const commits = head ? state.history(repo, head).filter((c) => !since || c.date >= since.replace(/\.\d{3}Z$/, "Z")) : [];
  const page = commits.slice(offset, offset + HISTORY_PAGE);
  const end = offset + page.length;
  const pulls = [...repo.pulls.values()];
  const login = (name: string | null) => (name ? { login: name } : null);
  return {
    known: true,
    body: {
      data: {
        repository: {
          ref: head
            ? {
                target: {
                  history: {
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
                              mergeCommit: p.mergeCommitSha ? { oid: p.mergeCommitSha } : null,
                              author: login(issue.user.login),
                              mergedBy: login(p.mergedBy),
                            };
                          }),
                      },
                    })),
                  },
                },
              }
            : null,
          ...(variables.withDeployments === true
            ? {
                deployments: {
                  nodes: repo.deployments
                    .filter((d) => !Array.isArray(variables.environments) || variables.environments.includes(d.environment))
                    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
                    .slice(-50)
                    .map((d) => ({ environment: d.environment, commitOid: d.sha, createdAt: d.createdAt, creator: login(d.creator), latestStatus: { state: d.state } })),
                },
              }
            : {}),
        },
      },
    },
  };
}
