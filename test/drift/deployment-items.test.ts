import { deploymentItems, latestSuccessfulDeployments } from "../../src/drift/deployment-items.js";
import type { DeploymentFact } from "../../src/github/repository-activity.js";

const SHA = "deadbeefcafe0000000000000000000000000000";

function deployment(changes: Partial<DeploymentFact> = {}): DeploymentFact {
  return { environment: "production", sha: SHA, creator: "deploy-bot", createdAt: "2026-03-09T11:00:00Z", state: "success", ...changes };
}

describe("latestSuccessfulDeployments", () => {
  test("the newest successful one of each production environment, sorted by environment", () => {
    const facts = [
      deployment({ environment: "prod-us", sha: "a", createdAt: "2026-03-01T00:00:00Z" }),
      deployment({ environment: "prod-eu", sha: "b", createdAt: "2026-03-02T00:00:00Z" }),
      deployment({ environment: "prod-us", sha: "c", createdAt: "2026-03-03T00:00:00Z" }),
      deployment({ environment: "prod-us", sha: "d", createdAt: "2026-03-04T00:00:00Z", state: "failure" }),
      deployment({ environment: "prod-us", sha: "e", createdAt: "2026-03-05T00:00:00Z", state: null }),
      deployment({ environment: "staging", sha: "f", createdAt: "2026-03-06T00:00:00Z" }),
    ];
    expect(latestSuccessfulDeployments(facts, ["prod-*"]).map((d) => [d.environment, d.sha])).toEqual([
      ["prod-eu", "b"],
      ["prod-us", "c"],
    ]);
  });

  test.each([
    [["production"], "production", true],
    [["production"], "Production", false],
    [["production"], "production-eu", false],
    [["prod*"], "production-eu", true],
    [["prod/**"], "prod/eu/1", true],
    [[".hidden"], ".hidden", true],
    [[], "production", false],
  ])("environments %j match %s: %s", (environments, environment, expected) => {
    expect(latestSuccessfulDeployments([deployment({ environment })], environments)).toHaveLength(expected ? 1 : 0);
  });

  test("of two at the same time, the later listed (GitHub lists oldest first) wins", () => {
    const facts = [deployment({ sha: "first" }), deployment({ sha: "second" })];
    expect(latestSuccessfulDeployments(facts, ["production"]).map((d) => d.sha)).toEqual(["second"]);
  });
});

describe("deploymentItems", () => {
  test("on a production branch with anyone allowed: nothing", () => {
    expect(deploymentItems({ deployment: deployment(), onProductionBranch: true, branches: ["master"], allowedCreators: [] })).toEqual([]);
  });

  test("not on a production branch: deployment:<environment>, with how to roll back from each branch", () => {
    expect(deploymentItems({ deployment: deployment({ creator: "mallory" }), onProductionBranch: false, branches: ["main", "release/*"], allowedCreators: [] })).toEqual([
      {
        id: "deployment:production",
        kind: "deployment",
        title: "`production` runs deadbee, which is not on a production branch",
        details: ["deployed at 2026-03-09 11:00 UTC by `mallory`"],
        fix: "Merge the change through a pull request, or roll back: Deploy `production` again from `main` or `release/*` through the pipeline.",
      },
    ]);
  });

  test.each([
    ["deploy-bot", ["Deploy-Bot"], false],
    ["DEPLOY-BOT", ["deploy-bot"], false],
    ["mallory", ["deploy-bot"], true],
    [null, ["deploy-bot"], true],
    [null, [], false],
  ])("creator %s with allowed %j: an item %s", (creator, allowedCreators, expected) => {
    const items = deploymentItems({ deployment: deployment({ creator }), onProductionBranch: true, branches: ["master"], allowedCreators });
    expect(items.map((i) => i.id)).toEqual(expected ? ["deployment:production:creator"] : []);
  });

  test("both at once: two items", () => {
    const items = deploymentItems({ deployment: deployment({ creator: null }), onProductionBranch: false, branches: ["master"], allowedCreators: ["deploy-bot"] });
    expect(items.map((i) => i.id)).toEqual(["deployment:production", "deployment:production:creator"]);
    expect(items[0]?.details).toEqual(["deployed at 2026-03-09 11:00 UTC by an unknown author"]);
    expect(items[1]?.title).toBe("`production` was deployed by an unknown author, who is not in drift.deployments.allowed_creators");
  });

  test("an environment name that could break the markdown is escaped, never a code span it can end", () => {
    const [item] = deploymentItems({ deployment: deployment({ environment: "prod`<!-- x -->" }), onProductionBranch: false, branches: ["master"], allowedCreators: [] });
    expect(item?.id).toBe("deployment:prod`<!-- x -->");
    expect(item?.title).not.toContain("<!--");
    expect(item?.title).toContain("prod\\`&lt;\\!-- x --&gt;");
  });
});
