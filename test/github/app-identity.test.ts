import { appLoginResolver } from "../../src/github/app-identity.js";
import { recordingLog } from "../helpers/nock-harness.js";

function app(answers: Array<() => Promise<{ data: Record<string, unknown> }>>) {
  const { log, lines } = recordingLog();
  let calls = 0;
  const octokit = { rest: { apps: { getAuthenticated: () => answers[calls++]!() } } };
  return { app: { auth: async () => octokit, log } as unknown as Parameters<typeof appLoginResolver>[0], lines, calls: () => calls };
}

describe("appLoginResolver: the app's login and id, from one GET /app per process", () => {
  test("both from the same answer, asked once", async () => {
    const { app: probot, calls } = app([async () => ({ data: { slug: "pipeline-guard", id: 9000 } })]);
    const resolve = appLoginResolver(probot);
    expect(await resolve()).toBe("pipeline-guard[bot]");
    expect(await resolve.appId?.()).toBe(9000);
    expect(calls()).toBe(1);
  });

  test("an answer without an id: the login, and no id (nothing that needs it is trusted)", async () => {
    const { app: probot } = app([async () => ({ data: { slug: "pipeline-guard" } })]);
    const resolve = appLoginResolver(probot);
    expect(await resolve.appId?.()).toBeUndefined();
    expect(await resolve()).toBe("pipeline-guard[bot]");
  });

  test("an error: undefined, logged, and asked again next time", async () => {
    const { app: probot, lines, calls } = app([
      async () => {
        throw new Error("boom");
      },
      async () => ({ data: { slug: "pipeline-guard", id: 9000 } }),
    ]);
    const resolve = appLoginResolver(probot);
    expect(await resolve.appId?.()).toBeUndefined();
    expect(lines.some((line) => line.msg === "could not learn the app's own login; it is not exempted this time")).toBe(true);
    expect(await resolve.appId?.()).toBe(9000);
    expect(calls()).toBe(2);
  });
});
