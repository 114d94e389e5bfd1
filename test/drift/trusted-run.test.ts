import { jest } from "@jest/globals";
import { MAX_BRANCH_CHECKS, TRUSTED_EVENTS, distrustOf, newestTrustedRun } from "../../src/drift/trusted-run.js";
import type { WorkflowRunFact } from "../../src/github/terraform-artifact.js";

const ON_BRANCH = "1111111111111111111111111111111111111111";
const OLD_ON_BRANCH = "2222222222222222222222222222222222222222";
const ELSEWHERE = "3333333333333333333333333333333333333333";

function run(id: number, changes: Partial<WorkflowRunFact> = {}): WorkflowRunFact {
  return {
    id,
    conclusion: "success",
    status: "completed",
    html_url: `https://github.com/o/r/actions/runs/${id}`,
    head_sha: ON_BRANCH,
    head_branch: "main",
    event: "schedule",
    fromThisRepository: true,
    updated_at: "2026-03-10T05:00:00Z",
    ...changes,
  };
}

function pick(runs: WorkflowRunFact[], onBranch: (sha: string) => boolean = (sha) => sha === OLD_ON_BRANCH) {
  const isOnBranch = jest.fn(async (sha: string) => onBranch(sha));
  return { isOnBranch, result: newestTrustedRun(runs, { branch: "main", knownShas: new Set([ON_BRANCH]), isOnBranch }) };
}

describe("distrustOf: what a run says of itself (SPEC section 10 rule 8)", () => {
  test("the trusted events are exactly schedule, workflow_dispatch and push", () => {
    expect([...TRUSTED_EVENTS].sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
  });

  test.each<[string, Partial<WorkflowRunFact>, ReturnType<typeof distrustOf>]>([
    ["a scheduled run on the branch", {}, null],
    ["a dispatched run on the branch", { event: "workflow_dispatch" }, null],
    ["a push run on the branch", { event: "push" }, null],
    ["a fork's run", { fromThisRepository: false }, { kind: "fork" }],
    ["a pull request's run, head branch named main", { event: "pull_request" }, { kind: "event", event: "pull_request" }],
    ["pull_request_target", { event: "pull_request_target" }, { kind: "event", event: "pull_request_target" }],
    ["workflow_run", { event: "workflow_run" }, { kind: "event", event: "workflow_run" }],
    ["a run on another branch", { head_branch: "feature" }, { kind: "branch", branch: "feature" }],
    ["a run on no branch", { head_branch: null }, { kind: "branch", branch: null }],
    ["a fork's pull request: the fork is named first", { fromThisRepository: false, event: "pull_request" }, { kind: "fork" }],
  ])("%s", (_name, changes, expected) => {
    expect(distrustOf(run(1, changes), "main")).toEqual(expected);
  });
});

describe("newestTrustedRun", () => {
  test("the newest run that passes; the untrusted newer ones are skipped, not taken (they were, before: the first run counted)", async () => {
    const fork = run(3, { fromThisRepository: false });
    const pr = run(2, { event: "pull_request" });
    const { result, isOnBranch } = pick([fork, pr, run(1)]);
    expect(await result).toEqual(run(1));
    expect(isOnBranch).not.toHaveBeenCalled();
  });

  test("a commit among those the scan read needs no call; another is checked with one call", async () => {
    const { result, isOnBranch } = pick([run(1, { head_sha: OLD_ON_BRANCH })]);
    expect(await result).toEqual(run(1, { head_sha: OLD_ON_BRANCH }));
    expect(isOnBranch.mock.calls).toEqual([[OLD_ON_BRANCH]]);
  });

  test("a run whose commit is not on the branch is skipped (a tag or a dispatch elsewhere can carry the branch's name)", async () => {
    const { result, isOnBranch } = pick([run(2, { head_sha: ELSEWHERE, event: "workflow_dispatch" }), run(1)]);
    expect(await result).toEqual(run(1));
    expect(isOnBranch.mock.calls).toEqual([[ELSEWHERE]]);
  });

  test(`at most ${MAX_BRANCH_CHECKS} compare call: a later unknown commit is not verified and does not count (fails closed)`, async () => {
    expect(MAX_BRANCH_CHECKS).toBe(1);
    const { result, isOnBranch } = pick([run(3, { head_sha: ELSEWHERE }), run(2, { head_sha: OLD_ON_BRANCH }), run(1)]);
    expect(await result).toEqual(run(1));
    expect(isOnBranch).toHaveBeenCalledTimes(1);
  });

  test("runs of one commit are checked once", async () => {
    const { result, isOnBranch } = pick([run(3, { head_sha: ELSEWHERE }), run(2, { head_sha: ELSEWHERE })], () => false);
    expect(await result).toEqual({
      kind: "no-run",
      skipped: [
        { run: run(3, { head_sha: ELSEWHERE }), why: { kind: "commit" } },
        { run: run(2, { head_sha: ELSEWHERE }), why: { kind: "commit" } },
      ],
    });
    expect(isOnBranch).toHaveBeenCalledTimes(1);
  });

  test("none passes: no run, with every skipped run and why", async () => {
    const { result } = pick([run(4, { fromThisRepository: false }), run(3, { event: "pull_request" }), run(2, { head_branch: "dev" }), run(1, { head_sha: ELSEWHERE }), run(0, { head_sha: OLD_ON_BRANCH })], () => false);
    expect(await result).toEqual({
      kind: "no-run",
      skipped: [
        { run: run(4, { fromThisRepository: false }), why: { kind: "fork" } },
        { run: run(3, { event: "pull_request" }), why: { kind: "event", event: "pull_request" } },
        { run: run(2, { head_branch: "dev" }), why: { kind: "branch", branch: "dev" } },
        { run: run(1, { head_sha: ELSEWHERE }), why: { kind: "commit" } },
        { run: run(0, { head_sha: OLD_ON_BRANCH }), why: { kind: "unverified" } },
      ],
    });
  });

  test("no runs at all: no run, nothing skipped", async () => {
    expect(await pick([]).result).toEqual({ kind: "no-run", skipped: [] });
  });

  test("a failed trusted run is still the newest trusted run (its failure is reported, not skipped over)", async () => {
    const { result } = pick([run(2, { conclusion: "failure" }), run(1)]);
    expect(await result).toMatchObject({ id: 2, conclusion: "failure" });
  });
});
