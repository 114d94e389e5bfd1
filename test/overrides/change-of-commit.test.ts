import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { AssociatedPullRequest, CommitProvenanceFacts, GuardCheckRun } from "../../src/github/commit-provenance.js";
import { renderCheckMemory } from "../../src/overrides/check-memory.js";
import { changeOfCommit, isVerdict, latestOwnCheck, rememberedOfHead } from "../../src/overrides/change-of-commit.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OWN = { appLogin: "pipeline-guard[bot]", repository: "acme/app" };

function run(partial: Partial<GuardCheckRun> = {}): GuardCheckRun {
  return { id: 1, appSlug: "pipeline-guard", repository: "acme/app", status: "completed", conclusion: "success", title: "T", summary: null, text: null, ...partial };
}

function pr(number: number, partial: Partial<AssociatedPullRequest["facts"]> = {}, headChecks: GuardCheckRun[] | null = []): AssociatedPullRequest {
  return {
    state: partial.merged === false ? "open" : "merged",
    headChecks,
    facts: {
      number,
      title: "t",
      body: null,
      updatedAt: null,
      author: "alice",
      headSha: `${number}`.padStart(40, "a"),
      baseSha: "b".repeat(40),
      baseRef: "main",
      headRepo: "acme/app",
      baseRepo: "acme/app",
      commits: 1,
      labels: [],
      merged: true,
      mergedBy: "bob",
      mergeCommitSha: null,
      mergedAt: "2026-01-01T00:00:00Z",
      ...partial,
    },
  };
}

function facts(partial: { containing?: string[]; message?: string; checks?: GuardCheckRun[]; pullRequests?: AssociatedPullRequest[] } = {}): CommitProvenanceFacts {
  return {
    sha: SHA,
    branchesChecked: ["main"],
    containing: partial.containing ?? ["main"],
    commit: { message: partial.message ?? "Fix", author: "alice", committer: "alice", checks: partial.checks ?? [], pullRequests: partial.pullRequests ?? [] },
  };
}

const change = (f: CommitProvenanceFacts, branches: string[] = []) =>
  changeOfCommit({ facts: f, config: { production: { ...DEFAULT_CONFIG.production, branches }, markers: DEFAULT_CONFIG.markers }, defaultBranch: "main", own: OWN });

describe("latestOwnCheck: only the app's own runs in this repository count", () => {
  test("the highest id among the app's runs; a workflow's or another repository's run of the same name is ignored", () => {
    const runs = [run({ id: 3 }), run({ id: 9, appSlug: "github-actions" }), run({ id: 8, repository: "mallory/app" }), run({ id: 5, conclusion: "failure" })];
    expect(latestOwnCheck(runs, OWN)?.id).toBe(5);
  });

  test("case does not matter; none of the app's: null", () => {
    expect(latestOwnCheck([run({ appSlug: "Pipeline-Guard", repository: "ACME/app" })], OWN)?.id).toBe(1);
    expect(latestOwnCheck([run({ appSlug: null })], OWN)).toBeNull();
  });
});

describe("isVerdict", () => {
  test.each<[string, GuardCheckRun | null, boolean]>([
    ["a failure", run({ conclusion: "failure" }), true],
    ["a neutral", run({ conclusion: "neutral" }), true],
    ["could not be checked", run({ conclusion: "failure", title: "Could not be checked" }), false],
    ["still running", run({ status: "in_progress", conclusion: null }), false],
    ["none", null, false],
  ])("%s → %p", (_name, check, expected) => {
    expect(isVerdict(check)).toBe(expected);
  });
});

