import { CHECK_OUTPUT_LIMIT } from "../../src/github/check-runs.js";
import { parseCheckMemory, readCheckMemory, renderCheckMemory, type CheckMemory } from "../../src/overrides/check-memory.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";
import { APP_IDENTITY } from "../helpers/github-replies.js";

setUpGatewayNock();

const HEAD = "a".repeat(40);
const PREVIOUS = "b".repeat(40);
const RUNS = `/repos/octo/app/commits/${HEAD}/check-runs`;

const memory = (partial: Partial<CheckMemory> = {}): CheckMemory => ({
  pr: 2,
  head: HEAD,
  introducers: [{ login: "walt", via: "title", markers: ["skip-tests"] }],
  commits: {
    count: 2,
    base: "main",
    digest: "d",
    markers: [{ name: "skip-tests", written: "[skip-tests]", locations: [{ source: "commit", sha: "c".repeat(40) }] }],
    people: [{ login: "alice", role: "author", sha: "c".repeat(40), markers: ["skip-tests"] }],
  },
  ...partial,
});

const run = (id: number, text: string | null, slug = APP_IDENTITY.slug) => ({ id, conclusion: "failure", output: { title: "t", text }, app: { id: 1, slug } });

describe("renderCheckMemory / parseCheckMemory", () => {
  test("what is written is read back, for this PR and head only", () => {
    const text = renderCheckMemory(memory());
    expect(text.startsWith("<!-- pipeline-guard:check-memory ")).toBe(true);
    expect(parseCheckMemory(text, { pr: 2, head: HEAD })).toEqual(memory());
    expect(parseCheckMemory(text, { pr: 3, head: HEAD })).toBeNull();
    expect(parseCheckMemory(text, { pr: 2, head: PREVIOUS })).toBeNull();
  });

  test("no value can close the HTML comment early", () => {
    const text = renderCheckMemory(memory({ commits: null, introducers: [{ login: "x", via: "body", markers: ["a --> <b>"] }] }));
    expect(text.indexOf("-->")).toBe(text.length - 3);
    expect(parseCheckMemory(text, { pr: 2, head: HEAD })?.introducers[0]?.markers).toEqual(["a --> <b>"]);
  });

  test.each([
    ["no text", null],
    ["no block", "just words"],
    ["an unclosed block", "<!-- pipeline-guard:check-memory {"],
    ["broken JSON", "<!-- pipeline-guard:check-memory {nope -->"],
    ["another version", `<!-- pipeline-guard:check-memory {"v":2,"pr":2,"head":"${HEAD}","introducers":[],"commits":null} -->`],
  ])("%s: nothing remembered", (_name, text) => {
    expect(parseCheckMemory(text, { pr: 2, head: HEAD })).toBeNull();
  });

  test("too big with its commits: they are left out (read again next time); the introducers never are", () => {
    const shas = Array.from({ length: 2000 }, (_, i) => i.toString(16).padStart(40, "0"));
    const big = memory();
    big.commits!.markers[0]!.locations = shas.map((sha) => ({ source: "commit" as const, sha }));
    const text = renderCheckMemory(big);
    expect(text.length).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(parseCheckMemory(text, { pr: 2, head: HEAD })).toEqual({ ...memory(), commits: null });

    const crowd = Array.from({ length: 2000 }, (_, i) => ({ login: `user-${i}`, via: "body" as const, markers: ["skip-tests"] }));
    expect(() => renderCheckMemory(memory({ introducers: crowd }))).toThrow(/too many people/);
  });
});

