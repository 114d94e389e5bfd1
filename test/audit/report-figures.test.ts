import { computeReport, median, type ReportRow } from "../../src/audit/report-figures.js";
import { renderReport, reportToMarkdown, sparkline } from "../../src/audit/report-formats.js";
import { reportFacts } from "../helpers/report-fixture.js";

const report = computeReport(reportFacts());
const row = (rows: ReportRow[], name: string): ReportRow => {
  const found = rows.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
};

describe("the report's figures on the fixture of known issues (each number worked out by hand)", () => {
  test("the period and the previous one of the same length", () => {
    expect(report.period).toEqual({ since: "2026-09-02T00:00:00.000Z", until: "2026-12-01T00:00:00.000Z", previousSince: "2026-06-04T00:00:00.000Z" });
  });

  test("by repository: acme/api", () => {
    expect(row(report.byRepository, "acme/api")).toEqual({
      name: "acme/api",
      overrides: { count: 3, previous: 1, change: 2 },
      trend: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0],
      bypasses: { "direct push": 1, "force push": 1 },
      followUps: { onTime: 1, late: 1, openPastDue: 1, waived: 0, closedWithoutReason: 0, notYetDue: 0 },
      medianHoursMergeToDone: 72,
      medianHoursOverrideToGreenRetest: 9,
      productionMerges: { merges: 4, overrides: 2, share: 0.5 },
    });
  });

  test("by repository: acme/web", () => {
    expect(row(report.byRepository, "acme/web")).toEqual({
      name: "acme/web",
      overrides: { count: 3, previous: 0, change: 3 },
      trend: [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1],
      bypasses: { "direct push": 1 },
      followUps: { onTime: 0, late: 0, openPastDue: 0, waived: 1, closedWithoutReason: 1, notYetDue: 1 },
      medianHoursMergeToDone: null,
      medianHoursOverrideToGreenRetest: null,
      productionMerges: { merges: 4, overrides: 3, share: 0.75 },
    });
    expect(report.byRepository.map((r) => r.name)).toEqual(["acme/api", "acme/web"]);
  });

  test("by team of the author: an author in two teams counts in both; no team is (no team)", () => {
    expect(report.byTeam.map((r) => r.name)).toEqual(["(no team)", "payments", "sre"]);
    expect(row(report.byTeam, "payments")).toEqual({
      name: "payments",
      overrides: { count: 4, previous: 1, change: 3 },
      trend: [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0],
      bypasses: { "force push": 1 },
      followUps: { onTime: 1, late: 1, openPastDue: 1, waived: 1, closedWithoutReason: 0, notYetDue: 0 },
      medianHoursMergeToDone: 72,
      medianHoursOverrideToGreenRetest: 9,
      productionMerges: { merges: 4, overrides: 3, share: 0.75 },
    });
    expect(row(report.byTeam, "sre")).toEqual({
      name: "sre",
      overrides: { count: 2, previous: 0, change: 2 },
      trend: [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0],
      bypasses: { "force push": 1 },
      followUps: { onTime: 0, late: 1, openPastDue: 0, waived: 1, closedWithoutReason: 0, notYetDue: 0 },
      medianHoursMergeToDone: 120,
      medianHoursOverrideToGreenRetest: null,
      productionMerges: { merges: 2, overrides: 2, share: 1 },
    });
    expect(row(report.byTeam, "(no team)")).toEqual({
      name: "(no team)",
      overrides: { count: 2, previous: 0, change: 2 },
      trend: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1],
      bypasses: { "direct push": 2 },
      followUps: { onTime: 0, late: 0, openPastDue: 0, waived: 0, closedWithoutReason: 1, notYetDue: 1 },
      medianHoursMergeToDone: null,
      medianHoursOverrideToGreenRetest: null,
      productionMerges: { merges: 4, overrides: 2, share: 0.5 },
    });
  });

  test("by marker: an override with two markers counts for each; the share is of all production merges", () => {
    expect(report.byMarker.map((r) => r.name)).toEqual(["emergency-deploy", "skip-tests"]);
    expect(row(report.byMarker, "emergency-deploy")).toEqual({
      name: "emergency-deploy",
      overrides: { count: 3, previous: 0, change: 3 },
      trend: [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0],
      bypasses: {},
      followUps: { onTime: 0, late: 1, openPastDue: 1, waived: 0, closedWithoutReason: 1, notYetDue: 0 },
      medianHoursMergeToDone: 120,
      medianHoursOverrideToGreenRetest: 12,
      productionMerges: { merges: 8, overrides: 2, share: 0.25 },
    });
    expect(row(report.byMarker, "skip-tests")).toEqual({
      name: "skip-tests",
      overrides: { count: 4, previous: 1, change: 3 },
      trend: [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1],
      bypasses: {},
      followUps: { onTime: 1, late: 0, openPastDue: 1, waived: 1, closedWithoutReason: 0, notYetDue: 1 },
      medianHoursMergeToDone: 24,
      medianHoursOverrideToGreenRetest: 9,
      productionMerges: { merges: 8, overrides: 3, share: 0.375 },
    });
  });

  test("median of an odd and an even count, and of none", () => {
    expect([median([5, 1, 3]), median([1, 2, 3, 10]), median([])]).toEqual([3, 2.5, null]);
  });
});

describe("the report's formats", () => {
  test("sparkline: each twelfth scaled to the busiest; an empty period is flat", () => {
    expect(sparkline([0, 1, 2, 4])).toBe("▁▃▅█");
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
  });

  test("Markdown: a table per section, with a sparkline per row", () => {
    const md = reportToMarkdown(report);
    expect(md).toContain("## By repository");
    expect(md).toContain("## By team of the author");
    expect(md).toContain("## By marker");
    expect(md).toContain(
      "| acme/api | 3 (+2 vs 1) | ▁▁▁▁▁▁▁▁███▁ | direct push 1, force push 1 | 1 / 1 / 1 / 0 / 0 / 0 | 72 h | 9 h | 50% (2 of 4) |",
    );
    expect(md).toContain("| \\(no team\\) | 2 (+2 vs 0) | ▁▁▁▁█▁▁▁▁▁▁█ | direct push 2 | 0 / 0 / 0 / 0 / 1 / 1 | – | – | 50% (2 of 4) |");
  });

  test("JSON is stable: the same facts give the same text, keys in a fixed order", () => {
    expect(renderReport(computeReport(reportFacts()), "json")).toBe(renderReport(report, "json"));
    expect(Object.keys(JSON.parse(renderReport(report, "json")) as object)).toEqual(["period", "byRepository", "byTeam", "byMarker", "notes"]);
  });

  test("names are escaped: a team or marker name cannot mention anyone or break a cell", () => {
    const md = reportToMarkdown({ ...report, byMarker: [{ ...report.byMarker[0]!, name: "a|b @org/team" }] });
    expect(md).toContain("a\\|b @\u200borg/team");
  });
});
