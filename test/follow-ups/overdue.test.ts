import { overdueActions, renderReminder } from "../../src/follow-ups/overdue.js";
import type { IssueSummary } from "../../src/github/issues.js";
import { stateBlock } from "../../src/markdown/hidden-block.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const CHECKLIST = [
  "- [ ] **Retest** <!-- pipeline-guard:item retest -->",
  "- [x] **Postmortem** <!-- pipeline-guard:item postmortem -->",
  "- [ ] **Review** <!-- pipeline-guard:item review -->",
].join("\n");

function followUp(changes: Partial<IssueSummary> & { dueAt?: string; checklist?: string; state?: string } = {}): IssueSummary {
  const state = { kind: "follow-up", author: "alice", markers: ["skip-tests"], sha: "abc", pr: 1, dueAt: changes.dueAt ?? "2026-03-10T00:00:00.000Z" };
  return {
    number: 5,
    title: "Follow-up",
    body: `${changes.checklist ?? CHECKLIST}\n${stateBlock(state)}`,
    state: "open",
    html_url: "",
    labels: ["pipeline-guard:follow-up"],
    createdAt: "2026-03-01T00:00:00Z",
    updatedAt: "2026-03-10T11:00:00Z",
    ...changes,
  };
}

describe("overdueActions", () => {
  test.each([
    ["past due, not labelled, active an hour ago", {}, { addLabel: true, remind: true }],
    ["past due, labelled, active an hour ago", { labels: ["pipeline-guard:follow-up", "pipeline-guard:overdue"] }, null],
    ["past due, labelled, quiet for exactly 24 h", { labels: ["pipeline-guard:overdue"], updatedAt: "2026-03-09T12:00:00Z" }, { addLabel: false, remind: true }],
    ["past due, labelled, quiet for 23 h 59", { labels: ["pipeline-guard:overdue"], updatedAt: "2026-03-09T12:01:00Z" }, { addLabel: false, remind: false }],
    ["past due, labelled, no updated_at", { labels: ["pipeline-guard:overdue"], updatedAt: "" }, { addLabel: false, remind: true }],
    ["due now exactly", { dueAt: "2026-03-10T12:00:00.000Z" }, "none"],
    ["not yet due", { dueAt: "2026-03-11T00:00:00.000Z" }, "none"],
    ["due date unreadable", { dueAt: "soon" }, "none"],
    ["closed", { state: "closed" }, "none"],
    ["no state block", { body: "a follow-up written by hand" }, "none"],
  ])("%s", (_name, changes, expected) => {
    const actions = overdueActions([followUp(changes as never)], NOW);
    if (expected === "none") expect(actions).toEqual([]);
    else if (expected === null) expect(actions).toEqual([expect.objectContaining({ addLabel: false, remind: false })]);
    else expect(actions).toEqual([expect.objectContaining(expected)]);
  });

  test("the open items are the unticked boxes", () => {
    const [action] = overdueActions([followUp()], NOW);
    expect(action?.openItems).toEqual(["retest", "review"]);
    expect(renderReminder(action!)).toBe("This follow-up is past its due date. Still to do: **retest**, **review**. Tick each box when it is done.");
  });

  test("without a checklist the reminder asks for the checklist", () => {
    const [action] = overdueActions([followUp({ checklist: "_no boxes_" })], NOW);
    expect(renderReminder(action!)).toBe("This follow-up is past its due date. Still to do: the checklist. Tick each box when it is done.");
  });

  test("each issue on its own", () => {
    const actions = overdueActions([followUp({ number: 1 }), followUp({ number: 2, dueAt: "2027-01-01T00:00:00.000Z" }), followUp({ number: 3 })], NOW);
    expect(actions.map((a) => a.issue.number)).toEqual([1, 3]);
  });
});
