import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import { itemTag, parseChecklist } from "../../src/follow-ups/checklist.js";
import { followUpAssignees, followUpKey, newFollowUpState, type FollowUpState, type OverrideRecord } from "../../src/follow-ups/record.js";
import { followUpTitle, renderFollowUpBody } from "../../src/follow-ups/render-follow-up-issue.js";

const SHA = "abc1234def5678abc1234def5678abc1234def56";
const MENTION = /(^|[^\w])@[A-Za-z0-9]/;

function record(partial: Partial<OverrideRecord> = {}): OverrideRecord {
  return {
    pr: { number: 12, title: "Fix it" },
    sha: SHA,
    branch: "main",
    markers: ["emergency-deploy", "skip-tests"],
    labels: ["emergency-deploy", "skip-tests"],
    items: ["retest", "postmortem", "review"],
    author: "alice",
    merger: "bob",
    at: new Date("2026-11-20T10:07:00Z"),
    justification: "The database is down.",
    unmet: [],
    ...partial,
  };
}

function config(followUp: Partial<Config["follow_up"]> = {}): Pick<Config, "follow_up"> {
  return { follow_up: { ...DEFAULT_CONFIG.follow_up, ...followUp } };
}

const BLOCK = "<!-- pipeline-guard:record (the signed block) -->";

/** What the old single renderer returned, from the new pieces: the title, the body, the key, assignees and labels. */
function renderFollowUpIssue(input: OverrideRecord, cfg: Pick<Config, "follow_up">, ticks: FollowUpState["ticks"] = {}) {
  const state = { ...newFollowUpState(input, cfg), ticks };
  const key = followUpKey(state);
  return { state, key, title: followUpTitle(state), body: renderFollowUpBody(state, { key, block: BLOCK }), assignees: followUpAssignees(state, cfg.follow_up.assignees), labels: state.labels };
}

