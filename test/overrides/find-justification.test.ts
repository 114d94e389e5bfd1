import { findCommitJustification, findPullRequestJustification } from "../../src/overrides/find-justification.js";

const HEADINGS = ["Justification", "Incident"] as const;

describe("findPullRequestJustification", () => {
  test.each([
    ["a ## Justification section", "Fix.\n\n## Justification\nThe database is down.\n", "The database is down."],
    ["an ### Incident section", "Fix.\n\n### Incident\nINC-42: checkout fails.", "INC-42: checkout fails."],
    ["a heading with closing #'s", "## Justification ##\nCustomers cannot log in.", "Customers cannot log in."],
    ["a heading with a colon", "## Justification:\nThe cache is poisoned.", "The cache is poisoned."],
    ["a bold heading", "## **Justification**\nBold heading text.", "Bold heading text."],
    ["a heading in another case, indented up to 3 spaces", "   ## JUSTIFICATION\nshouting", "shouting"],
    ["CRLF line endings", "Fix.\r\n\r\n## Justification\r\nWindows line endings.\r\n", "Windows line endings."],
    ["a section that ends at a heading of the same level", "## Justification\nwhy\n## Testing\nran it", "why"],
    ["a section that ends at a higher-level heading", "### Justification\nwhy\n## Testing\nran it", "why"],
    ["a section that keeps its deeper subheadings", "## Justification\nwhy\n### Details\nmore\n## Testing\nran it", "why\n### Details\nmore"],
    ["a `Justification: text` line", "Quick fix.\nJustification: prod is down", "prod is down"],
    ["an `Incident: text` line", "Incident: INC-7", "INC-7"],
    ["a bold `**Justification**: text` line", "**Justification**: prod is down", "prod is down"],
    ["a bold `**Justification:** text` line", "**Justification:** prod is down", "prod is down"],
    ["the second heading when the first section is empty", "## Justification\n\n## Incident\nINC-9", "INC-9"],
    ["a code block in the section is part of it", "## Justification\nThe error:\n```\n## not a heading\n```\nso we skip.\n## Testing", "The error:\n```\n## not a heading\n```\nso we skip."],
    ["a heading after a closed fence counts", "```md\n## Justification\n```\n## Justification\nreal", "real"],
    ["text next to a comment in the section", "## Justification\n<!-- explain why -->\nThe real reason.", "The real reason."],
  ])("%s", (_name, body, expected) => {
    expect(findPullRequestJustification(body, HEADINGS)).toBe(expected);
  });

  test.each([
    ["null", null],
    ["undefined", undefined],
    ["an empty body", ""],
    ["no heading", "Just a fix."],
    ["an empty section followed by another heading", "## Justification\n\n## Testing\nran the tests"],
    ["an empty section at the end", "Fix.\n\n## Justification\n   \n"],
    ["text only in an HTML comment (a PR template)", "## Justification\n<!-- Why must this skip the pipeline? -->\n\n## Testing\n<!-- How was it tested? -->\n"],
    ["a multi-line HTML comment", "## Justification\n<!--\nExplain why.\nJustification: like this\n-->\n"],
    ["a `Justification:` line inside an HTML comment", "<!-- Justification: write it here -->"],
    ["an unclosed HTML comment swallows the rest", "## Justification\n<!-- explain\nwhy"],
    ["a heading not configured", "## Reason\nbecause"],
    ["a `#Justification` without a space is not a heading", "#Justification\nbecause"],
    ["a heading indented 4 spaces is code", "    ## Justification\n    because"],
    ["an empty `Justification:` line", "Justification:   "],
    ["a section holding only an empty subheading (a template)", "## Justification\n<!-- why? -->\n### Incident link\n<!-- link -->\n## Testing\nran it"],
    ["a heading shown in a template's code block", "Write it like this:\n```md\n## Justification\nWhy the pipeline must be skipped.\n```\n"],
    ["a heading in a ~~~ block", "~~~\n## Justification\nexample\n~~~"],
    ["a heading in an unclosed code block", "```\n## Justification\nexample"],
    ["a `Justification:` line in a code block", "```\nJustification: example\n```"],
    ["a longer closing fence is needed for a longer opening one", "````\n```\n## Justification\nexample\n```\n"],
  ])("null for %s", (_name, body) => {
    expect(findPullRequestJustification(body, HEADINGS)).toBeNull();
  });

  test("only the configured headings count", () => {
    expect(findPullRequestJustification("## Reason\nbecause", ["Reason"])).toBe("because");
    expect(findPullRequestJustification("## Justification\nbecause", ["Reason"])).toBeNull();
  });

  test("very long text is clipped to 2000 characters and an ellipsis", () => {
    const text = "x".repeat(5000);
    const found = findPullRequestJustification(`## Justification\n${text}`, HEADINGS);
    expect(found).toBe(`${"x".repeat(2000)}…`);
  });

  test("text of exactly 2000 characters is not clipped", () => {
    const text = "y".repeat(2000);
    expect(findPullRequestJustification(`## Justification\n${text}`, HEADINGS)).toBe(text);
  });
});

describe("findCommitJustification", () => {
  test.each([
    ["a body line", "Raise the timeout [skip ci]\n\nJustification: the db is down", "the db is down"],
    ["a configured heading as the key", "Hotfix\n\nIncident: INC-12", "INC-12"],
    ["`Justification:` even when not among the headings", "Hotfix\n\njustification: lower case", "lower case"],
    ["CRLF", "Hotfix\r\n\r\nJustification: windows\r\n", "windows"],
    ["the first non-empty line of several", "Hotfix\n\nJustification:\nJustification: second", "second"],
  ])("%s", (_name, message, expected) => {
    expect(findCommitJustification(message, HEADINGS)).toBe(expected);
  });

  test.each([
    ["null", null],
    ["empty", ""],
    ["only in the subject", "Justification: this is the subject"],
    ["a subject only", "Fix the thing"],
    ["a body without the line", "Fix\n\nThe db is down."],
    ["a colon past 40 characters", "Fix\n\nThis is a very long sentence about a Justification: no"],
  ])("null for %s", (_name, message) => {
    expect(findCommitJustification(message, HEADINGS)).toBeNull();
  });

  test("very long text is clipped", () => {
    expect(findCommitJustification(`Fix\n\nJustification: ${"z".repeat(3000)}`, HEADINGS)).toBe(`${"z".repeat(2000)}…`);
  });
});
