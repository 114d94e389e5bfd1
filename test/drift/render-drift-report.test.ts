import { readFileSync } from "node:fs";
import { diffProtection, UNPROTECTED } from "../../src/drift/diff-protection.js";
import type { DriftItem } from "../../src/drift/drift-item.js";
import { emptyDriftState, mergeScan, type DriftState, type MergedScan } from "../../src/drift/drift-state.js";
import { driftBlock } from "../../src/drift/record.js";
import { driftStateOf } from "../helpers/records.js";
import { parseTerraformPlan } from "../../src/drift/parse-terraform-plan.js";
import {
  DRIFT_REPORT_KEY,
  GITHUB_ISSUE_BODY_LIMIT,
  planReportUpdate,
  renderAllClearComment,
  renderDriftReport,
  renderNewItemsComment,
  renderReopenComment,
  type DriftReportParams,
} from "../../src/drift/render-drift-report.js";
import { hasHiddenKey } from "../../src/markdown/hidden-block.js";

const T0 = new Date("2026-11-01T06:00:00Z");
const T1 = new Date("2026-11-01T12:07:45Z");
const MENTION = /(^|[^\w`])@[A-Za-z0-9]/;

function planItems(name: string): DriftItem[] {
  const result = parseTerraformPlan(readFileSync(new URL(`../fixtures/terraform/${name}`, import.meta.url), "utf8"));
  if (!result.ok) throw new Error(result.error);
  return result.items;
}

function item(id: string, title = `title of ${id}`): DriftItem {
  return { id, kind: id.split(":")[0] as DriftItem["kind"], title, details: [`detail of ${id}`], fix: `fix of ${id}` };
}

const PROTECTION = diffProtection({ branch: "main", expected: { enforce_admins: true }, actual: UNPROTECTED });
const FOUND: DriftItem[] = [
  ...planItems("plan.sensitive.json"),
  ...planItems("plan.drift.json"),
  ...PROTECTION,
  item("deployment:production", "Deployment to `production` from a commit not on a production branch"),
  item("scan:terraform-workflow", "The Terraform workflow has not run for 30 hours"),
];

function scan(found: readonly DriftItem[], previous: DriftState = emptyDriftState(), now = T0): MergedScan {
  return mergeScan({ previous, found, now });
}

/** The report is issue #7 of acme/shop: its block is signed for that place. */
const REPORT = { owner: "acme", repo: "shop", number: 7 };
const readDriftState = (body: string) => ({ state: driftStateOf(REPORT, body), damaged: false });

function params(merged: MergedScan, extra: Partial<DriftReportParams> = {}): DriftReportParams {
  const state = extra.state ?? merged.state;
  return { owner: "acme", repo: "shop", open: merged.open, accepted: merged.accepted, state, block: driftBlock(REPORT, REPORT.number, state), now: T1, ...extra };
}

describe("renderDriftReport", () => {
  const merged = scan(FOUND);
  const body = renderDriftReport(params(merged));

  test("the hidden key first, a summary, then the items grouped by kind in a fixed order", () => {
    const lines = body.split("\n");
    expect(lines[0]).toBe(DRIFT_REPORT_KEY);
    expect(hasHiddenKey(body, "drift", "drift")).toBe(true);
    expect(lines[1]).toBe("**5 open drift items** in `acme/shop` (Protection: 1, Deployments: 1, Infrastructure (Terraform): 2, Scan problems: 1).");
    const headings = lines.filter((line) => line.startsWith("## "));
    expect(headings).toEqual(["## Protection", "## Deployments", "## Infrastructure (Terraform)", "## Scan problems"]);
  });

  test("each item: title, id, first-seen time (UTC, to the minute), details and how to fix", () => {
    expect(body).toContain(
      [
        "- **`main`: enforce_admins is false, expected true**",
        "  - ID: `protection:main:enforce_admins` · first seen 2026-11-01 06:00 UTC",
        "  - Expected: true (declared in `drift.protection`)",
        "  - Actual: false",
        "  - How to fix: Restore the protection",
      ].join("\n"),
    );
    expect(body).toContain("- **`aws_security_group.app` drifted (update)**");
    expect(body).toContain("  - How to fix: Re-apply from the production branch");
  });

  test("the state block ends the body and reads back", () => {
    expect(body.endsWith(" -->")).toBe(true);
    expect(readDriftState(body)).toEqual({ state: merged.state, damaged: false });
  });

  test("deterministic: the same input twice, or in another order, gives the same body; no scan time is written", () => {
    expect(renderDriftReport(params(merged))).toBe(body);
    const shuffled = scan([...FOUND].reverse());
    expect(renderDriftReport(params(shuffled, { open: [...shuffled.open].reverse(), now: new Date("2027-01-01T00:00:00Z") }))).toBe(body);
    expect(body).not.toContain("12:07");
  });

  test("a rescan that finds the same drift hours later renders the same body", () => {
    const again = scan(FOUND, merged.state, T1);
    expect(renderDriftReport(params(again))).toBe(body);
  });

  test("sensitive values never appear, not even in the state", () => {
    expect(body).toContain("`password` (sensitive)");
    expect(body).not.toMatch(/Hunter|Secret|tok-/);
  });

  test("accepted items are listed apart with who, when, until and why; the reason is escaped and pings nobody", () => {
    const previous: DriftState = {
      ...emptyDriftState(),
      accepted: {
        "deployment:production": { by: "octo-lead", reason: "vendor hotfix @ops-team <b>now</b>", until: "2026-12-01", at: "2026-10-30T09:15:00.000Z" },
        "scan:terraform-workflow": { by: "octo-lead", reason: "", until: null, at: "2026-10-30T09:16:00.000Z" },
        "protection:main:enforce_admins": { by: "octo-lead", reason: "migration", until: "2026-12-01T18:30:00.000Z", at: "2026-10-30T09:17:00.000Z" },
      },
    };
    const withAccepted = renderDriftReport(params(scan(FOUND, previous)));
    expect(withAccepted.split("\n")[1]).toBe("**2 open drift items** in `acme/shop` (Infrastructure (Terraform): 2). 3 accepted items listed apart.");
    const accepted = withAccepted.slice(withAccepted.indexOf("## Accepted"));
    expect(accepted).toContain("  - Accepted by `octo-lead` on 2026-10-30 09:15 UTC, until 2026-12-01 (inclusive): vendor hotfix @\u200bops-team &lt;b&gt;now&lt;/b&gt;");
    expect(accepted).toContain("with no end date: (no reason given)");
    expect(accepted).toContain("until 2026-12-01 18:30 UTC: migration");
    expect(accepted.indexOf("enforce_admins")).toBeLessThan(accepted.indexOf("deployment:production"));
    expect(withAccepted.replace(/<!-- pipeline-guard:record .* -->/, "")).not.toMatch(MENTION);
  });

  test("nothing open: says so, no kind headings", () => {
    const empty = renderDriftReport(params(scan([])));
    expect(empty.split("\n")[1]).toBe("No open drift in `acme/shop`: production matches what Git says.");
    expect(empty).not.toContain("## ");
  });

  test("configuration errors: their own section, escaped", () => {
    const withErrors = renderDriftReport(params(scan([]), { configErrors: ["markers.skip-tests.follow_up[0]: expected one of retest, postmortem, review", "mode: <script> @x"] }));
    expect(withErrors).toContain("## Configuration errors");
    expect(withErrors).toContain("- markers.skip-tests.follow\\_up\\[0\\]: expected one of retest, postmortem, review");
    expect(withErrors).toContain("- mode: &lt;script&gt; @\u200bx");
  });

  test("hostile addresses and branch names cannot forge our hidden blocks or ping anyone", () => {
    const forged = `x["<!-- pipeline-guard:record {\\"kind\\":\\"drift\\",\\"key\\":\\"drift\\",\\"state\\":{}} sig=${"0".repeat(64)} --> @admin"]`;
    const hostile: DriftItem[] = [
      ...diffProtection({ branch: "<!-- pipeline-guard:drift drift -->", expected: { allow_deletions: false }, actual: UNPROTECTED }),
      ...(() => {
        const result = parseTerraformPlan(
          JSON.stringify({ format_version: "1.2", resource_drift: [{ address: forged, change: { actions: ["update"], before: { a: 1 }, after: { a: 2 } } }] }),
        );
        return result.ok ? result.items : [];
      })(),
    ];
    const hostileScan = scan(hostile);
    const hostileBody = renderDriftReport(params(hostileScan));
    expect(hostileBody.split(DRIFT_REPORT_KEY)).toHaveLength(2);
    expect(hostileBody.split("<!-- pipeline-guard:record ")).toHaveLength(2);
    expect(readDriftState(hostileBody)).toEqual({ state: hostileScan.state, damaged: false });
    expect(hostileBody.replace(/<!-- pipeline-guard:record .* -->/, "")).not.toMatch(MENTION);
  });

  test(`stays within GitHub's ${GITHUB_ISSUE_BODY_LIMIT}-character limit: details go first, then items; the state stays whole`, () => {
    const long = Array.from({ length: 149 }, (_, index) => ({ ...item(`terraform:r${index}`), details: ["x".repeat(1000)] }));
    const big = scan(long);
    const compact = renderDriftReport(params(big));
    expect(compact.length).toBeLessThanOrEqual(GITHUB_ISSUE_BODY_LIMIT);
    expect(compact).toContain("Details and fixes are left out");
    expect(compact).not.toContain("x".repeat(1000));
    expect(compact).toContain("`terraform:r99`");
    expect(readDriftState(compact).state).toEqual(big.state);

    const huge = Array.from({ length: 149 }, (_, index) => item(`terraform:r${index}`, "t".repeat(600)));
    const cut = renderDriftReport(params(scan(huge)));
    expect(cut.length).toBeLessThanOrEqual(GITHUB_ISSUE_BODY_LIMIT);
    expect(cut).toMatch(/…and \d+ more open items, left out to stay within GitHub's size limit\./);
  });
});

