import { addLabels, APP_LABELS, ensureLabels, forgetKnownLabels, markerLabelSpec, removeLabel } from "../../src/github/labels.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

describe("labels", () => {
  test("the app's labels have a colour and a description; a marker label gets the marker colour", () => {
    for (const spec of Object.values(APP_LABELS)) {
      expect(spec.name).toMatch(/^pipeline-guard:/);
      expect(spec.color).toMatch(/^[0-9a-f]{6}$/);
      expect(spec.description.length).toBeGreaterThan(0);
      expect(spec.description.length).toBeLessThanOrEqual(100); // GitHub's limit on a label description
    }
    expect(markerLabelSpec("skip-tests")).toEqual({ name: "skip-tests", color: "d93f0b", description: "Pipeline Guard: an emergency override marker was used" });
    expect(markerLabelSpec("pipeline-guard:bypass")).toBe(APP_LABELS.bypass);
  });

  test("ensureLabels creates each label once; 422 (exists) is fine; known labels cost nothing after", async () => {
    const { gw, api, requests } = nockGateway();
    api.post(`${REPO_PATH}/labels`).reply(201, {}).post(`${REPO_PATH}/labels`).reply(422, { message: "Validation Failed" });
    await ensureLabels(gw, [APP_LABELS.followUp, markerLabelSpec("skip-tests")]);
    await ensureLabels(gw, [APP_LABELS.followUp, markerLabelSpec("SKIP-TESTS")]);
    expect(requests.map((r) => (r.body as { name: string }).name)).toEqual(["pipeline-guard:follow-up", "skip-tests"]);
  });

  test("another error reaches the caller, and the label is not remembered", async () => {
    const { gw, api } = nockGateway();
    api.post(`${REPO_PATH}/labels`).reply(403, { message: "no" }).post(`${REPO_PATH}/labels`).reply(201, {});
    await expect(ensureLabels(gw, [APP_LABELS.bypass])).rejects.toMatchObject({ status: 403 });
    await ensureLabels(gw, [APP_LABELS.bypass]);
  });

  test("forgetKnownLabels makes the next call create again", async () => {
    const { gw, api } = nockGateway();
    api.post(`${REPO_PATH}/labels`).times(2).reply(201, {});
    await ensureLabels(gw, [APP_LABELS.drift]);
    forgetKnownLabels();
    await ensureLabels(gw, [APP_LABELS.drift]);
  });

  test("addLabels: nothing to add costs nothing; else the labels are made and added", async () => {
    const { gw, api, requests } = nockGateway();
    await addLabels(gw, 4, []);
    expect(requests).toEqual([]);
    api.post(`${REPO_PATH}/labels`).reply(201, {}).post(`${REPO_PATH}/issues/4/labels`).reply(200, []);
    await addLabels(gw, 4, [markerLabelSpec("emergency-deploy")]);
    expect(requests[1]).toEqual({ method: "POST", path: `${REPO_PATH}/issues/4/labels`, body: { labels: ["emergency-deploy"] } });
  });

  test("removeLabel: a label already gone (404) is fine; another error is not", async () => {
    const { gw, api } = nockGateway();
    api
      .delete(`${REPO_PATH}/issues/4/labels/skip-tests`)
      .reply(404, { message: "Label does not exist" })
      .delete(`${REPO_PATH}/issues/4/labels/skip-tests`)
      .reply(500, { message: "boom" });
    await expect(removeLabel(gw, 4, "skip-tests")).resolves.toBeUndefined();
    await expect(removeLabel(gw, 4, "skip-tests")).rejects.toMatchObject({ status: 500 });
  });
});
