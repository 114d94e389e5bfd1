/**
 * `follow_up.escalate`: a follow-up still open `after_hours` past its due date mentions `to` once,
 * in one comment, and gets the label `pipeline-guard:escalated`; never again on the next scan.
 */
import { readFollowUp, type FollowUpState } from "../../src/follow-ups/record.js";
import { remindOverdue } from "../../src/follow-ups/remind-overdue.js";
import type { IssueSummary } from "../../src/github/issues.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";
import { followUpBody, followUpState, issueSummary } from "../helpers/records.js";

setUpGatewayNock();

const REPO = "octo/app";
const NUMBER = 30;
const ISSUE = `/repos/${REPO}/issues/${NUMBER}`;
const ESCALATE = { after_hours: 24, to: ["acme/sre", "@lead"] };
/** Due 2026-11-22 10:00; the scan runs 25 h later, past `after_hours`. */
const DUE = "2026-11-22T10:00:00.000Z";
const NOW = new Date("2026-11-23T11:00:00Z");
const OVERDUE = "pipeline-guard:overdue";
const ESCALATED = "pipeline-guard:escalated";

function openFollowUp(options: { escalatedAt?: string; labels?: string[]; state?: "open" | "closed"; ticked?: boolean } = {}): { issue: IssueSummary; state: FollowUpState } {
  const state = followUpState(
    { items: ["retest", "postmortem"] },
    { dueAt: DUE, ...(options.escalatedAt ? { escalatedAt: options.escalatedAt } : {}), ...(options.ticked ? { ticks: { retest: { by: "c", at: DUE }, postmortem: { by: "c", at: DUE } } } : {}) },
  );
  const issue = { ...issueSummary(NUMBER, followUpBody({ repository: REPO, number: NUMBER }, state), { state: options.state }), labels: options.labels ?? [OVERDUE], updatedAt: NOW.toISOString() };
  return { issue, state };
}

describe("escalation of follow-ups long past due", () => {
  test("past due + after_hours: the time is signed into the state first, then the label, then one comment mentioning each of `to`", async () => {
    const { gw, api, requests } = nockGateway({ owner: "octo", repo: "app" });
    api.patch(ISSUE).reply(200, {}).post(`/repos/${REPO}/labels`).reply(201, {}).post(`${ISSUE}/labels`).reply(200, []).post(`${ISSUE}/comments`).reply(201, {});

    await remindOverdue(gw, { followUps: [openFollowUp()], now: NOW, escalate: ESCALATE });

    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${ISSUE}`, `POST /repos/${REPO}/labels`, `POST ${ISSUE}/labels`, `POST ${ISSUE}/comments`]);
    const saved = readFollowUp({ owner: "octo", repo: "app" }, issueSummary(NUMBER, String((requests[0]!.body as { body: string }).body)));
    expect(saved?.status === "verified" && saved.state.escalatedAt).toBe(NOW.toISOString());
    expect(String((requests[0]!.body as { body: string }).body)).toContain("- **Escalated:** 2026-11-23 11:00 UTC");
    expect(requests[1]!.body).toMatchObject({ name: ESCALATED });
    expect(requests[2]!.body).toEqual({ labels: [ESCALATED] });
    expect(requests[3]!.body).toEqual({
      body:
        "Escalated to @acme/sre, @lead: this follow-up is 25 h past its due date (more than `follow_up.escalate.after_hours`: 24) and **retest**, **postmortem** are still open. " +
        "Please see that the work is done, or that the follow-up is waived with a reason (`/pipeline-guard waive REASON`).",
    });
  });

  test("the next scan: already escalated (in the signed state) and labelled: no mention, no call", async () => {
    const { gw, requests } = nockGateway({ owner: "octo", repo: "app" });
    await remindOverdue(gw, { followUps: [openFollowUp({ escalatedAt: "2026-11-23T10:00:00.000Z", labels: [OVERDUE, ESCALATED] })], now: new Date(NOW.getTime() + 6 * 3_600_000), escalate: ESCALATE });
    expect(requests).toEqual([]);
  });

  test("its label removed since: put back, nobody mentioned again", async () => {
    const { gw, api, requests } = nockGateway({ owner: "octo", repo: "app" });
    api.post(`/repos/${REPO}/labels`).reply(201, {}).post(`${ISSUE}/labels`).reply(200, []);
    await remindOverdue(gw, { followUps: [openFollowUp({ escalatedAt: "2026-11-23T10:00:00.000Z" })], now: NOW, escalate: ESCALATE });
    expect(requests.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(requests.some((r) => r.path.endsWith("/comments"))).toBe(false);
  });

  test.each([
    ["not yet after_hours past due", openFollowUp(), { ...ESCALATE, after_hours: 26 }],
    ["`to: []` (the default): nobody to escalate to", openFollowUp(), { ...ESCALATE, to: [] }],
    ["closed (done, or waived as not planned)", openFollowUp({ state: "closed" }), ESCALATE],
    ["every box ticked", openFollowUp({ ticked: true }), ESCALATE],
  ])("%s: no escalation", async (_name, followUp, escalate) => {
    const { gw, requests } = nockGateway({ owner: "octo", repo: "app" });
    await remindOverdue(gw, { followUps: [followUp], now: NOW, escalate });
    expect(requests).toEqual([]);
  });

  test("the state cannot be saved: no mention (a failure can lose a mention, never repeat one)", async () => {
    const { gw, api, requests } = nockGateway({ owner: "octo", repo: "app" });
    api.patch(ISSUE).reply(500, {});
    await expect(remindOverdue(gw, { followUps: [openFollowUp()], now: NOW, escalate: ESCALATE })).rejects.toThrow();
    expect(requests.map((r) => r.method)).toEqual(["PATCH"]);
  });
});
