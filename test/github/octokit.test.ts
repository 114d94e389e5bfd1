import { jest } from "@jest/globals";
import nock from "nock";
import { PipelineGuardOctokit, SECONDARY_RATE_LIMIT_RETRIES } from "../../src/github/octokit.js";

const API = "https://api.github.com";
const SECONDARY = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };

function client() {
  const warn = jest.fn();
  const log = { warn, debug: jest.fn(), info: jest.fn(), error: jest.fn(), trace: jest.fn(), fatal: jest.fn(), child: () => log };
  const octokit = new PipelineGuardOctokit({
    auth: { token: "test-token" },
    log,
    retry: { enabled: false },
    // GitHub's retry-after, in milliseconds instead of seconds: the test does not wait.
    throttle: { retryAfterBaseValue: 1 },
  });
  return { octokit, warn };
}

describe("PipelineGuardOctokit", () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  test("a secondary rate limit is waited out and retried", async () => {
    const { octokit, warn } = client();
    const scope = nock(API)
      .get("/repos/o/r")
      .reply(403, SECONDARY, { "retry-after": "1" })
      .get("/repos/o/r")
      .reply(200, { full_name: "o/r" });

    const { data } = await octokit.rest.repos.get({ owner: "o", repo: "r" });

    expect(data.full_name).toBe("o/r");
    expect(scope.isDone()).toBe(true);
    expect(warn).toHaveBeenCalledWith("secondary rate limit on GET /repos/{owner}/{repo}: retry 1 in 1 s");
  });

  test("a 429 secondary rate limit on a write (the status GitHub also uses) is waited out and the write retried", async () => {
    const { octokit, warn } = client();
    const scope = nock(API)
      .post("/repos/o/r/check-runs", (body: { name?: string }) => body.name === "Pipeline Guard")
      .reply(429, SECONDARY, { "retry-after": "2" })
      .post("/repos/o/r/check-runs", (body: { name?: string }) => body.name === "Pipeline Guard")
      .reply(201, { id: 7 });

    const { data } = await octokit.rest.checks.create({ owner: "o", repo: "r", name: "Pipeline Guard", head_sha: "a".repeat(40) });

    expect(data.id).toBe(7);
    expect(scope.isDone()).toBe(true);
    expect(warn).toHaveBeenCalledWith("secondary rate limit on POST /repos/{owner}/{repo}/check-runs: retry 1 in 2 s");
  });

  test(`gives up after ${SECONDARY_RATE_LIMIT_RETRIES} retries: the error reaches the caller`, async () => {
    const { octokit, warn } = client();
    const scope = nock(API)
      .get("/repos/o/r")
      .times(SECONDARY_RATE_LIMIT_RETRIES + 1)
      .reply(403, SECONDARY, { "retry-after": "1" });

    await expect(octokit.rest.repos.get({ owner: "o", repo: "r" })).rejects.toMatchObject({ status: 403 });

    expect(scope.isDone()).toBe(true);
    expect(warn).toHaveBeenCalledTimes(SECONDARY_RATE_LIMIT_RETRIES + 1);
  });

  test("a plain 403 is not retried", async () => {
    const { octokit } = client();
    nock(API).get("/repos/o/r").reply(403, { message: "Resource not accessible by integration" });
    await expect(octokit.rest.repos.get({ owner: "o", repo: "r" })).rejects.toMatchObject({ status: 403 });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