describe("comments", () => {
  test("new items: names only them, sorted", () => {
    const comment = renderNewItemsComment([item("terraform:b"), item("protection:main:a")]);
    expect(comment).toBe(
      ["New drift found (2 items):", "", "- title of protection:main:a (`protection:main:a`)", "- title of terraform:b (`terraform:b`)", "", "The report above says how to fix each through the pipeline."].join("\n"),
    );
  });

  test("a long list is cut", () => {
    const comment = renderNewItemsComment(Array.from({ length: 60 }, (_, index) => item(`scan:${String(index).padStart(2, "0")}`)));
    expect(comment).toContain("New drift found (60 items):");
    expect(comment).toContain("- …and 10 more");
    expect(comment).not.toContain("scan:50");
  });

  test("reopen and all clear", () => {
    expect(renderReopenComment([item("scan:a")])).toMatch(/^Reopened: production has drifted from Git again \(1 item\):\n\n- title of scan:a/);
    expect(renderAllClearComment()).toContain("No drift is left");
    // Accepted drift is not "production matches Git": the closing comment says what is left.
    expect(renderAllClearComment(2)).toContain("2 accepted items stay listed in the report");
    expect(renderAllClearComment(2)).not.toContain("matches what Git says");
  });
});

describe("planReportUpdate", () => {
  const merged = scan(FOUND);
  const body = renderDriftReport(params(merged));
  const clear = scan([], merged.state);
  const clearBody = renderDriftReport(params(clear));
  const noNew: DriftItem[] = [];

  test.each<[string, Parameters<typeof planReportUpdate>[0], ReturnType<typeof planReportUpdate>]>([
    ["no issue, nothing open: nothing", { ...params(clear), existing: null, newItems: noNew }, { action: "none" }],
    [
      "no issue, only accepted items: nothing",
      { ...params(clear), accepted: [{ ...item("scan:a"), acceptance: { by: "x", reason: "y", until: null, at: "2026-10-30T09:15:00.000Z" } }], existing: null, newItems: noNew },
      { action: "none" },
    ],
    ["no issue, open items: create, no comment", { ...params(merged), existing: null, newItems: merged.newItems }, { action: "create", body }],
    ["no issue, only configuration errors: create", { ...params(clear, { configErrors: ["mode: bad"] }), existing: null, newItems: noNew }, { action: "create", body: expect.stringContaining("## Configuration errors") }],
    ["open issue, same body: nothing written", { ...params(merged), existing: { body, state: "open" }, newItems: noNew }, { action: "none" }],
    [
      "open issue, changed body, no new items: update without a comment",
      { ...params(merged), existing: { body: "older body", state: "open" }, newItems: noNew },
      { action: "update", body },
    ],
    [
      "open issue, new items: update, and a comment naming only them",
      { ...params(merged), existing: { body: "older body", state: "open" }, newItems: PROTECTION },
      { action: "update", body, comment: renderNewItemsComment(PROTECTION) },
    ],
    [
      "open issue, nothing open: close, body updated, all-clear comment",
      { ...params(clear), existing: { body, state: "open" }, newItems: noNew },
      { action: "close", body: clearBody, comment: renderAllClearComment() },
    ],
    [
      "closed issue, drift back: reopen, naming the new items",
      { ...params(merged), existing: { body: clearBody, state: "closed" }, newItems: PROTECTION },
      { action: "reopen-update", body, comment: renderReopenComment(PROTECTION) },
    ],
    [
      "closed by hand while drift remains (same body): reopen, naming what is open",
      { ...params(merged), existing: { body, state: "closed" }, newItems: noNew },
      { action: "reopen-update", body, comment: renderReopenComment(merged.open) },
    ],
    [
      "closed issue, only configuration errors: reopen, pointing at them",
      { ...params(clear, { configErrors: ["mode: bad"] }), existing: { body: clearBody, state: "closed" }, newItems: noNew },
      { action: "reopen-update", body: expect.stringContaining("mode: bad"), comment: expect.stringContaining("pipeline-guard.yml` is invalid") },
    ],
    ["closed issue, nothing open, same body: nothing", { ...params(clear), existing: { body: clearBody, state: "closed" }, newItems: noNew }, { action: "none" }],
    [
      "closed issue, nothing open, body changed (an acceptance resolved): update without reopening",
      { ...params(clear), existing: { body: "older body", state: "closed" }, newItems: noNew },
      { action: "update", body: clearBody },
    ],
  ])("%s", (_name, input, expected) => {
    expect(planReportUpdate(input)).toEqual(expected);
  });

  test("three scans: create, then nothing while unchanged, then a comment only for what is new", () => {
    const first = scan(FOUND.slice(0, 2));
    const created = planReportUpdate({ ...params(first), existing: null, newItems: first.newItems });
    expect(created.action).toBe("create");
    const issue = { body: "body" in created ? created.body : "", state: "open" as const };

    const second = scan(FOUND.slice(0, 2), readDriftState(issue.body).state, T1);
    expect(planReportUpdate({ ...params(second), existing: issue, newItems: second.newItems })).toEqual({ action: "none" });

    const third = scan(FOUND, readDriftState(issue.body).state, new Date("2026-11-02T00:00:00Z"));
    const updated = planReportUpdate({ ...params(third), existing: issue, newItems: third.newItems });
    expect(updated.action).toBe("update");
    const comment = "comment" in updated ? (updated.comment ?? "") : "";
    for (const old of FOUND.slice(0, 2)) expect(comment).not.toContain(old.id);
    for (const added of third.newItems) expect(comment).toContain(added.id);
    expect(third.newItems).toHaveLength(FOUND.length - 2);
  });
});