describe("changeOfCommit", () => {
  test("a merged PR's merge commit: the PR, with its head's own latest check", () => {
    const result = change(facts({ pullRequests: [pr(2, { mergeCommitSha: SHA }, [run({ id: 4, conclusion: "failure" }), run({ id: 6, appSlug: "github-actions" })])] }));
    expect(result).toMatchObject({ kind: "pull-request", branch: "main", pr: { number: 2 }, headCheck: { id: 4 }, headChecksRead: true });
  });

  test("the merge commit's PR wins over another merged PR that holds the commit", () => {
    expect(change(facts({ pullRequests: [pr(1), pr(2, { mergeCommitSha: SHA })] }))).toMatchObject({ kind: "pull-request", pr: { number: 2 } });
  });

  test("a commit one merged PR brought (not its merge commit): that PR", () => {
    expect(change(facts({ pullRequests: [pr(3, { mergeCommitSha: "c".repeat(40) })] }))).toMatchObject({ kind: "pull-request", pr: { number: 3 } });
  });

  test("two merged PRs, neither merging this commit: no PR can be named, judged as pushed (the stricter road)", () => {
    expect(change(facts({ pullRequests: [pr(1), pr(2)] }))).toMatchObject({ kind: "direct-push" });
  });

  test("a PR merged into a branch that is not production, or still open: not the change that brought it", () => {
    expect(change(facts({ pullRequests: [pr(1, { baseRef: "develop", mergeCommitSha: SHA }), pr(2, { merged: false })] }))).toMatchObject({ kind: "direct-push", markers: [] });
  });

  test("production branches by glob: a PR merged into a matching branch counts", () => {
    expect(change(facts({ containing: ["release/2"], pullRequests: [pr(1, { baseRef: "release/2", mergeCommitSha: SHA })] }), ["release/*"])).toMatchObject({ kind: "pull-request", branch: "release/2" });
  });

  test("a direct push with a marker in its message, with the app's own check", () => {
    const result = change(facts({ message: "[hotfix] now", checks: [run({ id: 2 }), run({ id: 7, appSlug: "other-app" })] }));
    expect(result).toMatchObject({ kind: "direct-push", branch: "main", markers: [{ name: "emergency-deploy" }], check: { id: 2 } });
  });

  test("off the production branches: the PR whose head it is, else none", () => {
    expect(change(facts({ containing: [], pullRequests: [pr(4, { headSha: SHA, merged: false })] }))).toMatchObject({ kind: "pull-request", branch: null, pr: { number: 4 } });
    expect(change(facts({ containing: [], checks: [run()] }))).toMatchObject({ kind: "none", check: { id: 1 } });
  });

  test("an unknown commit", () => {
    expect(change({ ...facts(), commit: null })).toEqual({ kind: "unknown-commit" });
  });

  test("a PR whose head's runs could not be read", () => {
    expect(change(facts({ pullRequests: [pr(2, { mergeCommitSha: SHA }, null)] }))).toMatchObject({ kind: "pull-request", headCheck: null, headChecksRead: false });
  });
});

describe("rememberedOfHead: what the provenance query tells of a PR head's memory", () => {
  const HEAD = `${2}`.padStart(40, "a");
  const ofHead = (headChecks: GuardCheckRun[] | null) => {
    const found = change(facts({ pullRequests: [pr(2, { mergeCommitSha: SHA }, headChecks)] }));
    if (found.kind !== "pull-request") throw new Error(`expected a pull request, got ${found.kind}`);
    return found;
  };

  test("no check of the app's on the head: nothing remembered, no call needed (null)", () => {
    expect(rememberedOfHead(ofHead([]))).toBeNull();
  });

  test("the head's runs could not be read: only a read of them can tell (undefined)", () => {
    expect(rememberedOfHead(ofHead(null))).toBeUndefined();
  });

  test("the app's latest check holds a whole memory: it is used as it is", () => {
    const text = renderCheckMemory({ pr: 2, head: HEAD, introducers: [{ login: "walt", via: "title" as const, markers: ["skip-tests"] }], commits: null });
    expect(rememberedOfHead(ofHead([run({ text })]))?.introducers).toEqual([{ login: "walt", via: "title" as const, markers: ["skip-tests"] }]);
  });

  test("a partial memory, or one of another head, is not enough: the runs are read (undefined)", () => {
    const partial = renderCheckMemory({ pr: 2, head: HEAD, introducers: [], commits: null, partial: true });
    const other = renderCheckMemory({ pr: 2, head: "0".repeat(40), introducers: [], commits: null });
    expect(rememberedOfHead(ofHead([run({ text: partial })]))).toBeUndefined();
    expect(rememberedOfHead(ofHead([run({ text: other })]))).toBeUndefined();
  });
});
