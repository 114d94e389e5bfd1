import { validateConfig } from "../../src/config/validate-config.js";
import { findMissingRecords, type KnownRecords } from "../../src/drift/find-missing-records.js";
import type { HistoryCommit } from "../../src/github/repository-activity.js";

const config = (raw: Record<string, unknown> = {}) => validateConfig(raw).config;
const NONE: KnownRecords = { followUpKeys: new Set(), coveredShas: new Set() };
const sha = (c: string) => c.repeat(40).slice(0, 40);

function commit(changes: Partial<HistoryCommit> & { sha: string }): HistoryCommit {
  return { message: "Change", committedAt: "2026-03-09T10:00:00Z", author: "carol", pr: null, ...changes };
}

function pr(number: number, title: string, body = "", changes: Partial<NonNullable<HistoryCommit["pr"]>> = {}): NonNullable<HistoryCommit["pr"]> {
  return { number, title, body, author: "alice", mergedBy: "bob", mergedAt: "2026-03-08T09:00:00Z", ...changes };
}

const find = (history: HistoryCommit[], known = NONE, raw: Record<string, unknown> = {}, appLogin?: string) =>
  findMissingRecords({ history, known, branch: "main", config: config(raw), appLogin });

describe("findMissingRecords: merged PRs", () => {
  test("a marker in the title, body or merge commit message makes one follow-up record, keyed by the PR", () => {
    const cases: HistoryCommit[] = [
      commit({ sha: sha("1"), pr: pr(1, "Quick fix [skip-tests]") }),
      commit({ sha: sha("2"), pr: pr(2, "Quick fix", "Shipping now [hotfix]\n\n## Justification\nOutage.") }),
      commit({ sha: sha("3"), message: "Merge pull request #3\n\n[skip ci] bump", pr: pr(3, "Bump") }),
    ];
    const { followUps, bypass } = find(cases);
    expect(bypass).toBeNull();
    expect(followUps.map((r) => [r.pr?.number, r.markers, r.labels, r.items, r.justification])).toEqual([
      [1, ["skip-tests"], ["skip-tests"], ["retest"], null],
      [2, ["emergency-deploy"], ["emergency-deploy"], ["postmortem", "review"], "Outage."],
      [3, ["skip-tests"], ["skip-tests"], ["retest"], null],
    ]);
  });

  test("the record of a PR: author, merger, merge time, the unmet note of a missed webhook", () => {
    const [record] = find([commit({ sha: sha("1"), pr: pr(1, "Fix [skip-tests] [emergency-deploy]") })]).followUps;
    expect(record).toEqual({
      pr: { number: 1, title: "Fix [skip-tests] [emergency-deploy]" },
      sha: sha("1"),
      branch: "main",
      markers: ["skip-tests", "emergency-deploy"],
      labels: ["skip-tests", "emergency-deploy"],
      items: ["retest", "postmortem", "review"],
      author: "alice",
      merger: "bob",
      at: new Date("2026-03-08T09:00:00Z"),
      justification: null,
      unmet: [expect.stringContaining("Recorded by the drift scan (the webhook was missed)")],
    });
  });

  test("a PR whose merge brought its own commits into the history makes one record", () => {
    const history = [
      commit({ sha: sha("m"), pr: pr(7, "Fix [skip-tests]") }),
      commit({ sha: sha("a"), message: "wip [skip ci]", pr: pr(7, "Fix [skip-tests]") }),
      commit({ sha: sha("b"), message: "wip", pr: pr(7, "Fix [skip-tests]") }),
    ];
    expect(find(history).followUps.map((r) => r.sha)).toEqual([sha("m")]);
  });

  test("a PR already followed up (its key pr=N is known) makes none", () => {
    const known: KnownRecords = { followUpKeys: new Set(["pr=1"]), coveredShas: new Set() };
    expect(find([commit({ sha: sha("1"), pr: pr(1, "Fix [skip-tests]") })], known).followUps).toEqual([]);
  });

  test("markers quoted in inline code or a fenced block of the PR body do not count", () => {
    const body = "Use `[skip-tests]` only in emergencies.\n\n```\n[hotfix]\n```";
    expect(find([commit({ sha: sha("1"), pr: pr(1, "Docs", body) })]).followUps).toEqual([]);
  });

  test("a PR without markers is no record and no bypass", () => {
    expect(find([commit({ sha: sha("1"), pr: pr(1, "Add the cache") })])).toEqual({ followUps: [], bypass: null });
  });

  test("markers of the repository's config, not the defaults", () => {
    const raw = { markers: { "db-migration": { label: "db-migration", follow_up: ["review"] } } };
    const history = [commit({ sha: sha("1"), pr: pr(1, "Migrate [db migration]") }), commit({ sha: sha("2"), pr: pr(2, "Fix [skip-tests]") })];
    expect(find(history, NONE, raw).followUps.map((r) => [r.pr?.number, r.markers, r.items])).toEqual([[1, ["db-migration"], ["review"]]]);
  });
});

