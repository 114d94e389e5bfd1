import { bypassKey, newBypassState, type BypassKind, type BypassRecord } from "../../src/bypasses/record.js";
import { bypassTitle, renderBypassBody } from "../../src/bypasses/render-bypass-issue.js";

/** The title, body and key of a new bypass record, with a stand-in for its signed block. */
function renderBypassIssue(input: BypassRecord) {
  const state = newBypassState(input);
  const key = bypassKey(state);
  return { state, key, title: bypassTitle(state), body: renderBypassBody(state, { key, block: "<!-- pipeline-guard:record (signed) -->" }) };
}

const SHA = "0123456789abcdef0123456789abcdef01234567";
const BEFORE = "fedcba9876543210fedcba9876543210fedcba98";
const MENTION = /(^|[^\w])@[A-Za-z0-9]/;
const MENTION_OF_TEAM = /@acme/;

function record(partial: Partial<BypassRecord> = {}): BypassRecord {
  return { kind: "direct push", branch: "main", sha: SHA, actor: "mallory", at: new Date("2026-11-20T10:07:30Z"), details: [], ...partial };
}

describe("renderBypassIssue", () => {
  test.each([
    ["direct push", "Bypass: direct push on main (0123456)"],
    ["force push", "Bypass: force push on main (0123456)"],
    ["branch deleted", "Bypass: branch deleted on main (0123456)"],
    ["merged with failing checks", "Bypass: merged with failing checks on main (0123456)"],
    ["ruleset bypass", "Bypass: ruleset bypass on main (0123456)"],
  ] as Array<[BypassKind, string]>)("title for %s", (kind, title) => {
    expect(renderBypassIssue(record({ kind })).title).toBe(title);
  });

  test("the key is the SHA", () => {
    expect(renderBypassIssue(record()).key).toBe(`sha=${SHA}`);
    expect(bypassKey({ sha: "abc" })).toBe("sha=abc");
  });

  test("who, when, which commit", () => {
    const { body } = renderBypassIssue(record());
    expect(body).toContain("- **Who:** @mallory");
    expect(body).toContain("- **When:** 2026-11-20 10:07 UTC");
    expect(body).toContain(`- **Commit:** ${SHA}`);
    expect(body).toContain("**What to do:** Open a pull request");
  });

  test("a force push shows the before and after SHAs", () => {
    const { body } = renderBypassIssue(record({ kind: "force push", before: BEFORE, after: SHA }));
    expect(body).toContain(`- **Before:** ${BEFORE}`);
    expect(body).toContain(`- **After:** ${SHA}`);
    expect(body).toContain("between the before and after SHAs");
  });

  test("no before/after lines when not given", () => {
    const { body } = renderBypassIssue(record());
    expect(body).not.toContain("**Before:**");
    expect(body).not.toContain("**After:**");
  });

  test("a PR's title is escaped; details are listed", () => {
    const { body } = renderBypassIssue(
      record({ kind: "merged with failing checks", pr: { number: 7, title: "cc @team <b>" }, details: ["required check `ci` was failure"] }),
    );
    expect(body).toContain("- **Pull request:** #7 (cc @\u200bteam &lt;b&gt;)");
    expect(body).toContain("\n- required check `ci` was failure\n");
  });

  test("commits: the short SHA and the escaped subject only", () => {
    const { body } = renderBypassIssue(record({ commits: [{ sha: SHA, message: "Hotfix for @alice <script>\n\nbody line @bob" }] }));
    expect(body).toContain("**Commits:**\n- 0123456 Hotfix for @\u200balice &lt;script&gt;\n");
    expect(body).not.toContain("body line");
    expect(body.slice(body.indexOf("**Commits:**"))).not.toMatch(MENTION);
  });

  test("commits listed up to 20, then '…and N more'", () => {
    const commits = Array.from({ length: 23 }, (_, i) => ({ sha: `${String(i).padStart(7, "0")}${"f".repeat(33)}`, message: `commit ${i}` }));
    const { body } = renderBypassIssue(record({ commits }));
    const lines = body.split("\n");
    const listed = lines.filter((l) => /^- \d{7} commit \d+$/.test(l));
    expect(listed).toHaveLength(20);
    expect(listed[19]).toBe("- 0000019 commit 19");
    expect(lines).toContain("- …and 3 more");
  });

  test("exactly 20 commits: no '…and N more'", () => {
    const commits = Array.from({ length: 20 }, (_, i) => ({ sha: SHA, message: `c${i}` }));
    expect(renderBypassIssue(record({ commits })).body).not.toContain("more");
  });

  test("no commits: no section", () => {
    expect(renderBypassIssue(record({ commits: [] })).body).not.toContain("**Commits:**");
  });

  test("a branch name with a backtick and an @ (a legal ref name) cannot close a code span or mention a team", () => {
    const { body } = renderBypassIssue(record({ branch: "release/x`@acme/security-team" }));
    const line = body.split("\n")[1]!;
    expect(line).toContain("release/x\\`@\u200bacme/security-team");
    expect(body).not.toMatch(MENTION_OF_TEAM);
  });

  test("an actor without a GitHub login is an unknown author, never @unknown", () => {
    const { body } = renderBypassIssue(record({ actor: null }));
    expect(body).toContain("- **Who:** an unknown author");
  });

  test("the state holds what the body shows: the first 20 subjects, up to 250 SHAs and the count", () => {
    const commits = Array.from({ length: 300 }, (_, i) => ({ sha: `${String(i).padStart(7, "0")}${"f".repeat(33)}`, message: `commit ${i}\n\nbody` }));
    const { state, body } = renderBypassIssue(record({ commits }));
    expect(state.commits).toHaveLength(250);
    expect(state.subjects).toHaveLength(20);
    expect(state.subjects[0]).toEqual({ sha: commits[0]!.sha, subject: "commit 0" });
    expect(state.commitCount).toBe(300);
    expect(body.split("\n")).toContain("- …and 280 more");
  });
});
