import { parseSince } from "../../src/audit/parse-since.js";

const NOW = new Date("2026-11-20T12:00:00.000Z");

describe("parseSince", () => {
  test.each([
    ["30d", "2026-10-21T12:00:00.000Z"],
    ["1d", "2026-11-19T12:00:00.000Z"],
    ["12h", "2026-11-20T00:00:00.000Z"],
    ["2w", "2026-11-06T12:00:00.000Z"],
    [" 7d ", "2026-11-13T12:00:00.000Z"],
    ["2026-01-31", "2026-01-31T00:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["2026-11-20", "2026-11-20T00:00:00.000Z"],
    ["2008-01-01", "2008-01-01T00:00:00.000Z"],
    ["900w", "2009-08-21T12:00:00.000Z"],
  ])("%j → %s", (text, expected) => {
    expect(parseSince(text, NOW).toISOString()).toBe(expected);
  });

  test.each([
    ["", "expected a duration such as 12h, 30d or 2w, or a date YYYY-MM-DD (UTC)"],
    ["junk", "expected a duration"],
    ["30", "expected a duration"],
    ["d30", "expected a duration"],
    ["30m", "expected a duration"],
    ["-3d", "expected a duration"],
    ["1.5d", "expected a duration"],
    ["30days", "expected a duration"],
    ["2026-1-31", "expected a duration"],
    ["31/01/2026", "expected a duration"],
    ["2026-01-31T10:00", "expected a duration"],
    ["0d", "the period must be longer than zero"],
    ["2026-02-30", "there is no such day"],
    ["2026-13-01", "there is no such day"],
    ["2025-02-29", "there is no such day"],
    ["2026-11-21", "the date is in the future"],
    ["12345678d", "expected a duration"],
    ["9999999w", "before 2008"],
    ["2007-12-31", "the period would start before 2008, before GitHub"],
  ])("%j is an error: %s", (text, message) => {
    expect(() => parseSince(text, NOW)).toThrow(message);
    expect(() => parseSince(text, NOW)).toThrow(`--since "${text}": `);
  });
});
