import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { decideOnFollowUpClosed, decideOnFollowUpEdited } from "../../src/follow-ups/decide-follow-up.js";
import { itemTag, newlyTicked, parseChecklist, setChecklistItem, uncheckedItems } from "../../src/follow-ups/checklist.js";
import { renderFollowUpIssue, type OverrideRecord } from "../../src/follow-ups/render-follow-up-issue.js";

const RECORD: OverrideRecord = {
  pr: { number: 12, title: "Fix it" },
  sha: "abc1234def5678abc1234def5678abc1234def56",
  branch: "main",
  markers: ["emergency-deploy", "skip-tests"],
  labels: ["emergency-deploy", "skip-tests"],
  items: ["retest", "postmortem", "review"],
  author: "alice",
  merger: "bob",
  at: new Date("2026-11-20T10:00:00Z"),
  justification: "The database is down.",
  unmet: [],
};

const BODY = renderFollowUpIssue(RECORD, DEFAULT_CONFIG).body;
const tick = (body: string, ...items: Array<"retest" | "postmortem" | "review">) =>
  items.reduce((b, item) => setChecklistItem(b, item, true), body);

describe("follow-up checklist", () => {
  test("a rendered body parses to every item unticked", () => {
    expect(parseChecklist(BODY)).toEqual({ retest: false, postmortem: false, review: false });
  });

  test("a body without items parses to nothing", () => {
    expect(parseChecklist("just text\n- [ ] a box without a tag")).toEqual({});
    expect(parseChecklist(null)).toEqual({});
    expect(parseChecklist(undefined)).toEqual({});
  });

  test.each([
    ["x", true],
    ["X", true],
    [" ", false],
  ])("box [%s] → %s, whatever the bullet and the wording", (mark, ticked) => {
    for (const bullet of ["-", "*", "+", "  -"]) {
      expect(parseChecklist(`${bullet} [${mark}] reworded by a person ${itemTag("review")}`)).toEqual({ review: ticked });
    }
  });

  test("a tag of an unknown item is ignored", () => {
    expect(parseChecklist("- [x] hi <!-- pipeline-guard:item bogus -->")).toEqual({});
  });

  test("setChecklistItem sets one box and leaves the rest of the body as it is", () => {
    const ticked = setChecklistItem(BODY, "postmortem", true);
    expect(parseChecklist(ticked)).toEqual({ retest: false, postmortem: true, review: false });
    const changed = BODY.split("\n").filter((line, i) => ticked.split("\n")[i] !== line);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(itemTag("postmortem"));
    expect(setChecklistItem(ticked, "postmortem", false)).toBe(BODY);
  });

  test("setChecklistItem keeps CRLF line endings (a body edited in the browser)", () => {
    const crlf = BODY.replace(/\n/g, "\r\n");
    const ticked = setChecklistItem(crlf, "review", true);
    expect(parseChecklist(ticked).review).toBe(true);
    expect(ticked.replace(/\r\n/g, "\n")).toBe(setChecklistItem(BODY, "review", true));
    expect(ticked.split("\r\n")).toHaveLength(crlf.split("\r\n").length);
  });

  test("uncheckedItems in the fixed order; newlyTicked between two versions", () => {
    expect(uncheckedItems({ review: false, retest: false, postmortem: true })).toEqual(["retest", "review"]);
    expect(uncheckedItems({ review: true })).toEqual([]);
    expect(newlyTicked({ retest: true, review: false }, { retest: true, review: true, postmortem: true })).toEqual(["postmortem", "review"]);
    expect(newlyTicked({ review: true }, { review: true })).toEqual([]);
    expect(newlyTicked({ review: true }, { review: false })).toEqual([]);
  });
});

