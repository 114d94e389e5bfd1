import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import type { PlanRun } from "../../src/immutable/check-plan-run.js";
import { newestPlanRun, rerunImmutableCheck } from "../../src/immutable/rerun-immutable-check.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const HEAD = "c".repeat(40);
const CONFIG: Config = { ...DEFAULT_CONFIG, immutable: { ...DEFAULT_CONFIG.immutable, enabled: true, plan_workflow: "plan.yml" } };
const PR = { number: 12, headSha: HEAD, baseRef: "main", headRepo: "octo/app", isCrossRepository: false, changedFiles: 1, files: ["main.tf"] };

function run(id: number, status?: string): PlanRun {
  return {
    id,
    path: ".github/workflows/plan.yml",
    event: "pull_request",
    head_sha: HEAD,
    html_url: `https://github.com/octo/app/actions/runs/${id}`,
    updated_at: "2026-12-01T10:00:00Z",
    conclusion: "success",
    ...(status === undefined ? {} : { status }),
    repository: { id: 1, full_name: "octo/app" },
    head_repository: { id: 1, full_name: "octo/app" },
  };
}

describe("rerunImmutableCheck", () => {
  test("newestPlanRun: the highest id among completed runs; a run that names no status counts as completed (the list asked for completed ones)", () => {
    expect(newestPlanRun([run(3), run(5, "in_progress"), run(4)], { pr: PR, immutable: CONFIG.immutable })?.id).toBe(4);
    expect(newestPlanRun([run(3, "completed"), run(6)], { pr: PR, immutable: CONFIG.immutable })?.id).toBe(6);
    expect(newestPlanRun([], { pr: PR, immutable: CONFIG.immutable })).toBeNull();
  });

  test("without the app's id the verdict is not asked for (nothing can be deferred)", async () => {
    const { gw, api, requests } = nockGateway();
    const plain: typeof gw = { ...gw, appLogin: async () => "pipeline-guard[bot]" };
    api.post("/graphql").reply(200, { data: { repository: { defaultBranchRef: { name: "main" }, pullRequests: { nodes: [] } } } });
    await rerunImmutableCheck(plain, { headSha: HEAD, headBranch: "feature", config: CONFIG });
    expect((requests[0]?.body as { variables: Record<string, unknown> }).variables).toMatchObject({ withVerdict: false });
    expect(requests).toHaveLength(1);
  });

  test("a GraphQL error (no HTTP status): the check fails closed, saying so", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/graphql").reply(200, { data: null, errors: [{ type: "INTERNAL", message: "Something went wrong" }] });
    api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
    await rerunImmutableCheck(gw, { headSha: HEAD, headBranch: "feature", config: { ...CONFIG, mode: "report" } });
    expect(requests[1]?.body).toMatchObject({ name: "Pipeline Guard: immutable infrastructure", conclusion: "neutral", output: { title: "Could not be checked" } });
    expect((requests[1]?.body as { output: { summary: string } }).output.summary).toContain("no answer");
  });
});
