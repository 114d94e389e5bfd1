import { REQUIRED_CHECKS_QUERY, requiredChecksState } from "../../src/github/required-checks.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

function response(options: { protection?: Array<string | null> | null; rules?: unknown[]; nodes?: unknown[] }) {
  return {
    data: {
      repository: {
        pullRequest: {
          baseRef: {
            branchProtectionRule: options.protection === null ? null : { requiredStatusCheckContexts: options.protection ?? [] },
            rules: { nodes: options.rules ?? [] },
          },
          commits: { nodes: [{ commit: { oid: "abc", statusCheckRollup: { contexts: { nodes: options.nodes ?? [] } } } }] },
        },
      },
    },
  };
}

describe("requiredChecksState", () => {
  test("required from classic protection and rulesets; failing, pending and missing ones reported", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(
      200,
      response({
        protection: ["ci", null, "lint"],
        rules: [
          { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "e2e" }, { context: "ci" }] } },
          { type: "PULL_REQUEST", parameters: {} },
          null,
          { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "security" }] } },
          { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "deploy-preview" }] } },
        ],
        nodes: [
          { __typename: "CheckRun", name: "ci", status: "COMPLETED", conclusion: "SUCCESS" },
          { __typename: "StatusContext", context: "lint", state: "FAILURE" },
          { __typename: "CheckRun", name: "e2e", status: "IN_PROGRESS", conclusion: null },
          { __typename: "CheckRun", name: "security", status: "COMPLETED", conclusion: "SKIPPED" },
          { __typename: "CheckRun", name: "not-required", status: "COMPLETED", conclusion: "FAILURE" },
          null,
        ],
      }),
    );

    const state = await requiredChecksState(gw, 7);

    expect(state.required.sort()).toEqual(["ci", "deploy-preview", "e2e", "lint", "security"]);
    expect(state.failing).toEqual([
      { name: "lint", result: "failure" },
      { name: "e2e", result: "in_progress" },
      { name: "deploy-preview", result: "missing" },
    ]);
    expect(requests[0]?.body).toEqual({ query: REQUIRED_CHECKS_QUERY, variables: { owner: "octo", repo: "app", number: 7 } });
  });

  test("nothing required: nothing failing", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, response({ protection: null, nodes: [{ __typename: "CheckRun", name: "ci", status: "COMPLETED", conclusion: "FAILURE" }] }));
    expect(await requiredChecksState(gw, 7)).toEqual({ required: [], failing: [] });
  });

  test("every required check green or neutral: nothing failing", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(
      200,
      response({
        protection: ["a", "b"],
        nodes: [
          { __typename: "CheckRun", name: "a", status: "COMPLETED", conclusion: "NEUTRAL" },
          { __typename: "StatusContext", context: "b", state: "SUCCESS" },
        ],
      }),
    );
    expect((await requiredChecksState(gw, 7)).failing).toEqual([]);
  });

  test("a PR GitHub does not return: nothing required", async () => {
    const { gw, api } = nockGateway();
    api.post("/graphql").reply(200, { data: { repository: { pullRequest: null } } });
    expect(await requiredChecksState(gw, 7)).toEqual({ required: [], failing: [] });
  });
});
