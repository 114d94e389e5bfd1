import { ProbotOctokit } from "probot";
import { z } from "zod";
import type { Gateway } from "../../src/github/gateway.js";
import { APP_LABELS } from "../../src/github/labels.js";
import { createRecord, findRecord, readRecordBody, signedBlockFor, type RecordKind } from "../../src/records/record-store.js";
import { APP_LOGIN, nockGateway, recordingLog, setUpGatewayNock } from "../helpers/nock-harness.js";
import { issueSummary } from "../helpers/records.js";

setUpGatewayNock();

const REPO_PATH = "/repos/octo/app";
const KIND: RecordKind<{ v: 1; note: string }> = { kind: "bypass", schema: z.object({ v: z.literal(1), note: z.string() }).strict() };
const STATE = { v: 1 as const, note: "hello" };
const render = (state: { note: string }) => (block: string) => `<!-- pipeline-guard:bypass sha=abc -->\n${state.note}\n${block}`;
const LISTING = { creator: APP_LOGIN, state: "all", sort: "created", direction: "desc", per_page: "100" };

function issueJson(number: number, body: string, options: { createdAt?: string; updatedAt?: string; user?: string } = {}) {
  return {
    number,
    title: `Bypass #${number}`,
    body,
    state: "open",
    html_url: `https://github.com/octo/app/issues/${number}`,
    labels: [{ name: "pipeline-guard:bypass" }],
    user: { login: options.user ?? APP_LOGIN, type: "Bot" },
    created_at: options.createdAt ?? "2026-11-20T10:00:00Z",
    updated_at: options.updatedAt ?? options.createdAt ?? "2026-11-20T10:00:00Z",
  };
}

const signed = (number: number | null, key = "sha=abc", state: { v: 1; note: string } = STATE) => render(state)(signedBlockFor(KIND, { repository: "octo/app", number, key, state }));

describe("findRecord", () => {
  test("the app's issue whose block verifies with the key: found among the issues the app opened, never by label", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, [issueJson(7, signed(7, "sha=other")), issueJson(5, signed(5))]);
    const found = await findRecord(gw, KIND, { key: "sha=abc" });
    expect(found).toMatchObject({ status: "verified", key: "sha=abc", state: STATE, issue: { number: 5 } });
    expect(requests).toHaveLength(1);
  });

  test("a block copied from another issue, a hand-typed key line and an edited block are never taken for the record", async () => {
    const { gw, api } = nockGateway();
    const copied = issueJson(9, signed(5));
    const typed = issueJson(8, "<!-- pipeline-guard:bypass sha=abc -->\nplanted");
    const edited = issueJson(6, signed(6).replace('"note":"hello"', '"note":"changed"'));
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, [copied, typed, edited]);
    await expect(findRecord(gw, KIND, { key: "sha=abc" })).resolves.toBeNull();
  });

  test("a block that verifies but does not have the kind's form is not the record", async () => {
    const { gw, api } = nockGateway();
    const wrongShape = render(STATE)(signedBlockFor({ ...KIND, schema: z.any() } as RecordKind<unknown>, { repository: "octo/app", number: 4, key: "sha=abc", state: { v: 2 } }));
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, [issueJson(4, wrongShape)]);
    await expect(findRecord(gw, KIND, { key: "sha=abc" })).resolves.toBeNull();
    expect(readRecordBody(KIND, { repository: "octo/app", issue: issueSummary(4, wrongShape) })).toMatchObject({ status: "invalid", reason: "the record's state does not have the expected form" });
  });

  test("without the app's own login nothing is looked up: an error, never a guess", async () => {
    const { gw } = nockGateway();
    await expect(findRecord({ ...gw, appLogin: async () => undefined }, KIND, { key: "sha=abc" })).rejects.toThrow("the app's own login is not known");
  });
});

