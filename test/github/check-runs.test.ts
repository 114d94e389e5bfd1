import { CHECK_NAME, createCheckRun } from "../../src/github/check-runs.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

type CheckBody = { name: string; head_sha: string; status: string; conclusion: string; output: { title: string; summary: string } };

describe("createCheckRun", () => {
  test("created completed, named Pipeline Guard, with its conclusion and output", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/check-runs`).reply(201, { id: 1 });
    await createCheckRun(gw, { headSha: "abc", conclusion: "failure", title: "T", summary: "S" });
    expect(requests[0]?.body).toEqual({ name: CHECK_NAME, head_sha: "abc", status: "completed", conclusion: "failure", output: { title: "T", summary: "S" } });
    expect(CHECK_NAME).toBe("Pipeline Guard");
  });

  test("a summary past GitHub's 65,535 characters is cut with a note; a long title is cut to 255", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/check-runs`).reply(201, { id: 1 });
    await createCheckRun(gw, { headSha: "abc", conclusion: "success", title: "t".repeat(300), summary: "s".repeat(70_000) });
    const { output } = requests[0]?.body as CheckBody;
    expect(output.title).toHaveLength(255);
    expect(output.summary).toHaveLength(65_535);
    expect(output.summary.endsWith("…(cut to fit GitHub's check run limit)")).toBe(true);
  });

  test("a summary of exactly the limit is not cut", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/check-runs`).reply(201, { id: 1 });
    await createCheckRun(gw, { headSha: "abc", conclusion: "success", title: "t", summary: "s".repeat(65_535) });
    expect((requests[0]?.body as CheckBody).output.summary).toBe("s".repeat(65_535));
  });

  test("a text (the app's memory of the commit) goes into the output, never cut", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/check-runs`).reply(201, { id: 1 });
    await createCheckRun(gw, { headSha: "abc", conclusion: "success", title: "T", summary: "S", text: "<!-- memory -->" });
    expect((requests[0]?.body as CheckBody & { output: { text: string } }).output).toEqual({ title: "T", summary: "S", text: "<!-- memory -->" });
  });

  test("dry run: no request", async () => {
    const { gw, requests } = nockGateway({ dryRun: true });
    await createCheckRun(gw, { headSha: "abc", conclusion: "success", title: "t", summary: "s" });
    expect(requests).toEqual([]);
  });
});
