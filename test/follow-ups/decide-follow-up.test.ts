import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { decideFollowUpEdit, decideOnFollowUpClosed } from "../../src/follow-ups/decide-follow-up.js";
import { itemTag, parseChecklist } from "../../src/follow-ups/checklist.js";
import { newFollowUpState, type FollowUpState, type OverrideRecord } from "../../src/follow-ups/record.js";
import { renderFollowUpBody } from "../../src/follow-ups/render-follow-up-issue.js";

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

const STATE = newFollowUpState(RECORD, DEFAULT_CONFIG);
const BODY = renderFollowUpBody(STATE, { key: "pr=12", block: "" });
const NOW = new Date("2026-11-21T09:00:00Z");
type Item = "retest" | "postmortem" | "review";
const ticked = (state: FollowUpState, ...items: Item[]): FollowUpState => ({
  ...state,
  ticks: { ...state.ticks, ...Object.fromEntries(items.map((i) => [i, { by: "carol", at: "2026-11-20T12:00:00.000Z" }])) },
});

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
});

describe("decideOnFollowUpClosed", () => {
  const closed = (partial: Partial<Parameters<typeof decideOnFollowUpClosed>[0]> = {}) =>
    decideOnFollowUpClosed({ state: STATE, stateReason: "completed", closerMayDismiss: false, mode: "enforce", ...partial });

  test("closed with boxes unticked in the state: reopened, with a comment naming them", () => {
    const action = closed({ state: ticked(STATE, "retest") });
    expect(action?.reopen).toBe(true);
    expect(action?.comment).toContain("Reopened: **postmortem**, **review** are not ticked yet.");
    expect(action?.comment).not.toContain("**retest**");
  });

  test("one box left: 'is'", () => {
    expect(closed({ state: ticked(STATE, "retest", "postmortem") })?.comment).toContain("Reopened: **review** is not ticked yet.");
  });

  test("closed as not planned by someone allowed: left closed", () => {
    expect(closed({ stateReason: "not_planned", closerMayDismiss: true })).toBeNull();
  });

  test("closed as not planned by someone not allowed: reopened", () => {
    expect(closed({ stateReason: "not_planned", closerMayDismiss: false })?.reopen).toBe(true);
  });

  test("closed as completed by someone allowed still needs every box", () => {
    expect(closed({ stateReason: "completed", closerMayDismiss: true })?.reopen).toBe(true);
  });

  test("report mode: a comment only, saying what enforce mode would do", () => {
    expect(closed({ mode: "report" })).toEqual({
      reopen: false,
      comment: "This follow-up was closed with **retest**, **postmortem**, **review** unticked. In enforce mode Pipeline Guard would reopen it.",
    });
  });

  test("every box ticked in the state: nothing to do", () => {
    expect(closed({ state: ticked(STATE, "retest", "postmortem", "review") })).toBeNull();
  });
});

describe("decideFollowUpEdit", () => {
  const edit = (partial: Partial<Parameters<typeof decideFollowUpEdit>[0]> = {}) =>
    decideFollowUpEdit({ state: STATE, boxes: {}, editor: { login: "bob", isBot: false }, otherChanges: [], issueOpen: true, mode: "enforce", now: NOW, ...partial });

  test("a box ticked by someone is recorded with who and when", () => {
    const result = edit({ boxes: { postmortem: true } });
    expect(result.state.ticks).toEqual({ postmortem: { by: "bob", at: NOW.toISOString() } });
    expect(result.comments).toEqual([]);
    expect(result.close).toBe(false);
  });

  test("a box unticked leaves the state; a box as it was changes nothing", () => {
    const result = edit({ state: ticked(STATE, "retest", "postmortem"), boxes: { retest: false, postmortem: true, review: false } });
    expect(result.state.ticks).toEqual({ postmortem: { by: "carol", at: "2026-11-20T12:00:00.000Z" } });
  });

  test("a line deleted ticks nothing: the box is not in the edited body, so its state stands", () => {
    const result = edit({ state: ticked(STATE, "retest"), boxes: { postmortem: false } });
    expect(result.state.ticks).toEqual(ticked(STATE, "retest").ticks);
    expect(result.close).toBe(false);
  });

  test("the change's author ticks review: not recorded, and a comment says why", () => {
    const result = edit({ editor: { login: "ALICE", isBot: false }, boxes: { review: true } });
    expect(result.state.ticks).toEqual({});
    expect(result.comments).toEqual([
      "`ALICE` ticked **review**, which was not recorded: the **review** box counts only when someone other than the change's author ticks it; please ask a second person to review the change.",
    ]);
  });

  test("another bot ticks review: not recorded (a bot is never the second reviewer); it may tick other boxes", () => {
    const result = edit({ editor: { login: "renovate[bot]", isBot: true }, boxes: { review: true, postmortem: true } });
    expect(Object.keys(result.state.ticks)).toEqual(["postmortem"]);
    expect(result.comments[0]).toContain("a bot is never the second reviewer");
  });

  test("report mode: the author's review tick is recorded, and the comment says what enforce mode would do", () => {
    const result = edit({ editor: { login: "alice", isBot: false }, boxes: { review: true }, mode: "report" });
    expect(result.state.ticks.review?.by).toBe("alice");
    expect(result.comments[0]).toContain("In enforce mode it would be unticked.");
  });

  test("other changes are named in the comment, with who made them", () => {
    const result = edit({ otherChanges: ["its text", "its hidden record block"] });
    expect(result.comments).toEqual([
      "`bob` changed its text, its hidden record block of this follow-up: the change was undone. Pipeline Guard keeps this record; only the checklist's boxes are yours to tick or untick, and it records who did.",
    ]);
  });

  test("the last box ticked by someone else: close", () => {
    const result = edit({ state: ticked(STATE, "retest", "postmortem"), boxes: { retest: true, postmortem: true, review: true } });
    expect(result.close).toBe(true);
    expect(result.comments).toEqual(["Every follow-up item is done: closing. Thank you."]);
  });

  test("the last box ticked by the author is review: not recorded, not closed", () => {
    const result = edit({ state: ticked(STATE, "retest", "postmortem"), editor: { login: "alice", isBot: false }, boxes: { review: true } });
    expect(result.close).toBe(false);
  });

  test("every box ticked on a closed issue: no close", () => {
    expect(edit({ boxes: { retest: true, postmortem: true, review: true }, issueOpen: false }).close).toBe(false);
  });

  test("a follow-up without items is never closed by an edit", () => {
    expect(edit({ state: { ...STATE, items: [] }, boxes: {} }).close).toBe(false);
  });

  test("the rendered body's boxes read back as the state's", () => {
    expect(parseChecklist(BODY)).toEqual({ retest: false, postmortem: false, review: false });
    expect(BODY).toContain(itemTag("review"));
  });
});