describe("decideOnFollowUpClosed", () => {
  const closed = (partial: Partial<Parameters<typeof decideOnFollowUpClosed>[0]> = {}) =>
    decideOnFollowUpClosed({ body: BODY, stateReason: "completed", closer: "carol", closerMayDismiss: false, mode: "enforce", ...partial });

  test("closed with boxes unticked: reopened, with a comment naming them", () => {
    const action = closed({ body: tick(BODY, "retest") });
    expect(action?.type).toBe("reopen");
    expect(action?.comment).toContain("Reopened: **postmortem**, **review** are not ticked yet.");
    expect(action?.comment).not.toContain("**retest**");
  });

  test("one box left: 'is'", () => {
    expect(closed({ body: tick(BODY, "retest", "postmortem") })?.comment).toContain("Reopened: **review** is not ticked yet.");
  });

  test("closed as not planned by someone allowed: left closed", () => {
    expect(closed({ stateReason: "not_planned", closerMayDismiss: true })).toBeNull();
  });

  test("closed as not planned by someone not allowed: reopened", () => {
    expect(closed({ stateReason: "not_planned", closerMayDismiss: false })?.type).toBe("reopen");
  });

  test("closed as completed by someone allowed still needs every box", () => {
    expect(closed({ stateReason: "completed", closerMayDismiss: true })?.type).toBe("reopen");
  });

  test("report mode: a comment only, saying what enforce mode would do", () => {
    const action = closed({ mode: "report" });
    expect(action).toEqual({
      type: "comment",
      comment: "This follow-up was closed with **retest**, **postmortem**, **review** unticked. In enforce mode Pipeline Guard would reopen it.",
    });
  });

  test("every box ticked: nothing to do", () => {
    expect(closed({ body: tick(BODY, "retest", "postmortem", "review") })).toBeNull();
  });
});

describe("decideOnFollowUpEdited", () => {
  const edited = (partial: Partial<Parameters<typeof decideOnFollowUpEdited>[0]> = {}) =>
    decideOnFollowUpEdited({ body: tick(BODY, "review"), previousBody: BODY, editor: "alice", state: { author: "alice" }, issueOpen: true, mode: "enforce", ...partial });

  test("the change's author ticks review: the body goes back with review unticked, and a comment says why", () => {
    const actions = edited({ body: tick(BODY, "retest", "review"), previousBody: tick(BODY, "retest") });
    expect(actions).toHaveLength(1);
    const action = actions[0];
    if (action?.type !== "update-body") throw new Error(`expected update-body, got ${action?.type}`);
    expect(parseChecklist(action.body)).toEqual({ retest: true, postmortem: false, review: false });
    expect(action.body).toBe(tick(BODY, "retest"));
    expect(action.comment).toContain("Unticked **review**");
  });

  test("the author is matched without regard to case", () => {
    expect(edited({ editor: "ALICE" }).map((a) => a.type)).toEqual(["update-body"]);
  });

  test("report mode: a comment only; the body stays", () => {
    const actions = edited({ mode: "report" });
    expect(actions).toHaveLength(1);
    expect(actions[0]?.type).toBe("comment");
    expect(actions[0]?.comment).toContain("@alice ticked **review** on their own change");
    expect(actions[0]?.comment).toContain("In enforce mode it would be unticked.");
  });

  test("someone else ticks review: it counts", () => {
    expect(edited({ editor: "bob" })).toEqual([]);
  });

  test("the author ticks another item: it counts", () => {
    expect(edited({ body: tick(BODY, "postmortem") })).toEqual([]);
  });

  test("review already ticked before this edit is not unticked again", () => {
    expect(edited({ body: tick(BODY, "review", "retest"), previousBody: tick(BODY, "review") })).toEqual([]);
  });

  test("no previous body (not a body edit): nothing is unticked", () => {
    expect(edited({ previousBody: null })).toEqual([]);
    expect(edited({ previousBody: undefined })).toEqual([]);
  });

  test("the last box ticked by someone else: close", () => {
    const actions = edited({ editor: "bob", body: tick(BODY, "retest", "postmortem", "review"), previousBody: tick(BODY, "retest", "postmortem") });
    expect(actions).toEqual([{ type: "close", comment: "Every follow-up item is done: closing. Thank you." }]);
  });

  test("the last box ticked by the author is review: unticked, not closed", () => {
    const actions = edited({ body: tick(BODY, "retest", "postmortem", "review"), previousBody: tick(BODY, "retest", "postmortem") });
    expect(actions.map((a) => a.type)).toEqual(["update-body"]);
  });

  test("every box ticked on a closed issue: no close action", () => {
    expect(edited({ editor: "bob", body: tick(BODY, "retest", "postmortem", "review"), previousBody: tick(BODY, "retest"), issueOpen: false })).toEqual([]);
  });

  test("a body without a checklist is never closed", () => {
    expect(edited({ body: "no list", previousBody: "", editor: "bob" })).toEqual([]);
  });
});
