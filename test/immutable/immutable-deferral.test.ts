import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import { followVerdictWithImmutableCheck } from "../../src/immutable/immutable-deferral.js";
import { parseImmutableMemory, renderImmutableMemory, type ImmutableMemory } from "../../src/immutable/immutable-memory.js";
import type { ImmutableJudgement } from "../../src/immutable/judge-immutable-plan.js";
import { writeDeferrableCheck } from "../../src/immutable/write-deferrable-check.js";
import { renderOverrideVerdict } from "../../src/overrides/override-verdict.js";
import { withImmutableCheckLock } from "../../src/immutable/immutable-check-lock.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const HEAD = "c".repeat(40);
const RUN = { id: 7, head_sha: HEAD, html_url: "https://github.com/octo/app/actions/runs/7" };
const CONFIG: Config = { ...DEFAULT_CONFIG, immutable: { ...DEFAULT_CONFIG.immutable, enabled: true, plan_workflow: "plan.yml" } };
const JUDGEMENT: ImmutableJudgement = { checked: 2, immutable: 1, findings: [{ address: "aws_instance.web", kind: "update", actions: ["update"], attributes: "`ami`" }], incomplete: [] };
const IMMUTABLE_QUERY = { check_name: "Pipeline Guard: immutable infrastructure", filter: "latest", per_page: 100 };
type Body = { name: string; conclusion: string; output: { title: string; summary: string; text?: string } };

/** The app's `Pipeline Guard` verdict on the head, as the PR's query gives it (src/github/run-pull-requests.ts). */
function allowedVerdictRun() {
  const text = renderOverrideVerdict({ pr: 12, head: HEAD, allowed: ["emergency-deploy"] });
  return { id: 3, conclusion: "success", title: "Override allowed: emergency-deploy", text };
}

describe("writing the immutable check of a plan whose findings an override may defer", () => {
  test("an allowed [emergency-deploy] verdict defers the findings: success, with the memory", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
    await writeDeferrableCheck(gw, { run: RUN, pr: 12, judgement: JUDGEMENT, verdict: allowedVerdictRun(), config: CONFIG });
    const body = requests[0]?.body as Body;
    expect(body.conclusion).toBe("success");
    expect(parseImmutableMemory(body.output.text, { pr: 12, head: HEAD })).toMatchObject({ deferred: true });
  });

  test("a verdict that was not read (the app's id unknown) defers nothing: the check fails and remembers its findings, for the next evaluation", async () => {
    const { gw, api, requests } = nockGateway();
    api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
    await writeDeferrableCheck(gw, { run: RUN, pr: 12, judgement: JUDGEMENT, verdict: undefined, config: CONFIG });
    const body = requests[0]?.body as Body;
    expect(body).toMatchObject({ name: "Pipeline Guard: immutable infrastructure", conclusion: "failure", output: { title: "`aws_instance.web` would be patched in place" } });
    expect(parseImmutableMemory(body.output.text, { pr: 12, head: HEAD })).toMatchObject({ deferred: false });
  });

  test("findings too big to remember are never deferred, even under an allowed override: nothing could withdraw the deferral", async () => {
    const { gw, api, requests } = nockGateway();
    const findings = Array.from({ length: 50 }, (_, i) => ({ address: `aws_instance.web${i}`, kind: "update" as const, actions: ["update"], attributes: "`x`, ".repeat(400) }));
    api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
    await writeDeferrableCheck(gw, { run: RUN, pr: 12, judgement: { ...JUDGEMENT, findings }, verdict: allowedVerdictRun(), config: CONFIG });
    const body = requests[0]?.body as Body;
    expect(body.conclusion).toBe("failure");
    expect(body.output.text).toBeUndefined();
  });
});

describe("the immutable check following a new verdict", () => {
  const memory: ImmutableMemory = { pr: 12, head: HEAD, runUrl: RUN.html_url, checked: 2, immutable: 1, findings: JUDGEMENT.findings, deferred: true };

  test("waits for the head's immutable check lock: a plan judged meanwhile (its verdict read before this one was written) is written first, then followed", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`/repos/octo/app/commits/${HEAD}/check-runs`)
      .query(IMMUTABLE_QUERY)
      .reply(200, { total_count: 1, check_runs: [{ id: 4, conclusion: "success", output: { title: "t", summary: "s", text: renderImmutableMemory(memory) }, app: { id: 9000, slug: "pipeline-guard" } }] });
    api.post("/repos/octo/app/check-runs").reply(201, { id: 5 });
    let followed: Promise<void> | undefined;
    await withImmutableCheckLock(gw, HEAD.toUpperCase(), async () => {
      followed = followVerdictWithImmutableCheck(gw, { pr: 12, head: HEAD, allowed: [], config: CONFIG });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toEqual([]);
    });
    await followed;
    expect(requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect(requests[1]?.body).toMatchObject({ name: "Pipeline Guard: immutable infrastructure", conclusion: "failure" });
  });

  test("its memory cannot be read and the verdict defers nothing: it fails closed, never left green", async () => {
    for (const [mode, conclusion] of [["enforce", "failure"], ["report", "neutral"]] as const) {
      const { gw, api, requests } = nockGateway();
      api.get(`/repos/octo/app/commits/${HEAD}/check-runs`).query(IMMUTABLE_QUERY).reply(500, {});
      api.post("/repos/octo/app/check-runs").reply(201, { id: 1 });
      await followVerdictWithImmutableCheck(gw, { pr: 12, head: HEAD, allowed: [], config: { ...CONFIG, mode } });
      expect(requests[1]?.body).toMatchObject({ name: "Pipeline Guard: immutable infrastructure", head_sha: HEAD, conclusion, output: { title: "Could not be checked" } });
    }
  });

  test("its memory cannot be read and the verdict still defers: the error propagates and nothing is written", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`/repos/octo/app/commits/${HEAD}/check-runs`).query(IMMUTABLE_QUERY).reply(500, {});
    await expect(followVerdictWithImmutableCheck(gw, { pr: 12, head: HEAD, allowed: ["emergency-deploy"], config: CONFIG })).rejects.toMatchObject({ status: 500 });
    expect(requests).toHaveLength(1);
  });

  test("a memory about another PR or head, or another app's check, is not followed", async () => {
    for (const [text, slug] of [
      [renderImmutableMemory({ ...memory, pr: 13 }), "pipeline-guard"],
      [renderImmutableMemory({ ...memory, head: "d".repeat(40) }), "pipeline-guard"],
      [renderImmutableMemory(memory), "github-actions"],
    ] as const) {
      const { gw, api, requests } = nockGateway();
      api
        .get(`/repos/octo/app/commits/${HEAD}/check-runs`)
        .query(IMMUTABLE_QUERY)
        .reply(200, { total_count: 1, check_runs: [{ id: 4, conclusion: "success", output: { title: "t", summary: "s", text }, app: { id: 1, slug } }] });
      await followVerdictWithImmutableCheck(gw, { pr: 12, head: HEAD, allowed: [], config: CONFIG });
      expect(requests).toHaveLength(1);
    }
  });

  test("the memory escapes what could close its hidden block", () => {
    const text = renderImmutableMemory({ ...memory, findings: [{ ...JUDGEMENT.findings[0]!, address: 'aws_instance.x["--><b>"]' }] })!;
    expect(text.indexOf("-->")).toBe(text.length - 3);
    expect(parseImmutableMemory(text, { pr: 12, head: HEAD })?.findings[0]?.address).toBe('aws_instance.x["--><b>"]');
  });
});
