import { newBypassState } from "../../src/bypasses/record.js";
import { renderBypassBody } from "../../src/bypasses/render-bypass-issue.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { newFollowUpState } from "../../src/follow-ups/record.js";
import { renderFollowUpBody } from "../../src/follow-ups/render-follow-up-issue.js";
import { mention, UNKNOWN_AUTHOR } from "../../src/markdown/escape-markdown.js";

describe("mention", () => {
  test.each([
    ["alice", "@alice"],
    ["release-bot", "@release-bot"],
    ["dependabot[bot]", "@dependabot[bot]"],
    // A real account may be called that: only a missing login is "unknown".
    ["unknown", "@unknown"],
  ])("a login %s is mentioned", (login, expected) => {
    expect(mention(login)).toBe(expected);
  });

  test.each([[null], [undefined], [""]])("no login (%s) reads as an unknown author, never a mention", (login) => {
    expect(mention(login)).toBe(UNKNOWN_AUTHOR);
    expect(mention(login)).toBe("an unknown author");
  });

  test.each([["Jane Doe"], ["-x"], ["<img src=x>"], ["x@acme/security-team"]])("%s is not a login and notifies nobody", (text) => {
    expect(mention(text)).not.toMatch(/@[A-Za-z0-9]/);
    expect(mention(text)).not.toContain("<");
  });
});

describe("who is named in the records", () => {
  test("a bypass whose pusher is not known (the scan found it) names an unknown author, never @unknown", () => {
    const state = newBypassState({ kind: "direct push", branch: "main", sha: "a".repeat(40), actor: null, at: new Date(0), details: [] });
    const body = renderBypassBody(state, { key: "sha=x", block: "" });
    expect(body).toContain("- **Who:** an unknown author");
    expect(body).not.toContain("@unknown");
  });

  test("a follow-up whose author is not known asks for a review by someone other than an unknown author", () => {
    const state = newFollowUpState(
      { sha: "d".repeat(40), branch: "main", markers: ["emergency-deploy"], labels: ["emergency-deploy"], items: ["review"], author: null, merger: null, at: new Date(0), justification: null, unmet: [] },
      DEFAULT_CONFIG,
    );
    const body = renderFollowUpBody(state, { key: "sha=x", block: "" });
    expect(body).toContain("- **Author:** an unknown author");
    expect(body).toContain("someone other than an unknown author");
    expect(body).not.toMatch(/@unknown|@null/);
  });

  test("a direct push's follow-up remembers every commit of the push, for the scan; a PR's has no commit list", () => {
    const shas = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];
    const push = newFollowUpState({ sha: shas[2]!, commits: shas, branch: "main", markers: ["skip-tests"], labels: ["skip-tests"], items: ["retest"], author: "alice", merger: "alice", at: new Date(0), justification: null, unmet: [] }, DEFAULT_CONFIG);
    expect(push).toMatchObject({ sha: shas[2], commits: shas });
    const pr = newFollowUpState({ pr: { number: 3, title: "t" }, sha: "d".repeat(40), branch: "main", markers: ["skip-tests"], labels: ["skip-tests"], items: [], author: "alice", merger: "bob", at: new Date(0), justification: null, unmet: [] }, DEFAULT_CONFIG);
    expect(pr).not.toHaveProperty("commits");
  });
});
