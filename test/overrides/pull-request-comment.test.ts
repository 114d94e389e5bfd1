import { stateBlock } from "../../src/markdown/hidden-block.js";
import {
  PULL_REQUEST_COMMENT_KEY,
  readPullRequestCommentState,
  renderPullRequestComment,
  withLabelRemoval,
  type PullRequestCommentState,
} from "../../src/overrides/pull-request-comment.js";

const FRESH: PullRequestCommentState = { kind: "pr-comment", labelRemovals: [] };

describe("PR comment", () => {
  test("starts with its key and the title, then the summary", () => {
    const body = renderPullRequestComment({ title: "Override allowed: skip-tests", summary: "SUMMARY", state: FRESH });
    expect(body.startsWith(`${PULL_REQUEST_COMMENT_KEY}\n\n### Pipeline Guard: Override allowed: skip-tests\n\nSUMMARY`)).toBe(true);
    expect(PULL_REQUEST_COMMENT_KEY).toBe("<!-- pipeline-guard:comment pull-request -->");
  });

  test("state round trip, with a follow-up and label removals", () => {
    const state: PullRequestCommentState = {
      kind: "pr-comment",
      followUp: 42,
      labelRemovals: [{ label: "skip-tests", by: "mallory", at: "2026-11-20T10:07:30.000Z" }],
    };
    const body = renderPullRequestComment({ title: "t", summary: "s", state });
    expect(readPullRequestCommentState(body)).toEqual(state);
    expect(body).toContain("**Follow-up issue:** #42");
    expect(body).toContain("- `skip-tests` was removed by `mallory` at 2026-11-20 10:07 UTC and put back: the marker is still there");
  });

  test.each([
    ["no comment yet", null],
    ["no state block", "<!-- pipeline-guard:comment pull-request -->\nhello"],
    ["damaged JSON", '<!-- pipeline-guard:state {"kind": -->'],
    ["another kind", stateBlock({ kind: "follow-up", author: "a" })],
    ["a bad field", stateBlock({ kind: "pr-comment", followUp: -1, labelRemovals: [] })],
    ["a bad removal", stateBlock({ kind: "pr-comment", labelRemovals: [{ label: 1 }] })],
  ])("%s: a fresh state", (_name, body) => {
    expect(readPullRequestCommentState(body)).toEqual(FRESH);
  });

  test("an older block without labelRemovals reads with none", () => {
    expect(readPullRequestCommentState(stateBlock({ kind: "pr-comment", followUp: 3 }))).toEqual({ kind: "pr-comment", followUp: 3, labelRemovals: [] });
  });

  test("no follow-up and no removals: neither section", () => {
    const body = renderPullRequestComment({ title: "t", summary: "s", state: FRESH });
    expect(body).not.toContain("Follow-up issue");
    expect(body).not.toContain("Labels put back");
  });

  test("label removals: the last 20 are kept", () => {
    let state = FRESH;
    for (let i = 0; i < 25; i++) state = withLabelRemoval(state, { label: `l${i}`, by: "m", at: "2026-11-20T10:00:00Z" });
    expect(state.labelRemovals).toHaveLength(20);
    expect(state.labelRemovals[0]?.label).toBe("l5");
    expect(state.labelRemovals[19]?.label).toBe("l24");
    const body = renderPullRequestComment({ title: "t", summary: "s", state });
    expect(body.split("\n").filter((l) => l.includes("was removed by"))).toHaveLength(20);
    expect(readPullRequestCommentState(body).labelRemovals).toHaveLength(20);
  });

  test("withLabelRemoval does not change the state it is given", () => {
    const state = withLabelRemoval(FRESH, { label: "a", by: "b", at: "c" });
    expect(FRESH.labelRemovals).toEqual([]);
    expect(state.labelRemovals).toHaveLength(1);
  });

  test("the remover is named without a mention", () => {
    const body = renderPullRequestComment({ title: "t", summary: "s", state: withLabelRemoval(FRESH, { label: "x", by: "mallory", at: "2026-11-20T10:00:00Z" }) });
    expect(body).not.toContain("@mallory");
  });
});
