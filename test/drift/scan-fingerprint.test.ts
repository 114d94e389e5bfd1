import { FULL_SCAN_MAX_AGE_MS, fingerprintOf, fullScanNeed, recheckTime, rememberScan, terraformStaleAt, type ScanMemoryEntry } from "../../src/drift/scan-fingerprint.js";
import type { RepositoryFacts } from "../../src/github/repository-fingerprints.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const HOUR = 3_600_000;

function facts(changes: Partial<RepositoryFacts> = {}): RepositoryFacts {
  return {
    defaultBranch: "main",
    defaultHead: "a1",
    orgConfigHead: null,
    heads: { main: "a1" },
    classicProtection: [{ pattern: "main", requiredApprovingReviewCount: 1 }],
    rulesets: [],
    deployments: [{ databaseId: 9, latestStatus: { state: "SUCCESS" } }],
    suites: [],
    ...changes,
  };
}

function entry(changes: Partial<ScanMemoryEntry> = {}): ScanMemoryEntry {
  return { fingerprint: fingerprintOf(facts()), branches: ["main"], fullScanAt: new Date(NOW.getTime() - HOUR).toISOString(), recheckAt: null, dirtyAt: null, ...changes };
}

const WATCH = { branches: ["main"], recheckAt: null, terraform: null };

describe("fingerprintOf", () => {
  test("the same facts in another key order give the same fingerprint", () => {
    const reordered = Object.fromEntries(Object.entries(facts()).reverse()) as unknown as RepositoryFacts;
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(facts()));
  });

  test.each<[string, Partial<RepositoryFacts>]>([
    ["a production branch's head", { heads: { main: "a2" } }],
    ["the default branch (the configuration's file)", { defaultHead: "c9" }],
    ["the org's .github repository (the fallback configuration)", { orgConfigHead: "g2" }],
    ["classic protection", { classicProtection: [{ pattern: "main", requiredApprovingReviewCount: 0 }] }],
    ["a ruleset", { rulesets: [{ databaseId: 1, updatedAt: "2026-03-10T00:00:00Z" }] }],
    ["a deployment's latest status", { deployments: [{ databaseId: 9, latestStatus: { state: "FAILURE" } }] }],
    ["a workflow run on the head", { suites: [{ id: 1, status: "COMPLETED", conclusion: "SUCCESS", updatedAt: "2026-03-10T00:00:00Z", run: null }] }],
  ])("a change of %s changes the fingerprint", (_what, change) => {
    expect(fingerprintOf(facts(change))).not.toBe(fingerprintOf(facts()));
  });
});

describe("fullScanNeed", () => {
  test("a repository remembered an hour ago, unmarked and not due, may be checked by its fingerprint", () => {
    expect(fullScanNeed(entry(), NOW)).toEqual({ full: false });
  });

  test.each<[string, ScanMemoryEntry | undefined, string]>([
    ["never scanned", undefined, "first scan"],
    ["marked by a webhook", entry({ dirtyAt: NOW.toISOString() }), "changed (webhook)"],
    ["without a fingerprint", entry({ fingerprint: null }), "fingerprint unknown"],
    ["read in full a day ago", entry({ fullScanAt: new Date(NOW.getTime() - FULL_SCAN_MAX_AGE_MS).toISOString() }), "daily reconciliation"],
    ["with an unreadable time of its last full read", entry({ fullScanAt: "yesterday" }), "daily reconciliation"],
    ["with a due time now", entry({ recheckAt: NOW.toISOString() }), "due"],
    ["with an unreadable due time", entry({ recheckAt: "soon" }), "due"],
  ])("%s: read in full", (_what, remembered, why) => {
    expect(fullScanNeed(remembered, NOW)).toEqual({ full: true, why });
  });

  test("a due time still ahead does not force a full read", () => {
    expect(fullScanNeed(entry({ recheckAt: new Date(NOW.getTime() + 1).toISOString() }), NOW)).toEqual({ full: false });
  });
});

