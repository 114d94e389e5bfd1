import { auditRowOf, justificationOf, type AuditIssue } from "../../src/audit/audit-row.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { setChecklistItem } from "../../src/follow-ups/checklist.js";
import { renderBypassIssue } from "../../src/bypasses/render-bypass-issue.js";
import { hiddenKey } from "../../src/markdown/hidden-block.js";
import { renderFollowUpIssue, type OverrideRecord } from "../../src/follow-ups/render-follow-up-issue.js";

const REPO = "octo/app";
const MERGE_SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const BOT = { login: "pipeline-guard[bot]", type: "Bot" };

const JUSTIFICATION = 'The DB is down, "again", see https://status.example.com & ping @alice <b>now</b>\nSecond line: [skip-tests] *bold* | pipe';

function overrideRecord(partial: Partial<OverrideRecord> = {}): OverrideRecord {
  return {
    pr: { number: 12, title: "Raise the db timeout, now" },
    sha: MERGE_SHA,
    branch: "main",
    markers: ["emergency-deploy", "skip-tests"],
    labels: ["emergency-deploy", "skip-tests"],
    items: ["retest", "postmortem", "review"],
    author: "alice",
    merger: "bob",
    at: new Date("2026-11-20T10:00:00Z"),
    justification: JUSTIFICATION,
    unmet: [],
    ...partial,
  };
}

/** A follow-up issue as GitHub lists it: the app's rendered body behind its hidden key. */
function followUpIssue(params: { number?: number; record?: OverrideRecord; state?: "open" | "closed"; ticked?: Array<"retest" | "postmortem" | "review">; closedBy?: string } = {}): AuditIssue {
  const spec = renderFollowUpIssue(params.record ?? overrideRecord(), DEFAULT_CONFIG);
  let body = `${hiddenKey("follow-up", spec.key)}\n${spec.body}`;
  for (const item of params.ticked ?? []) body = setChecklistItem(body, item, true);
  const number = params.number ?? 40;
  return {
    number,
    title: spec.title,
    body,
    state: params.state ?? "open",
    html_url: `https://github.com/${REPO}/issues/${number}`,
    created_at: "2026-11-20T10:00:07Z",
    closed_at: params.state === "closed" ? "2026-11-22T09:30:00Z" : null,
    labels: [{ name: "pipeline-guard:follow-up" }, { name: "emergency-deploy" }, { name: "skip-tests" }],
    user: BOT,
    ...(params.closedBy ? { closed_by: { login: params.closedBy } } : {}),
  };
}

function bypassIssue(params: { number?: number; state?: "open" | "closed"; closedBy?: string } = {}): AuditIssue {
  const rendered = renderBypassIssue({
    kind: "merged with failing checks",
    branch: "main",
    sha: MERGE_SHA,
    actor: "carol",
    at: new Date("2026-11-18T08:05:00Z"),
    pr: { number: 9, title: "Ship it" },
    details: ["`ci` failed"],
  });
  const number = params.number ?? 41;
  return {
    number,
    title: rendered.title,
    body: `${hiddenKey("bypass", rendered.key)}\n${rendered.body}`,
    state: params.state ?? "open",
    html_url: `https://github.com/${REPO}/issues/${number}`,
    created_at: "2026-11-18T08:05:09Z",
    closed_at: params.state === "closed" ? "2026-11-19T00:00:00Z" : null,
    labels: ["pipeline-guard:bypass"],
    user: BOT,
    ...(params.closedBy ? { closed_by: { login: params.closedBy } } : {}),
  };
}

describe("auditRowOf: follow-ups", () => {
  test("an open follow-up of a PR", () => {
    expect(auditRowOf(followUpIssue({ ticked: ["retest"] }), REPO)).toEqual({
      when: "2026-11-20T10:00:00.000Z",
      repository: REPO,
      kind: "override",
      pr: 12,
      sha: MERGE_SHA,
      who: "alice",
      markers: ["emergency-deploy", "skip-tests"],
      justification: JUSTIFICATION,
      followUp: "open",
      boxes: "1/3",
      closedBy: null,
      closedAt: null,
      title: "Follow-up: emergency-deploy, skip-tests in #12 Raise the db timeout, now",
      issueUrl: `https://github.com/${REPO}/issues/40`,
    });
  });

  test("closed with every box ticked: done, with who closed it", () => {
    const row = auditRowOf(followUpIssue({ state: "closed", ticked: ["retest", "postmortem", "review"], closedBy: "pipeline-guard[bot]" }), REPO);
    expect(row).toMatchObject({ followUp: "done", boxes: "3/3", closedBy: "pipeline-guard[bot]", closedAt: "2026-11-22T09:30:00Z" });
  });

  test("closed with boxes unticked (closed as not planned by a maintainer): closed-incomplete", () => {
    const row = auditRowOf(followUpIssue({ state: "closed", ticked: ["postmortem"], closedBy: "maria" }), REPO);
    expect(row).toMatchObject({ followUp: "closed-incomplete", boxes: "1/3", closedBy: "maria" });
  });

  test("a direct push's follow-up (key sha=…), without a justification, whose markers ask for nothing", () => {
    const record = overrideRecord({ markers: ["custom"], labels: ["custom"], items: [], justification: null, author: "dave", merger: "dave" });
    delete record.pr;
    const row = auditRowOf(followUpIssue({ record, state: "closed" }), REPO);
    expect(row).toMatchObject({ kind: "override", pr: null, sha: MERGE_SHA, who: "dave", markers: ["custom"], justification: null, followUp: "done", boxes: "0/0" });
    expect(row?.title).toBe(`Follow-up: custom in ${MERGE_SHA.slice(0, 7)}`);
  });

  test("a damaged state block: the body's lines and the title stand in", () => {
    const issue = followUpIssue();
    issue.body = (issue.body ?? "").replace(/<!-- pipeline-guard:state .* -->/, "<!-- pipeline-guard:state {broken -->");
    expect(auditRowOf(issue, REPO)).toMatchObject({ pr: 12, sha: MERGE_SHA, who: "alice", markers: ["emergency-deploy", "skip-tests"] });
  });

  test("no time line: the issue's creation time", () => {
    const issue = followUpIssue();
    issue.body = (issue.body ?? "").replace(/^- \*\*At:\*\*.*$/m, "");
    expect(auditRowOf(issue, REPO)?.when).toBe("2026-11-20T10:00:07.000Z");
  });
});

