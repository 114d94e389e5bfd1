import type { Gateway } from "./gateway.js";

/** One reviewer's latest opinion of a PR: approved or changes requested, on which commit. */
export interface ReviewOpinion {
  /** null: a deleted account ("ghost"). */
  login: string | null;
  isBot: boolean;
  state: string;
  /** The commit the review was submitted on; null when GitHub no longer knows it. */
  commitSha: string | null;
}

/**
 * GitHub's `latestOpinionatedReviews` holds each reviewer's latest APPROVED or CHANGES_REQUESTED
 * review (a dismissed review is no longer an opinion), with its commit: one call for the two-person
 * rule, whatever the number of comments. 100 reviewers is one page; more is not paged through (the
 * caller fails closed).
 */
export const REVIEWERS_PAGE = 100;

export const APPROVALS_QUERY = `query PipelineGuardApprovals($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      latestOpinionatedReviews(first: ${REVIEWERS_PAGE}) {
        totalCount
        pageInfo { hasNextPage }
        nodes { state author { __typename login } commit { oid } }
      }
    }
  }
}`;

interface ApprovalsResponse {
  repository: {
    pullRequest: {
      latestOpinionatedReviews: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean };
        nodes: Array<{ state: string; author: { __typename: string; login: string } | null; commit: { oid: string } | null } | null> | null;
      } | null;
    } | null;
  } | null;
}

export class TooManyReviewersError extends Error {
  override name = "TooManyReviewersError";
  constructor(readonly count: number) {
    super(`${count} reviewers, more than the ${REVIEWERS_PAGE} Pipeline Guard reads`);
  }
}

/**
 * Each reviewer's latest opinion of PR `number`. Throws when GitHub's answer lacks the PR or its
 * reviews, or when there are more reviewers than one page: the check fails closed, it never
 * counts approvals it could not read.
 */
export async function latestReviewOpinions(gw: Gateway, number: number): Promise<ReviewOpinion[]> {
  const data = await gw.octokit.graphql<ApprovalsResponse>(APPROVALS_QUERY, { owner: gw.owner, repo: gw.repo, number });
  const reviews = data.repository?.pullRequest?.latestOpinionatedReviews;
  if (!reviews?.nodes) throw new Error(`the reviews of pull request #${number} could not be read`);
  if (reviews.pageInfo.hasNextPage || reviews.totalCount > REVIEWERS_PAGE) throw new TooManyReviewersError(reviews.totalCount);
  return reviews.nodes.flatMap((node) =>
    node
      ? [{ login: node.author?.login ?? null, isBot: node.author?.__typename === "Bot", state: node.state, commitSha: node.commit?.oid ?? null }]
      : [],
  );
}
