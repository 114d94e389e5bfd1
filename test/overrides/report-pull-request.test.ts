import { TooManyCommitsError } from "../../src/github/commits.js";
import { parseCheckMemory } from "../../src/overrides/check-memory.js";
import { reportEvaluationError } from "../../src/overrides/report-pull-request.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const HEAD = "a".repeat(40);
type Body = { head_sha: string; conclusion: string; output: { title: string; summary: string; text?: string } };

describe("reportEvaluationError", () => {
  test("a memory too big to keep is written as an empty partial one: the next reader goes back to the older memory", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
    const crowd = Array.from({ length: 2000 }, (_, i) => ({ login: `user-${i}`, via: "body" as const, markers: ["skip-tests"] }));

    await reportEvaluationError(gw, { headShas: [HEAD], loaded: null, error: new Error("too many people"), memory: { pr: 2, head: HEAD, introducers: crowd, commits: null } });

    const body = requests[0]?.body as Body;
    expect(body).toMatchObject({ head_sha: HEAD, conclusion: "failure", output: { title: "Could not be checked" } });
    expect(parseCheckMemory(body.output.text, { pr: 2, head: HEAD })).toEqual({ pr: 2, head: HEAD, introducers: [], commits: null, partial: true });
  });

  test("too many commits: its own title and message; only the head carries the memory", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/repos/octo/app/check-runs").times(2).reply(201, { id: 1 });

    await reportEvaluationError(gw, { headShas: [HEAD, "b".repeat(40)], loaded: null, error: new TooManyCommitsError(1200), memory: { pr: 2, head: HEAD, introducers: [], commits: null } });

    const [head, other] = requests.map((r) => r.body as Body);
    expect(head?.output).toMatchObject({
      title: "Not checked: too many commits",
      summary: "This pull request has more than 1,000 commits: Pipeline Guard does not page through them; split the PR.\n",
    });
    expect(head?.output.text).toContain("pipeline-guard:check-memory");
    expect(other?.output.text).toBeUndefined();
  });
});