describe("findMissingRecords: direct pushes", () => {
  test("commits without a PR make one bypass record, keyed by the newest, listing each", () => {
    const history = [commit({ sha: sha("2"), message: "Second\n\nbody" }), commit({ sha: sha("p"), pr: pr(1, "Clean") }), commit({ sha: sha("1"), message: "First", author: null })];
    const { bypass, followUps } = find(history);
    expect(followUps).toEqual([]);
    expect(bypass).toEqual({
      kind: "direct push",
      branch: "main",
      sha: sha("2"),
      actor: "carol",
      at: new Date("2026-03-09T10:00:00Z"),
      details: [expect.stringContaining("the pusher is not known")],
      commits: [
        { sha: sha("2"), message: "Second\n\nbody" },
        { sha: sha("1"), message: "First" },
      ],
    });
  });

  test("commits covered by an issue (a bypass's commits, a follow-up's SHA) are left out", () => {
    const known: KnownRecords = { followUpKeys: new Set(), coveredShas: new Set([sha("2")]) };
    const history = [commit({ sha: sha("2") }), commit({ sha: sha("1") })];
    expect(find(history, known).bypass?.commits?.map((c) => c.sha)).toEqual([sha("1")]);
    expect(find(history, { followUpKeys: new Set(), coveredShas: new Set([sha("1"), sha("2")]) }).bypass).toBeNull();
  });

  test("allowed actors and the app itself, whatever the case, are exempt", () => {
    const history = [commit({ sha: sha("2"), author: "Release-Bot" }), commit({ sha: sha("1"), author: "pipeline-guard[bot]" })];
    expect(find(history, NONE, { bypass: { allowed_actors: ["release-bot"] } }, "Pipeline-Guard[bot]").bypass).toBeNull();
  });

  test("a direct commit with a marker is a follow-up keyed by its SHA, justified from its body, not a bypass", () => {
    const history = [commit({ sha: sha("1"), message: "Fix login [Skip_Tests]\n\nJustification: customers are locked out" })];
    const { followUps, bypass } = find(history);
    expect(bypass).toBeNull();
    expect(followUps).toEqual([
      expect.objectContaining({ sha: sha("1"), markers: ["skip-tests"], author: "carol", merger: "carol", justification: "customers are locked out", at: new Date("2026-03-09T10:00:00Z") }),
    ]);
    expect(followUps[0]).not.toHaveProperty("pr");
    expect(find(history, { followUpKeys: new Set([`sha=${sha("1")}`]), coveredShas: new Set() }).followUps).toEqual([]);
  });

  test("an empty history: nothing", () => {
    expect(find([])).toEqual({ followUps: [], bypass: null });
  });
});

describe("findMissingRecords: commits whose author has no GitHub account", () => {
  test("are bypasses whether or not the app's login is known (an empty login exempts nobody)", () => {
    const history = [commit({ sha: sha("1"), author: null })];
    expect(find(history).bypass).toMatchObject({ sha: sha("1"), actor: null });
    expect(find(history, NONE, {}, "pipeline-guard[bot]").bypass).toMatchObject({ sha: sha("1") });
  });
});

describe("findMissingRecords: a squash commit that repeats the PR body", () => {
  const body = "Adds the cache.\r\n\r\n<!-- Markers: write [skip-tests] only in an emergency -->\r\n\r\n```\r\n[emergency-deploy]\r\n```";

  test("markers the PR template explains (comment, fenced block) do not count from the commit's copy of the body", () => {
    const history = [commit({ sha: sha("1"), message: `Add the cache (#12)\n\n${body.replace(/\r\n/g, "\n")}`, pr: pr(12, "Add the cache", body) })];
    expect(find(history)).toEqual({ followUps: [], bypass: null });
  });

  test("a marker of the squashed commits' list still counts", () => {
    const history = [commit({ sha: sha("1"), message: `Add the cache (#12)\n\n* wip [skip ci]\n\n* tidy`, pr: pr(12, "Add the cache", body) })];
    expect(find(history).followUps.map((r) => r.markers)).toEqual([["skip-tests"]]);
  });
});
