/**
 * A fixture of known records for `pipeline-guard report`: two repositories, three teams' people, a
 * 90-day period ending 2026-12-01 and the previous 90 days. Every figure the report computes from
 * it is worked out by hand in test/audit/report-figures.test.ts.
 */
import type { BypassFact, MergeFact, OverrideFact, ReportFacts } from "../../src/audit/report-figures.js";

export const UNTIL = new Date("2026-12-01T00:00:00Z");
export const SINCE = new Date("2026-09-02T00:00:00Z"); // 90 days before

const override = (partial: Partial<OverrideFact> & Pick<OverrideFact, "repository" | "at" | "author" | "markers">): OverrideFact => {
  const due = new Date(Date.parse(partial.at) + 48 * 3_600_000).toISOString();
  return { pr: null, dueAt: due, state: "open", closedAt: null, done: false, waived: false, retestAt: null, ...partial };
};

export const OVERRIDES: OverrideFact[] = [
  // 1: done a day after the merge (on time); its retest went green after 6 h.
  override({ repository: "acme/api", at: "2026-11-01T00:00:00.000Z", author: "alice", markers: ["skip-tests"], pr: 1, state: "closed", closedAt: "2026-11-02T00:00:00.000Z", done: true, retestAt: "2026-11-01T06:00:00.000Z" }),
  // 2: done five days after the merge (late: due after 2).
  override({ repository: "acme/api", at: "2026-11-10T00:00:00.000Z", author: "bob", markers: ["emergency-deploy"], pr: 2, state: "closed", closedAt: "2026-11-15T00:00:00.000Z", done: true }),
  // 3: a direct push, still open past due; retest green after 12 h.
  override({ repository: "acme/api", at: "2026-11-20T00:00:00.000Z", author: "alice", markers: ["skip-tests", "emergency-deploy"], retestAt: "2026-11-20T12:00:00.000Z" }),
  // 4: open, not yet due (due 2026-12-01 12:00).
  override({ repository: "acme/web", at: "2026-11-29T12:00:00.000Z", author: "carol", markers: ["skip-tests"], pr: 7 }),
  // 5: waived (/pipeline-guard waive).
  override({ repository: "acme/web", at: "2026-10-01T00:00:00.000Z", author: "bob", markers: ["skip-tests"], pr: 5, state: "closed", closedAt: "2026-10-04T00:00:00.000Z", waived: true }),
  // 6: closed as not planned, without a reason.
  override({ repository: "acme/web", at: "2026-10-05T00:00:00.000Z", author: "carol", markers: ["emergency-deploy"], pr: 6, state: "closed", closedAt: "2026-10-06T00:00:00.000Z" }),
  // 7: the previous period.
  override({ repository: "acme/api", at: "2026-08-01T00:00:00.000Z", author: "alice", markers: ["skip-tests"], pr: 3, state: "closed", closedAt: "2026-08-02T00:00:00.000Z", done: true }),
  // 8: before both periods: in no figure.
  override({ repository: "acme/api", at: "2026-05-01T00:00:00.000Z", author: "alice", markers: ["skip-tests"], pr: 9 }),
];

export const BYPASSES: BypassFact[] = [
  { repository: "acme/api", at: "2026-11-05T00:00:00.000Z", actor: "dana", kind: "direct push" },
  { repository: "acme/api", at: "2026-11-06T00:00:00.000Z", actor: "bob", kind: "force push" },
  { repository: "acme/web", at: "2026-11-07T00:00:00.000Z", actor: "carol", kind: "direct push" },
  // The previous period: not counted.
  { repository: "acme/api", at: "2026-07-01T00:00:00.000Z", actor: "dana", kind: "direct push" },
];

export const MERGES: MergeFact[] = [
  { repository: "acme/api", at: "2026-11-01T00:00:00.000Z", author: "alice" },
  { repository: "acme/api", at: "2026-11-10T00:00:00.000Z", author: "bob" },
  { repository: "acme/api", at: "2026-09-10T00:00:00.000Z", author: "carol" },
  { repository: "acme/api", at: "2026-10-10T00:00:00.000Z", author: "dana" },
  { repository: "acme/web", at: "2026-10-01T00:00:00.000Z", author: "bob" },
  { repository: "acme/web", at: "2026-10-05T00:00:00.000Z", author: "carol" },
  { repository: "acme/web", at: "2026-11-29T12:00:00.000Z", author: "carol" },
  { repository: "acme/web", at: "2026-11-11T00:00:00.000Z", author: "alice" },
  // The previous period: not counted.
  { repository: "acme/api", at: "2026-08-01T00:00:00.000Z", author: "alice" },
];

export const TEAMS: Record<string, string[]> = { alice: ["payments"], bob: ["payments", "sre"] };

export function reportFacts(): ReportFacts {
  return {
    until: UNTIL,
    since: SINCE,
    overrides: OVERRIDES,
    bypasses: BYPASSES,
    merges: MERGES,
    teamsOf: (login) => (login ? (TEAMS[login] ?? []) : []),
    notes: [],
  };
}