describe("readCheckMemory", () => {
  test("the app's latest run on the head: one call (after the app's own login)", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(RUNS)
      .query({ check_name: "Pipeline Guard", filter: "latest", per_page: 100 })
      .reply(200, { total_count: 2, check_runs: [run(9, renderCheckMemory(memory({ commits: null })), "github-actions"), run(5, renderCheckMemory(memory()))] });
    expect(await readCheckMemory(gw, { sha: HEAD, pr: 2 })).toEqual(memory());
    expect(requests).toHaveLength(1);
  });

  test("no run of the app at all: nothing remembered, one call", async () => {
    const { gw, api } = nockGateway();
    api.get(RUNS).query(true).reply(200, { total_count: 0, check_runs: [] });
    expect(await readCheckMemory(gw, { sha: HEAD, pr: 2 })).toBeNull();
  });

  test("the latest run holds only a partial memory: the older runs are read, down to the newest whole one, and joined", async () => {
    const { gw, api } = nockGateway();
    const partial = renderCheckMemory({ pr: 2, head: HEAD, introducers: [{ login: "mallory", via: "body", markers: ["hotfix"] }], commits: null, partial: true });
    api
      .get(RUNS)
      .query({ check_name: "Pipeline Guard", filter: "latest", per_page: 100 })
      .reply(200, { total_count: 1, check_runs: [run(7, partial)] })
      .get(RUNS)
      .query({ check_name: "Pipeline Guard", filter: "all", per_page: 100 })
      .reply(200, {
        total_count: 4,
        check_runs: [run(3, renderCheckMemory(memory({ introducers: [] }))), run(7, partial), run(5, renderCheckMemory(memory())), run(6, "no memory here")],
      });
    const read = await readCheckMemory(gw, { sha: HEAD, pr: 2 });
    expect(read?.introducers).toEqual([{ login: "mallory", via: "body", markers: ["hotfix"] }, ...memory().introducers]);
    expect(read?.commits).toEqual(memory().commits);
  });

  test("only partial memories: they are all there is", async () => {
    const { gw, api } = nockGateway();
    const partial = renderCheckMemory({ pr: 2, head: HEAD, introducers: [], commits: null, partial: true });
    api.get(RUNS).query({ check_name: "Pipeline Guard", filter: "latest", per_page: 100 }).reply(200, { total_count: 1, check_runs: [run(7, partial)] });
    api.get(RUNS).query({ check_name: "Pipeline Guard", filter: "all", per_page: 100 }).reply(200, { total_count: 1, check_runs: [run(7, partial)] });
    expect(await readCheckMemory(gw, { sha: HEAD, pr: 2 })).toEqual({ pr: 2, head: HEAD, introducers: [], commits: null });
  });

  test("a memory that owes a previous head's introducers gets them", async () => {
    const { gw, api } = nockGateway();
    api
      .get(RUNS)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [run(7, renderCheckMemory(memory({ carryFrom: PREVIOUS, commits: null })))] })
      .get(`/repos/octo/app/commits/${PREVIOUS}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [run(4, renderCheckMemory({ pr: 2, head: PREVIOUS, introducers: [{ login: "bob", via: "push", markers: ["x"] }], commits: null }))] });
    expect(await readCheckMemory(gw, { sha: HEAD, pr: 2 })).toEqual({
      pr: 2,
      head: HEAD,
      commits: null,
      introducers: [...memory().introducers, { login: "bob", via: "push", markers: ["x"] }],
    });
  });

  test("a chain of owed heads too long: an error (the check fails closed)", async () => {
    const { gw, api } = nockGateway();
    api
      .get(/\/repos\/octo\/app\/commits\/[ab]+\/check-runs/)
      .query(true)
      .times(4)
      .reply(200, (uri) => {
        const sha = /commits\/([ab]+)\//.exec(uri)![1]!;
        const other = sha === HEAD ? PREVIOUS : HEAD;
        return { total_count: 1, check_runs: [run(1, renderCheckMemory({ pr: 2, head: sha, introducers: [], commits: null, carryFrom: other }))] };
      });
    await expect(readCheckMemory(gw, { sha: HEAD, pr: 2 })).rejects.toThrow(/still owed by more than 3 previous heads/);
  });

  test("more runs than one page and none of them the app's memory: an error rather than a guess", async () => {
    const { gw, api } = nockGateway();
    const forged = Array.from({ length: 100 }, (_, i) => run(i + 1, renderCheckMemory(memory({ introducers: [] })), "github-actions"));
    api.get(RUNS).query({ check_name: "Pipeline Guard", filter: "latest", per_page: 100 }).reply(200, { total_count: 150, check_runs: forged });
    api.get(RUNS).query({ check_name: "Pipeline Guard", filter: "all", per_page: 100 }).reply(200, { total_count: 300, check_runs: forged });
    await expect(readCheckMemory(gw, { sha: HEAD, pr: 2 })).rejects.toThrow(/too many Pipeline Guard check runs/);
  });

  test("the app's own login unknown: an error, nothing trusted", async () => {
    const { gw } = nockGateway();
    await expect(readCheckMemory({ ...gw, appLogin: async () => undefined }, { sha: HEAD, pr: 2 })).rejects.toThrow(/own login could not be learned/);
  });
});
