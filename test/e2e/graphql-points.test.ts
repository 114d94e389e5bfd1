/**
 * The fake GitHub charges GraphQL queries by GitHub's published formula; the bench's figures are
 * only as good as this count. The first case is the example of GitHub's documentation
 * ("Calculating a rate limit score before running the call").
 */
import { ACTIVITY_QUERY } from "../../src/github/repository-activity.js";
import { RUN_PULL_REQUESTS_QUERY } from "../../src/github/run-pull-requests.js";
import { graphqlPoints } from "./graphql-points.js";

describe("graphqlPoints", () => {
  test("GitHub's documented example: 1 + 100 + 100×50 + 100×20 = 7,101 requests cost 71 points", () => {
    const query = `query {
      viewer {
        login
        repositories(first: 100) {
          edges { node { id
            issues(first: 50) { edges { node { id labels(first: 60) { edges { node { name } } } } } }
            pullRequests(first: 20) { edges { node { id } } }
          } }
        }
      }
    }`;
    // repositories 1, issues 100, labels 100×50 = 5,000, pullRequests 100: 5,201 requests → 52 points.
    expect(graphqlPoints(query)).toBe(52);
  });

  test("variables give the page sizes, and fragments count where they are spread", () => {
    const query = `query Q($n: Int!) { repository(owner: "o", name: "r") { ...F } }
      fragment F on Repository { issues(first: $n) { nodes { labels(first: 100) { nodes { issues(last: 5) { totalCount } } } } } }`;
    // issues 1 + labels one per issue (100) + issues one per label (100×100): 10,101 requests → 101 points.
    expect(graphqlPoints(query, { n: 100 })).toBe(101);
    // 1 + 10 + 10×100 = 1,011 → 10 points.
    expect(graphqlPoints(query, { n: 10 })).toBe(10);
  });

  test("a query without connections, or one that does not parse, costs the minimum of 1", () => {
    expect(graphqlPoints(`query { viewer { login } }`)).toBe(1);
    expect(graphqlPoints(`not a query`)).toBe(1);
  });

  test("the scan's activity query: history 1 + its PRs 100 + deployments 1 = 102 requests, 1 point", () => {
    expect(graphqlPoints(ACTIVITY_QUERY, { withDeployments: true })).toBe(1);
  });

  test("the immutable check's runs → PR query with the head's verdict: PRs 1 + their files 10 + suites 1 + their runs 5 = 17 requests, 1 point", () => {
    expect(graphqlPoints(RUN_PULL_REQUESTS_QUERY, { withVerdict: true })).toBe(1);
  });
});