describe("renderFollowUpIssue", () => {
  test("the incident the override named is linked in the body, its id escaped", () => {
    const state = newFollowUpState(record({ incident: { id: "PD-4711", url: "https://example.pagerduty.com/incidents/PD-4711" } }), DEFAULT_CONFIG);
    expect(renderFollowUpBody(state, { key: "pr=12", block: "" })).toContain("- **Incident:** [PD-4711](https://example.pagerduty.com/incidents/PD-4711)");
    const plain = newFollowUpState(record({ incident: { id: "INC-@team", url: null } }), DEFAULT_CONFIG);
    expect(renderFollowUpBody(plain, { key: "pr=12", block: "" })).toContain("- **Incident:** INC-@\u200bteam");
    expect(renderFollowUpBody(newFollowUpState(record(), DEFAULT_CONFIG), { key: "pr=12", block: "" })).not.toContain("**Incident:**");
  });

  test("title for a PR", () => {
    expect(renderFollowUpIssue(record(), config()).title).toBe("Follow-up: emergency-deploy, skip-tests in #12 Fix it");
  });

  test("title for a direct push: the short SHA", () => {
    expect(renderFollowUpIssue(record({ pr: undefined, markers: ["skip-tests"] }), config()).title).toBe("Follow-up: skip-tests in abc1234");
  });

  test("the title is capped at 200 characters", () => {
    const { title } = renderFollowUpIssue(record({ pr: { number: 12, title: "x".repeat(500) } }), config());
    expect(title).toHaveLength(200);
    expect(title.startsWith("Follow-up: emergency-deploy, skip-tests in #12 xxx")).toBe(true);
  });

  test("the key: pr=N, or sha=SHA", () => {
    expect(renderFollowUpIssue(record(), config()).key).toBe("pr=12");
    expect(followUpKey({ sha: SHA })).toBe(`sha=${SHA}`);
  });

  test("one unticked box per item, each tagged, in the order given", () => {
    const { body } = renderFollowUpIssue(record(), config());
    const boxes = body.split("\n").filter((l) => l.startsWith("- [ ] "));
    expect(boxes).toHaveLength(3);
    expect(boxes[0]).toContain("**Retest**");
    expect(boxes[0]).toContain(itemTag("retest"));
    expect(boxes[1]).toContain(itemTag("postmortem"));
    expect(boxes[2]).toContain(itemTag("review"));
    expect(boxes[2]).toContain("someone other than @alice");
    expect(parseChecklist(body)).toEqual({ retest: false, postmortem: false, review: false });
  });

  test("the retest box names the workflow when one is set", () => {
    const { body } = renderFollowUpIssue(record({ items: ["retest"] }), config({ retest_workflow: "ci.yml" }));
    expect(body).toContain("(`ci.yml`) passed on the merge commit abc1234; Pipeline Guard ticks this when the run succeeds");
  });

  test("no items: a note instead of boxes", () => {
    const { body } = renderFollowUpIssue(record({ items: [] }), config());
    expect(parseChecklist(body)).toEqual({});
    expect(body).toContain("_The markers ask for no follow-up work; this issue records the override._");
  });

  test("the due date is the change's time plus due_hours, to the minute", () => {
    const { body } = renderFollowUpIssue(record(), config({ due_hours: 30 }));
    expect(body).toContain("- **At:** 2026-11-20 10:07 UTC");
    expect(body).toContain("- **Due:** 2026-11-21 16:07 UTC (30 h after the change)");
    expect(renderFollowUpIssue(record(), config({ due_hours: 30 })).state).toMatchObject({ dueAt: "2026-11-21T16:07:00.000Z", dueHours: 30 });
  });

  test("the justification is quoted and escaped: an @mention in it is neutralised", () => {
    const { body } = renderFollowUpIssue(record({ justification: "Paged @oncall-lead.\n<img src=x onerror=alert(1)>" }), config());
    const start = body.indexOf("**Justification:**\n");
    const quote = body.slice(start).split("\n").slice(1, 3);
    expect(quote).toEqual(["> Paged @\u200boncall-lead.", "> &lt;img src\\=x onerror\\=alert\\(1\\)&gt;"]);
    expect(quote.join("\n")).not.toMatch(MENTION);
  });

  test("the PR title in the body is escaped", () => {
    const { body } = renderFollowUpIssue(record({ pr: { number: 12, title: "Fix @bob's <b>bug</b>" } }), config());
    expect(body).toContain("- **Change:** #12 (Fix @\u200bbob's &lt;b&gt;bug&lt;/b&gt;), commit " + SHA);
  });

  test("no justification: 'none was given'", () => {
    expect(renderFollowUpIssue(record({ justification: null }), config()).body).toContain("**Justification:**\n_none was given_");
  });

  test("unmet requirements at merge are listed; none, no section", () => {
    const unmet = renderFollowUpIssue(record({ unmet: ["no justification: add …"] }), config()).body;
    expect(unmet).toContain("**Requirements that were not met at merge:**\n- no justification: add …");
    expect(renderFollowUpIssue(record(), config()).body).not.toContain("not met at merge");
  });

  test("the road: a PR merged by someone, or a direct push", () => {
    expect(renderFollowUpIssue(record(), config()).body).toContain("through pull request #12, merged by @bob:");
    expect(renderFollowUpIssue(record({ pr: undefined }), config()).body).toContain("through a direct push by @bob:");
  });

  test("the state: everything the body shows, so that the body can always be rendered again", () => {
    expect(renderFollowUpIssue(record(), config()).state).toEqual({
      v: 1,
      pr: { number: 12, title: "Fix it" },
      sha: SHA,
      branch: "main",
      markers: ["emergency-deploy", "skip-tests"],
      labels: ["emergency-deploy", "skip-tests"],
      items: ["retest", "postmortem", "review"],
      author: "alice",
      merger: "bob",
      at: "2026-11-20T10:07:00.000Z",
      dueAt: "2026-11-22T10:07:00.000Z",
      dueHours: 48,
      justification: "The database is down.",
      unmet: [],
      retestWorkflow: "",
      ticks: {},
    });
    expect(renderFollowUpIssue(record({ pr: undefined }), config()).state).not.toHaveProperty("pr");
  });

  test("the key line comes first, the signed block last", () => {
    const { body } = renderFollowUpIssue(record(), config());
    expect(body.split("\n")[0]).toBe("<!-- pipeline-guard:follow-up pr=12 -->");
    expect(body.endsWith(BLOCK)).toBe(true);
  });

  test("a ticked box says who ticked it and when, without notifying them", () => {
    const { body } = renderFollowUpIssue(record(), config(), { postmortem: { by: "carol", at: "2026-11-21T08:00:00.000Z" } });
    const line = body.split("\n").find((l) => l.includes(itemTag("postmortem")));
    expect(line).toMatch(/^- \[x\] \*\*Postmortem\*\*/);
    expect(line).toContain("(ticked by `carol` on 2026-11-21 08:00 UTC)");
    expect(parseChecklist(body)).toEqual({ retest: false, postmortem: true, review: false });
  });

  test("a branch name is quoted safely: a legal ref name with a backtick and an @ cannot close the span or mention a team", () => {
    const { body } = renderFollowUpIssue(record({ branch: "release/x`@acme/security-team" }), config());
    const line = body.split("\n")[1]!;
    expect(line).toContain("release/x\\`@\u200bacme/security-team");
    expect(line).not.toContain("@acme");
  });

  test("labels are the markers' labels", () => {
    expect(renderFollowUpIssue(record(), config()).labels).toEqual(["emergency-deploy", "skip-tests"]);
  });

  describe("assignees", () => {
    test.each([
      ["author and merger", ["author", "merger"], {}, ["alice", "bob"]],
      ["a login as written", ["carol", "author"], {}, ["carol", "alice"]],
      ["deduplicated without regard to case", ["author", "merger", "ALICE", "Bob"], {}, ["alice", "bob"]],
      ["the author who also merged: once", ["author", "merger"], { merger: "Alice" }, ["alice"]],
      ["bots dropped", ["author", "merger", "renovate[bot]"], { author: "dependabot[bot]" }, ["bob"]],
      ["none", [], {}, []],
    ])("%s", (_name, assignees, partial, expected) => {
      expect(renderFollowUpIssue(record(partial as Partial<OverrideRecord>), config({ assignees })).assignees).toEqual(expected);
    });

    test("at most 10 (GitHub's limit)", () => {
      const logins = Array.from({ length: 15 }, (_, i) => `user${i}`);
      const { assignees } = renderFollowUpIssue(record(), config({ assignees: logins }));
      expect(assignees).toEqual(logins.slice(0, 10));
    });

    test("bots and repeats do not take places among the 10", () => {
      const logins = ["a[bot]", "user0", "USER0", ...Array.from({ length: 12 }, (_, i) => `user${i}`)];
      expect(renderFollowUpIssue(record(), config({ assignees: logins })).assignees).toEqual(Array.from({ length: 10 }, (_, i) => `user${i}`));
    });
  });
});
