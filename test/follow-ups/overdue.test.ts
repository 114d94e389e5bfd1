import { overdueActions, renderReminder } from "../../src/follow-ups/overdue.js";
import type { FollowUpState } from "../../src/follow-ups/record.js";
import type { IssueSummary } from "../../src/github/issues.js";
import { followUpState } from "../helpers/records.js";

const NOW = new Date("2026-03-10T12:00:00Z");

type Changes = Partial<IssueSummary> & { dueAt?: string; ticks?: FollowUpState["ticks"]; items?: FollowUpState["items"] };

/** An open follow-up (its issue and its verified state) whose postmortem box is ticked. */
function followUp(changes: Changes = {}): { issue: IssueSummary; state: FollowUpState } {
  const { dueAt, ticks, items, ...issue } = changes;
  const state = followUpState({}, {
    dueAt: dueAt ?? "2026-03-10T00:00:00.000Z",
    items: items ?? ["retest", "postmortem", "review"],
    ticks: ticks ?? { postmortem: { by: "carol", at: "2026-03-05T00:00:00.000Z" } },
  });
  return {
    state,
    issue: {
      number: 5,
      title: "Follow-up",
      body: "(rendered from the state)",
      state: "open",
      stateReason: null,
      html_url: "",
      labels: ["pipeline-guard:follow-up"],
      author: "pipeline-guard[bot]",
      createdAt: "2026-03-01T00:00:00Z",
      updatedAt: "2026-03-10T11:00:00Z",
      closedAt: null,
      ...issue,
    },
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
    ["closed", { state: "closed" }, "none"],
  ])("%s", (_name, changes, expected) => {
    const actions = overdueActions([followUp(changes as Changes)], NOW);
    if (expected === "none") expect(actions).toEqual([]);
    else if (expected === null) expect(actions).toEqual([expect.objectContaining({ addLabel: false, remind: false })]);
    else expect(actions).toEqual([expect.objectContaining(expected)]);
  });

  test("the open items are the state's unticked boxes, whatever the body shows", () => {
    const [action] = overdueActions([followUp({ body: "- [x] **Retest** <!-- pipeline-guard:item retest -->" })], NOW);
    expect(action?.openItems).toEqual(["retest", "review"]);
    expect(renderReminder(action!)).toBe("This follow-up is past its due date. Still to do: **retest**, **review**. Tick each box when it is done.");
  });

  test("without items the reminder asks for the checklist", () => {
    const [action] = overdueActions([followUp({ items: [], ticks: {} })], NOW);
    expect(renderReminder(action!)).toBe("This follow-up is past its due date. Still to do: the checklist. Tick each box when it is done.");
  });

  test("each issue on its own", () => {
    const actions = overdueActions([followUp({ number: 1 }), followUp({ number: 2, dueAt: "2027-01-01T00:00:00.000Z" }), followUp({ number: 3 })], NOW);
    expect(actions.map((a) => a.issue.number)).toEqual([1, 3]);
  });
});