describe("auditRowOf: bypasses", () => {
  test("a bypass issue", () => {
    expect(auditRowOf(bypassIssue({ state: "closed", closedBy: "maria" }), REPO)).toEqual({
      when: "2026-11-18T08:05:00.000Z",
      repository: REPO,
      kind: "bypass",
      pr: 9,
      sha: MERGE_SHA,
      who: "carol",
      markers: [],
      justification: null,
      followUp: "n/a",
      boxes: "n/a",
      closedBy: "maria",
      closedAt: "2026-11-19T00:00:00Z",
      title: `Bypass: merged with failing checks on main (${MERGE_SHA.slice(0, 7)})`,
      issueUrl: `https://github.com/${REPO}/issues/41`,
    });
  });
});

describe("auditRowOf: bypasses read from their state block", () => {
  test("a bypass whose pusher is unknown (a missed webhook): who is read from the state, not from an @-mention", () => {
    const rendered = renderBypassIssue({ kind: "direct push", branch: "main", sha: MERGE_SHA, actor: "unknown", at: new Date("2026-11-18T08:05:00Z"), details: [] });
    const issue = { ...bypassIssue(), title: rendered.title, body: `${hiddenKey("bypass", rendered.key)}\n${rendered.body}` };
    expect(rendered.body).not.toContain("@unknown");
    expect(auditRowOf(issue, REPO)).toMatchObject({ who: "unknown", sha: MERGE_SHA, pr: null, when: "2026-11-18T08:05:00.000Z" });
  });

  test("an older bypass without a state block is still read from its text", () => {
    const issue = bypassIssue();
    issue.body = (issue.body ?? "").replace(/<!-- pipeline-guard:state [^\n]*-->/, "");
    expect(issue.body).not.toContain("pipeline-guard:state");
    expect(auditRowOf(issue, REPO)).toMatchObject({ who: "carol", sha: MERGE_SHA, pr: 9, when: "2026-11-18T08:05:00.000Z" });
  });
});

describe("auditRowOf: anything else is null", () => {
  test.each<[string, (issue: AuditIssue) => void]>([
    ["an issue without the app's labels", (i) => (i.labels = ["bug"])],
    ["an issue a person opened (a planted key)", (i) => (i.user = { login: "mallory", type: "User" })],
    ["an issue without a user", (i) => (i.user = null)],
    ["the label without the hidden key", (i) => (i.body = (i.body ?? "").replace(/<!-- pipeline-guard:follow-up [^>]*-->/, ""))],
    ["a pull request", (i) => (i.pull_request = { url: "x" })],
    ["no body at all", (i) => (i.body = null)],
  ])("%s", (_name, change) => {
    const issue = followUpIssue();
    change(issue);
    expect(auditRowOf(issue, REPO)).toBeNull();
  });

  test("the bypass label without the bypass key", () => {
    const issue = bypassIssue();
    issue.body = "Bypass by hand";
    expect(auditRowOf(issue, REPO)).toBeNull();
  });
});

describe("justificationOf", () => {
  test("the quoted text, unescaped, as written", () => {
    expect(justificationOf(followUpIssue().body ?? "")).toBe(JUSTIFICATION);
  });

  test("_none was given_ and a missing section are null", () => {
    expect(justificationOf("**Justification:**\n_none was given_\n")).toBeNull();
    expect(justificationOf("no section")).toBeNull();
  });

  test("backslashes and entities written by the author survive the round trip", () => {
    const text = String.raw`C:\path\to &amp; \* a:\\b &lt;`;
    const issue = followUpIssue({ record: overrideRecord({ justification: text }) });
    expect(justificationOf(issue.body ?? "")).toBe(text);
  });
});