describe("rememberScan", () => {
  const started = new Date(NOW.getTime() - 1000);

  test("keeps the fingerprint read before the scan, the branches, the time and no mark", () => {
    expect(rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: facts(), guessed: ["main"], watch: WATCH })).toEqual({
      fingerprint: fingerprintOf(facts()),
      branches: ["main"],
      fullScanAt: NOW.toISOString(),
      recheckAt: null,
      dirtyAt: null,
    });
  });

  test("the scan read other branches than the fingerprint covered: no fingerprint (read in full next time)", () => {
    const remembered = rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: facts(), guessed: ["main"], watch: { ...WATCH, branches: ["main", "release"] } });
    expect(remembered).toMatchObject({ fingerprint: null, branches: ["main", "release"] });
  });

  test("no facts were read: no fingerprint", () => {
    expect(rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: null, guessed: ["main"], watch: WATCH }).fingerprint).toBeNull();
  });

  test("a webhook that marked the repository while the scan ran keeps it marked; the mark that caused the scan is cleared", () => {
    const during = rememberScan({ previous: entry({ dirtyAt: NOW.toISOString() }), startedAt: started, now: NOW, facts: facts(), guessed: ["main"], watch: WATCH });
    expect(during.dirtyAt).toBe(NOW.toISOString());
    const before = rememberScan({ previous: entry({ dirtyAt: new Date(started.getTime() - 1).toISOString() }), startedAt: started, now: NOW, facts: facts(), guessed: ["main"], watch: WATCH });
    expect(before.dirtyAt).toBeNull();
  });

  const terraform = { workflow: "drift.yml", maxAgeHours: 26, dispatch: false };
  const run = (updatedAt: string, path = ".github/workflows/drift.yml", status = "COMPLETED") => ({ id: 1, status, conclusion: "SUCCESS", updatedAt, run: { id: 2, event: "schedule", path } });

  test("a Terraform plan on the head: read in full again when it turns stale (or earlier, when something else is due)", () => {
    const withRun = facts({ suites: [run("2026-03-10T06:00:00Z"), run("2026-03-10T08:00:00Z", ".github/workflows/ci.yml")] });
    const remembered = rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: withRun, guessed: ["main"], watch: { ...WATCH, terraform } });
    expect(remembered).toMatchObject({ fingerprint: fingerprintOf(withRun), recheckAt: "2026-03-11T08:00:00.000Z" });
    const earlier = rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: withRun, guessed: ["main"], watch: { ...WATCH, terraform, recheckAt: "2026-03-10T20:00:00.000Z" } });
    expect(earlier.recheckAt).toBe("2026-03-10T20:00:00.000Z");
  });

  test("no completed run of the plan workflow on the head, or a plan the scan dispatches: read in full every time", () => {
    const running = facts({ suites: [run("2026-03-10T06:00:00Z", ".github/workflows/drift.yml", "IN_PROGRESS")] });
    expect(rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: running, guessed: ["main"], watch: { ...WATCH, terraform } }).fingerprint).toBeNull();
    const withRun = facts({ suites: [run("2026-03-10T06:00:00Z")] });
    expect(rememberScan({ previous: undefined, startedAt: started, now: NOW, facts: withRun, guessed: ["main"], watch: { ...WATCH, terraform: { ...terraform, dispatch: true } } }).fingerprint).toBeNull();
  });

  test("terraformStaleAt reads only completed runs of the configured file, with readable times", () => {
    expect(terraformStaleAt(facts({ suites: [run("not a time"), { ...run("2026-03-10T00:00:00Z"), run: null }] }), terraform)).toBeNull();
    expect(terraformStaleAt(facts({ suites: [run("2026-03-10T00:00:00Z", ".github/workflows/other-drift.yml")] }), terraform)).toBeNull();
  });
});

describe("recheckTime", () => {
  test("nothing time-bound: null", () => {
    expect(recheckTime({ now: NOW, followUpsDue: [], acceptancesUntil: [null] })).toBeNull();
  });

  test("a follow-up not yet due: its due time; past due: the next daily reminder; an acceptance: the end of its day", () => {
    expect(recheckTime({ now: NOW, followUpsDue: ["2026-03-11T00:00:00Z"], acceptancesUntil: ["2026-03-20"] })).toBe("2026-03-11T00:00:00.000Z");
    expect(recheckTime({ now: NOW, followUpsDue: ["2026-03-01T00:00:00Z"], acceptancesUntil: [] })).toBe("2026-03-11T12:00:00.000Z");
    expect(recheckTime({ now: NOW, followUpsDue: [], acceptancesUntil: ["2026-03-10", "2026-03-12T00:00:00Z"] })).toBe("2026-03-11T00:00:00.000Z");
  });

  test("an unreadable time: due now (fails toward a full read)", () => {
    expect(recheckTime({ now: NOW, followUpsDue: ["whenever"], acceptancesUntil: [] })).toBe(NOW.toISOString());
    expect(recheckTime({ now: NOW, followUpsDue: [], acceptancesUntil: ["someday"] })).toBe(NOW.toISOString());
  });
});
