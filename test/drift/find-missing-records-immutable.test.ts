/**
 * Follow-ups the drift scan opens for a merge whose webhook was missed (src/drift/missing-records.ts)
 * get the `replace-N` boxes an allowed `[emergency-deploy]` deferred (issue #13), from the immutable
 * check's memory on the merged PR's head: the same boxes as at a merge seen by webhook.
 */
import { validateConfig } from "../../src/config/validate-config.js";
import { DEFERRALS_UNREAD_NOTE, recordMissing } from "../../src/drift/missing-records.js";
import type { LoadedConfig } from "../../src/config/load-config.js";
import type { HistoryCommit } from "../../src/github/repository-activity.js";
import { renderImmutableMemory, type ImmutableMemory } from "../../src/immutable/immutable-memory.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";
import type { Json } from "../helpers/github-replies.js";

setUpGatewayNock();

const HEAD = "e".repeat(40);
const MERGE = "1".repeat(40);
const IMMUTABLE_QUERY = { check_name: "Pipeline Guard: immutable infrastructure", filter: "latest", per_page: 100 };
const IMMUTABLE_ON = { immutable: { enabled: true, plan_workflow: "plan.yml" } };

function loaded(raw: Record<string, unknown> = IMMUTABLE_ON): LoadedConfig {
  return { ...validateConfig(raw), source: "file" };
}

function history(title = "[emergency-deploy] Raise the pool", headSha: string | undefined = HEAD): Map<string, HistoryCommit[]> {
  const pr = { number: 12, title, body: "", author: "alice", mergedBy: "bob", mergedAt: "2026-11-20T10:00:00Z", ...(headSha ? { headSha } : {}) };
  return new Map([["main", [{ sha: MERGE, message: `${title} (#12)`, committedAt: "2026-11-20T10:00:00Z", author: "alice", pr }]]]);
}

const memory = (partial: Partial<ImmutableMemory> = {}): ImmutableMemory => ({
  pr: 12,
  head: HEAD,
  runUrl: "https://github.com/octo/app/actions/runs/7",
  checked: 3,
  immutable: 2,
  findings: [
    { address: "aws_instance.web", kind: "update", actions: ["update"], attributes: "`ami`" },
    { address: "module.db.aws_instance.this[0]", kind: "destroy-first", actions: ["delete", "create"], attributes: "" },
  ],
  deferred: true,
  ...partial,
});

type Api = ReturnType<typeof nockGateway>["api"];

function immutableCheck(api: Api, runs: Json[]) {
  api.get(`/repos/octo/app/commits/${HEAD}/check-runs`).query(IMMUTABLE_QUERY).reply(200, { total_count: runs.length, check_runs: runs });
}

const ownRun = (text: string | null, slug = "pipeline-guard") => ({ id: 4, conclusion: "success", output: { title: "Deferred", summary: "", text }, app: { id: slug === "pipeline-guard" ? 9000 : 2, slug } });

/** The follow-up's creation: no such record yet, its labels, the issue, and its signing. Returns the created issue's body. */
function followUpCreation(api: Api) {
  api.get("/repos/octo/app/issues").query(true).reply(200, []);
  api.post("/repos/octo/app/labels").times(2).reply(201, {});
  api.post("/repos/octo/app/issues").reply(201, { number: 40, title: "t", body: "", state: "open", labels: [], user: { login: "pipeline-guard[bot]", type: "Bot" } });
  api.patch("/repos/octo/app/issues/40").reply(200, { number: 40 });
}

async function scan(api: Api, gw: ReturnType<typeof nockGateway>["gw"], options: { raw?: Record<string, unknown>; title?: string; headSha?: string | null } = {}) {
  const made = await recordMissing(gw, {
    loaded: loaded(options.raw),
    histories: history(options.title, options.headSha === null ? undefined : (options.headSha ?? HEAD)),
    known: { followUpKeys: new Set(), coveredShas: new Set() },
  });
  expect(made.followUpsMade).toBe(1);
}

function createdBody(requests: ReturnType<typeof nockGateway>["requests"]): string {
  const create = requests.find((r) => r.method === "POST" && r.path === "/repos/octo/app/issues");
  return (create?.body as { body: string }).body;
}

describe("a follow-up the scan opens for a missed merge, and the replacements an [emergency-deploy] deferred", () => {
  test("the immutable check of the PR's head says it deferred them: one replace box per address, for 1 call more", async () => {
    const { gw, api, requests } = nockGateway();
    immutableCheck(api, [ownRun(renderImmutableMemory(memory()))]);
    followUpCreation(api);
    await scan(api, gw);
    expect(requests[0]?.path.split("?")[0]).toBe(`/repos/octo/app/commits/${HEAD}/check-runs`);
    const body = createdBody(requests);
    expect(body).toContain("**Replace** `aws_instance.web` through the pipeline");
    expect(body).toContain("**Replace** `module.db.aws_instance.this[0]` through the pipeline");
  });

  test.each([
    ["the check failed at the merge (deferred: false: nothing was deferred, the merge went over it)", [ownRun(renderImmutableMemory(memory({ deferred: false })))]],
    ["no immutable check of the app's on the head", []],
    ["a check of that name written by another app, with a forged memory", [ownRun(renderImmutableMemory(memory()), "other-app")]],
    ["a memory about another head", [ownRun(renderImmutableMemory(memory({ head: "f".repeat(40) })))]],
  ])("%s: no replace box", async (_name, runs) => {
    const { gw, api, requests } = nockGateway();
    immutableCheck(api, runs);
    followUpCreation(api);
    await scan(api, gw);
    expect(createdBody(requests)).not.toContain("**Replace**");
  });

  test.each([
    ["immutable checks off", { raw: {} }],
    ["no [emergency-deploy] marker", { title: "[skip-tests] Raise the pool" }],
    ["the PR's head not known", { headSha: null }],
  ] as const)("%s: no read, no replace box", async (_name, options) => {
    const { gw, api, requests } = nockGateway();
    followUpCreation(api);
    await scan(api, gw, options);
    expect(requests.some((r) => r.path.includes("/check-runs"))).toBe(false);
    expect(createdBody(requests)).not.toContain("**Replace**");
  });

  test("a direct push with [emergency-deploy] (no PR, no plan check of a PR): no read, no replace box", async () => {
    const { gw, api, requests } = nockGateway();
    followUpCreation(api);
    const made = await recordMissing(gw, {
      loaded: loaded(),
      histories: new Map([["main", [{ sha: MERGE, message: "[emergency-deploy] raise the pool", committedAt: "2026-11-20T10:00:00Z", author: "alice", pr: null }]]]),
      known: { followUpKeys: new Set(), coveredShas: new Set() },
    });
    expect(made.followUpsMade).toBe(1);
    expect(requests.some((r) => r.path.includes("/check-runs"))).toBe(false);
    expect(createdBody(requests)).not.toContain("**Replace**");
  });

  test("the immutable check cannot be read: the follow-up is still opened, without boxes, and says so", async () => {
    const { gw, api, requests, logs } = nockGateway();
    api.get(`/repos/octo/app/commits/${HEAD}/check-runs`).query(IMMUTABLE_QUERY).reply(502, {});
    followUpCreation(api);
    await scan(api, gw);
    const body = createdBody(requests);
    expect(body).not.toContain("**Replace**");
    expect(body).toContain(DEFERRALS_UNREAD_NOTE.slice(0, 60));
    expect(logs.some((line) => line.msg === "the immutable check of a merged PR's head could not be read: its follow-up is opened without deferred replacements")).toBe(true);
  });
});
