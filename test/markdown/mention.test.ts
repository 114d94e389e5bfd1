import { mention } from "../../src/markdown/escape-markdown.js";
import { readStateBlock } from "../../src/markdown/hidden-block.js";
import { renderFollowUpIssue } from "../../src/follow-ups/render-follow-up-issue.js";
import { renderBypassIssue } from "../../src/bypasses/render-bypass-issue.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";

describe("mention", () => {
  test.each([
    ["alice", "@alice"],
    ["release-bot", "@release-bot"],
    ["dependabot[bot]", "@dependabot[bot]"],
  ])("a login %s is mentioned", (login, expected) => {
    expect(mention(login)).toBe(expected);
  });

  test.each([["unknown"], ["Unknown"], ["Jane Doe"], ["-x"], ["<img src=x>"]])("%s is not a login and notifies nobody", (text) => {
    expect(mention(text)).not.toMatch(/@[A-Za-z0-9]/);
    expect(mention(text)).not.toContain("<");
  });
});

describe("who is named in the issues", () => {
  test("a bypass by an unknown pusher does not ping the account called unknown", () => {
    const { body } = renderBypassIssue({ kind: "direct push", branch: "main", sha: "a".repeat(40), actor: "unknown", at: new Date(0), details: [] });
    expect(body).toContain("- **Who:** unknown");
    expect(body).not.toContain("@unknown");
  });

  test("a direct push's follow-up remembers every commit of the push, for the scan", () => {
    const shas = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];
    const spec = renderFollowUpIssue(
      { sha: shas[2]!, commits: shas, branch: "main", markers: ["skip-tests"], labels: ["skip-tests"], items: ["retest"], author: "alice", merger: "alice", at: new Date(0), justification: null, unmet: [] },
      DEFAULT_CONFIG,
    );
    expect(readStateBlock(spec.body)).toMatchObject({ sha: shas[2], commits: shas });
  });

  test("a PR's follow-up has no commit list", () => {
    const spec = renderFollowUpIssue(
      { pr: { number: 3, title: "t" }, sha: "d".repeat(40), branch: "main", markers: ["skip-tests"], labels: ["skip-tests"], items: [], author: "alice", merger: "bob", at: new Date(0), justification: null, unmet: [] },
      DEFAULT_CONFIG,
    );
    expect(readStateBlock(spec.body)).not.toHaveProperty("commits");
  });
});
