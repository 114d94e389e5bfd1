import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { decideFollowUpEdit, decideOnFollowUpClosed } from "../../src/follow-ups/decide-follow-up.js";
import { parseChecklist } from "../../src/follow-ups/checklist.js";
import { followUpStateSchema, newFollowUpState, openItems, type OverrideRecord } from "../../src/follow-ups/record.js";
import { renderFollowUpBody } from "../../src/follow-ups/render-follow-up-issue.js";
import { overdueActions, renderReminder } from "../../src/follow-ups/overdue.js";

/** A follow-up of an [emergency-deploy] that deferred two immutable replacements (issue #13). */
const RECORD: OverrideRecord = {
  pr: { number: 12, title: "Fix it" },
  sha: "abc1234def5678abc1234def5678abc1234def56",
  branch: "main",
  markers: ["emergency-deploy"],
  labels: ["emergency-deploy"],
  items: ["review"],
  author: "alice",
  merger: "bob",
  at: new Date("2026-11-20T10:00:00Z"),
  justification: "The database is down.",
  unmet: [],
  replace: ["aws_instance.web", 'module.db.aws_instance.this["a-->b"]'],
};
const STATE = newFollowUpState(RECORD, DEFAULT_CONFIG);
const NOW = new Date("2026-11-21T09:00:00Z");

describe("a follow-up's deferred replacements: one box per address, in the signed state", () => {
  test("the state keeps the addresses, and parses with ticks on them; a follow-up without any has no replace field", () => {
    expect(STATE.replace).toEqual(["aws_instance.web", 'module.db.aws_instance.this["a-->b"]']);
    const withTick = { ...STATE, ticks: { "replace-1": { by: "carol", at: "2026-11-20T12:00:00.000Z" } } };
    expect(followUpStateSchema.safeParse(withTick).success).toBe(true);
    expect(followUpStateSchema.safeParse({ ...STATE, ticks: { "replace-x": { by: "carol", at: "2026-11-20T12:00:00.000Z" } } }).success).toBe(false);
    expect("replace" in newFollowUpState({ ...RECORD, replace: [] }, DEFAULT_CONFIG)).toBe(false);
  });

  test("the body has a box per address: replace `ADDRESS` through the pipeline, tagged by index", () => {
    const body = renderFollowUpBody(STATE, { key: "pr=12", block: "" });
    expect(body).toContain("- [ ] **Replace** `aws_instance.web` through the pipeline: an `[emergency-deploy]` override deferred the immutable rule for it");
    expect(body).toContain("`/pipeline-guard replace aws_instance.web` <!-- pipeline-guard:item replace-0 -->");
    // An address that could close the hidden tag is never inside it, and is escaped where it is shown.
    expect(body).toContain("<!-- pipeline-guard:item replace-1 -->");
    expect(body).not.toContain("a-->b");
    expect(parseChecklist(body)).toEqual({ review: false, "replace-0": false, "replace-1": false });
  });

  test("ticking a replace box is recorded with who ticked it; every box ticked closes the follow-up", () => {
    const body = renderFollowUpBody(STATE, { key: "pr=12", block: "" }).replace("- [ ] **Replace** `aws_instance.web`", "- [x] **Replace** `aws_instance.web`");
    const edit = decideFollowUpEdit({ state: STATE, boxes: parseChecklist(body), editor: { login: "carol", isBot: false }, otherChanges: [], issueOpen: true, mode: "enforce", now: NOW });
    expect(edit.state.ticks["replace-0"]).toEqual({ by: "carol", at: NOW.toISOString() });
    expect(edit.close).toBe(false);
    expect(openItems(edit.state)).toEqual(["review", "replace-1"]);
    const all = decideFollowUpEdit({
      state: edit.state,
      boxes: { review: true, "replace-0": true, "replace-1": true },
      editor: { login: "carol", isBot: false },
      otherChanges: [],
      issueOpen: true,
      mode: "enforce",
      now: NOW,
    });
    expect(all.close).toBe(true);
    expect(renderFollowUpBody(all.state, { key: "pr=12", block: "" })).toContain("- [x] **Replace** `aws_instance.web` through the pipeline");
  });

  test("closed with a replace box open: reopened, naming the address; the overdue reminder names it too", () => {
    const state = { ...STATE, ticks: { review: { by: "carol", at: "2026-11-20T12:00:00.000Z" }, "replace-1": { by: "carol", at: "2026-11-20T12:00:00.000Z" } } };
    const action = decideOnFollowUpClosed({ state, stateReason: "completed", closerMayDismiss: false, mode: "enforce" });
    expect(action).toEqual({ reopen: true, comment: expect.stringContaining("Reopened: **replace** `aws_instance.web` is not ticked yet.") });
    const issue = { number: 7, state: "open", labels: [], updatedAt: "2026-11-20T10:00:00Z" } as unknown as Parameters<typeof overdueActions>[0][number]["issue"];
    const [overdue] = overdueActions([{ issue, state }], new Date("2026-11-25T10:00:00Z"));
    expect(renderReminder(overdue!)).toBe("This follow-up is past its due date. Still to do: **replace** `aws_instance.web`. Tick each box when it is done.");
  });
});