describe("createRecord", () => {
  const spec = { key: "sha=abc", state: STATE, title: "Bypass: direct push on main (abc)", labels: [APP_LABELS.bypass] as const, render };

  test("not found: labels made, created with a pending signature, then signed with its number in one more write", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(12, signed(null)))
      .patch(`${REPO_PATH}/issues/12`)
      .reply(200, {});

    const result = await createRecord(gw, KIND, spec);

    expect(result).toMatchObject({ created: true, issue: { number: 12 } });
    expect(requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([`GET ${REPO_PATH}/issues`, `POST ${REPO_PATH}/labels`, `POST ${REPO_PATH}/issues`, `PATCH ${REPO_PATH}/issues/12`]);
    expect(requests[2]?.body).toEqual({ title: spec.title, body: signed(null), labels: ["pipeline-guard:bypass"], assignees: [] });
    expect(requests[3]?.body).toEqual({ body: signed(12) });
    expect(readRecordBody(KIND, { repository: "octo/app", issue: issueSummary(12, signed(12)) })).toMatchObject({ status: "verified", pending: false });
  });

  test("found: returned, nothing written", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, [issueJson(5, signed(5))]);
    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: false, issue: { number: 5 } });
    expect(requests.map((r) => r.method)).toEqual(["GET"]);
  });

  test("a create that landed and answered 502: found again by its key, not created twice, and signed", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(502, { message: "Bad Gateway" })
      // The create landed: the listing shows it, with its pending signature, untouched since.
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [issueJson(12, signed(null))])
      .patch(`${REPO_PATH}/issues/12`)
      .reply(200, {});

    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 12 } });
    expect(requests.filter((r) => r.method === "POST" && r.path === `${REPO_PATH}/issues`)).toHaveLength(1);
    expect(requests.at(-1)?.body).toEqual({ body: signed(12) });
  });

  test("a create that did not land (502, nothing found): created again, once", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .times(2)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(502, { message: "Bad Gateway" })
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(13, signed(null)))
      .patch(`${REPO_PATH}/issues/13`)
      .reply(200, {});
    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 13 } });
    expect(requests.filter((r) => r.method === "POST" && r.path === `${REPO_PATH}/issues`)).toHaveLength(2);
  });

  test("a pending block that someone touched since its creation is not adopted: it is not the app's body any more", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(503, { message: "unavailable" })
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [issueJson(12, signed(null), { updatedAt: "2026-11-20T10:05:00Z" })])
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(14, signed(null)))
      .patch(`${REPO_PATH}/issues/14`)
      .reply(200, {});
    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ issue: { number: 14 } });
    expect(requests.filter((r) => r.method === "POST" && r.path === `${REPO_PATH}/issues`)).toHaveLength(2);
  });

  test("5xx twice and nothing found: the error reaches the caller (the delivery fails and can be redelivered)", async () => {
    const { gw, api } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .times(3)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .times(2)
      .reply(500, { message: "boom" });
    await expect(createRecord(gw, KIND, spec)).rejects.toMatchObject({ status: 500 });
  });

  test("a 4xx (it did not land) reaches the caller without a look-up", async () => {
    const { gw, api, requests } = nockGateway();
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, []).post(`${REPO_PATH}/labels`).reply(201, {}).post(`${REPO_PATH}/issues`).reply(403, { message: "Resource not accessible by integration" });
    await expect(createRecord(gw, KIND, spec)).rejects.toMatchObject({ status: 403 });
    expect(requests.map((r) => r.method)).toEqual(["GET", "POST", "POST"]);
  });

  test("the signing write fails: logged, and the record stands with its pending signature", async () => {
    const { gw, api, logs } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(12, signed(null)))
      .patch(`${REPO_PATH}/issues/12`)
      .reply(500, { message: "boom" });
    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 12 } });
    expect(logs.some((l) => l.msg === "a new record could not be signed with its number yet")).toBe(true);
  });

  test("two concurrent calls for one key make one record: the second finds the first's", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(8, signed(null)))
      .patch(`${REPO_PATH}/issues/8`)
      .reply(200, {})
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [issueJson(8, signed(8), { updatedAt: "2026-11-20T10:00:01Z" })]);
    const [a, b] = await Promise.all([createRecord(gw, KIND, spec), createRecord(gw, KIND, spec)]);
    expect([a.created, b.created]).toEqual([true, false]);
    expect(requests.filter((r) => r.method === "POST" && r.path === `${REPO_PATH}/issues`)).toHaveLength(1);
  });

  test("dry run: looked up, nothing written", async () => {
    const { gw, api, requests } = nockGateway({ dryRun: true });
    api.get(`${REPO_PATH}/issues`).query(LISTING).reply(200, []);
    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 0 } });
    expect(requests.map((r) => r.method)).toEqual(["GET"]);
  });
});

describe("createRecord with Probot's retry plugin on, as the server runs it", () => {
  const spec = { key: "sha=abc", state: STATE, title: "Bypass: direct push on main (abc)", labels: [APP_LABELS.bypass] as const, render };

  function retryingGateway() {
    // Retries of reads stay on (a 5xx on a listing is retried); the create itself is never retried.
    const RetryingOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { enabled: false }, retry: { retryAfterBaseValue: 1 } }));
    const base = nockGateway();
    const gw: Gateway = { ...base.gw, octokit: new RetryingOctokit({ auth: { token: "t" }, log: recordingLog().log }) as unknown as Gateway["octokit"] };
    return { ...base, gw };
  }

  test("a create that lands and answers 502: one issue, found again by its key and signed", async () => {
    const { gw, api, requests } = retryingGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .reply(502, { message: "Bad Gateway" })
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .reply(200, [issueJson(12, signed(null))])
      .patch(`${REPO_PATH}/issues/12`)
      .reply(200, {});

    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 12 } });
    expect(requests.filter((r) => r.method === "POST" && r.path === `${REPO_PATH}/issues`)).toHaveLength(1);
  });

  test("a create that times out (no answer at all): looked up, then created once", async () => {
    const { gw, api, requests } = retryingGateway();
    api
      .get(`${REPO_PATH}/issues`)
      .query(LISTING)
      .times(2)
      .reply(200, [])
      .post(`${REPO_PATH}/labels`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues`)
      .replyWithError({ code: "ETIMEDOUT", message: "socket timed out" })
      .post(`${REPO_PATH}/issues`)
      .reply(201, issueJson(13, signed(null)))
      .patch(`${REPO_PATH}/issues/13`)
      .reply(200, {});

    await expect(createRecord(gw, KIND, spec)).resolves.toMatchObject({ created: true, issue: { number: 13 } });
    expect(requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });
});
