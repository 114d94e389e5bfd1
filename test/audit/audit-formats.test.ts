import { renderAudit, toCsv, toJson, toMarkdown } from "../../src/audit/audit-formats.js";
import type { AuditRow } from "../../src/audit/audit-row.js";

const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

function row(partial: Partial<AuditRow> = {}): AuditRow {
  return {
    when: "2026-11-20T10:00:00.000Z",
    repository: "octo/app",
    kind: "override",
    record: "verified",
    pr: 12,
    sha: SHA,
    who: "alice",
    markers: ["emergency-deploy", "skip-tests"],
    justification: "The DB is down.",
    followUp: "open",
    boxes: "1/3",
    closedBy: null,
    closedAt: null,
    title: "Follow-up: emergency-deploy, skip-tests in #12 Raise the timeout",
    issueUrl: "https://github.com/octo/app/issues/40",
    incident: null,
    incidentUrl: null,
    waivedBy: null,
    waiverReason: null,
    escalatedAt: null,
    ...partial,
  };
}

const HARD = row({
  title: 'Follow-up: skip-tests in #7 Fix "login", again, now',
  justification: 'Line one, with a comma\nLine "two"\r\nLine three',
});

const BYPASS = row({
  when: "2026-11-18T08:05:00.000Z",
  kind: "bypass",
  pr: null,
  who: "carol",
  markers: [],
  justification: null,
  followUp: "n/a",
  boxes: "n/a",
  closedBy: "maria",
  closedAt: "2026-11-19T00:00:00Z",
  title: "Bypass: force push on main (a1b2c3d)",
  issueUrl: "https://github.com/octo/app/issues/41",
  incident: null,
  incidentUrl: null,
  waivedBy: null,
  waiverReason: null,
  escalatedAt: null,
});

/** A small RFC 4180 reader, to prove the CSV reads back as written. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  record.push(field);
  records.push(record);
  return records;
}

describe("toCsv", () => {
  test("the header, then one record per row, CRLF between records", () => {
    expect(toCsv([row(), BYPASS])).toBe(
      [
        "when,repository,kind,pr,sha,who,markers,justification,follow_up,boxes,closed_by,closed_at,title,issue_url,record,incident,incident_url,waived_by,waiver_reason,escalated_at",
        `2026-11-20T10:00:00.000Z,octo/app,override,12,${SHA},alice,emergency-deploy;skip-tests,The DB is down.,open,1/3,,,"Follow-up: emergency-deploy, skip-tests in #12 Raise the timeout",https://github.com/octo/app/issues/40,verified,,,,,`,
        `2026-11-18T08:05:00.000Z,octo/app,bypass,,${SHA},carol,,,n/a,n/a,maria,2026-11-19T00:00:00Z,Bypass: force push on main (a1b2c3d),https://github.com/octo/app/issues/41,verified,,,,,`,
      ].join("\r\n"),
    );
  });

  test("commas, quotes, CR and LF are quoted with doubled quotes", () => {
    const record = toCsv([HARD]).split("\r\n").slice(1).join("\r\n");
    expect(record).toContain(',"Line one, with a comma\nLine ""two""\r\nLine three",');
    expect(record).toContain(',"Follow-up: skip-tests in #7 Fix ""login"", again, now",');
  });

  test("reads back field for field", () => {
    const records = parseCsv(toCsv([HARD, BYPASS, row()]));
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.length === 20)).toBe(true);
    expect(records[1]?.[7]).toBe(HARD.justification);
    expect(records[1]?.[12]).toBe(HARD.title);
    expect(records[2]?.[3]).toBe("");
    expect(records[3]?.[6]).toBe("emergency-deploy;skip-tests");
  });

  test("a cell a spreadsheet would run as a formula starts with a quote (CSV injection)", () => {
    const records = parseCsv(toCsv([row({ justification: '=HYPERLINK("http://evil","x")', title: "+1", who: "-x" }), row({ justification: "@SUM(A1)" })]));
    expect(records[1]?.[7]).toBe("'=HYPERLINK(\"http://evil\",\"x\")");
    expect(records[1]?.[12]).toBe("'+1");
    expect(records[1]?.[5]).toBe("'-x");
    expect(records[2]?.[7]).toBe("'@SUM(A1)");
  });

  test("no rows: the header only", () => {
    expect(toCsv([])).toBe("when,repository,kind,pr,sha,who,markers,justification,follow_up,boxes,closed_by,closed_at,title,issue_url,record,incident,incident_url,waived_by,waiver_reason,escalated_at");
  });
});

describe("toJson", () => {
  test("round trip", () => {
    const rows = [HARD, BYPASS, row()];
    expect(JSON.parse(toJson(rows))).toEqual(rows);
    expect(JSON.parse(toJson([]))).toEqual([]);
  });
});

describe("toMarkdown", () => {
  test("a table with one line per row", () => {
    expect(toMarkdown([row(), BYPASS])).toBe(
      [
        "| When (UTC) | Repository | Kind | Change | Who | Markers | Justification | Follow-up | Closed by | Issue | Record | Incident |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "| 2026-11-20 10:00 | octo/app | override | \\#12 a1b2c3d | @\u200balice | emergency-deploy, skip-tests | The DB is down. | open (1/3) |  | [#40](https://github.com/octo/app/issues/40) | verified |  |",
        "| 2026-11-18 08:05 | octo/app | bypass | a1b2c3d | @\u200bcarol |  |  | n/a | @\u200bmaria | [#41](https://github.com/octo/app/issues/41) | verified |  |",
      ].join("\n"),
    );
  });

  test("cells are escaped: no pipe, newline, HTML or mention breaks out", () => {
    const text = toMarkdown([row({ justification: "a | b\nc <script>alert(1)</script> @org/team [x](http://e)", markers: ["a|b"] })]);
    const line = text.split("\n")[2] ?? "";
    expect(text.split("\n")).toHaveLength(3);
    expect(line).toContain("a \\| b c &lt;script&gt;alert\\(1\\)&lt;/script&gt; @\u200borg/team \\[x\\]\\(http:\u200b//e\\)");
    expect(line).toContain("| a\\|b |");
    expect(line.split(" | ")).toHaveLength(12);
  });

  test("an issue URL that is not a plain https URL is not made a link", () => {
    const text = toMarkdown([row({ issueUrl: "javascript:alert(1)//issues/4", title: "Follow-up: x" })]);
    expect(text).not.toContain("](");
    expect(text).toContain("| Follow-up: x |");
  });

  test("a tampered record is marked so in its row", () => {
    expect(toMarkdown([row({ record: "tampered" })]).split("\n")[2]).toMatch(/\| \*\*tampered\*\* \| {2}\|$/);
  });

  test("no rows: a sentence instead of an empty table", () => {
    expect(toMarkdown([])).toBe("_No overrides or bypasses in this period._");
  });
});

test("renderAudit picks the format", () => {
  expect(renderAudit([BYPASS], "csv")).toBe(toCsv([BYPASS]));
  expect(renderAudit([BYPASS], "json")).toBe(toJson([BYPASS]));
  expect(renderAudit([BYPASS], "md")).toBe(toMarkdown([BYPASS]));
});
