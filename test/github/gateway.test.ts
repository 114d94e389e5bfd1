import { jest } from "@jest/globals";
import { gatewayFor, isDryRun, statusOf, write, type Gateway } from "../../src/github/gateway.js";

function gateway(dryRun: boolean) {
  const log = { info: jest.fn(), debug: jest.fn() };
  const gw = { octokit: {} as Gateway["octokit"], log: log as unknown as Gateway["log"], owner: "octo", repo: "app", dryRun, appLogin: async () => "pipeline-guard[bot]" };
  return { gw, log };
}

describe("isDryRun", () => {
  test.each([
    ["1", true],
    ["true", true],
    ["TRUE", true],
    [" yes ", true],
    ["0", false],
    ["false", false],
    ["no", false],
    ["", false],
    ["dry", false],
  ])("DRY_RUN=%j → %s", (value, expected) => {
    expect(isDryRun({ DRY_RUN: value })).toBe(expected);
  });

  test("unset → false", () => {
    expect(isDryRun({})).toBe(false);
  });
});

describe("gatewayFor", () => {
  test("the repository, the client, the logger and dry-run from the environment", () => {
    const context = { octokit: {} as Gateway["octokit"], log: {} as Gateway["log"], repo: () => ({ owner: "octo", repo: "app" }) } as unknown as Parameters<
      typeof gatewayFor
    >[0];
    const appLogin = async () => "pipeline-guard[bot]";
    const gw = gatewayFor(context, appLogin, { DRY_RUN: "true" });
    expect(gw).toEqual({ octokit: context.octokit, log: context.log, owner: "octo", repo: "app", dryRun: true, appLogin });
    expect(gatewayFor(context, appLogin, {}).dryRun).toBe(false);
  });
});

describe("write", () => {
  test("dry run: the write is not made, an info line says what would be, the dry result is returned", async () => {
    const { gw, log } = gateway(true);
    const run = jest.fn(async () => "made");
    await expect(write(gw, "create issue", { title: "t" }, run, "dry")).resolves.toBe("dry");
    expect(run).not.toHaveBeenCalled();
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info).toHaveBeenCalledWith({ title: "t", owner: "octo", repo: "app", dryRun: true }, "dry run: would create issue");
  });

  test("not a dry run: the write is made and its result returned", async () => {
    const { gw, log } = gateway(false);
    const run = jest.fn(async () => "made");
    await expect(write(gw, "comment", { issue: 1 }, run, "dry")).resolves.toBe("made");
    expect(run).toHaveBeenCalledTimes(1);
    expect(log.info).not.toHaveBeenCalled();
    expect(log.debug).toHaveBeenCalledWith({ issue: 1, owner: "octo", repo: "app" }, "comment");
  });

  test("an error of the write reaches the caller", async () => {
    const { gw } = gateway(false);
    await expect(write(gw, "comment", {}, async () => Promise.reject(new Error("403")), undefined)).rejects.toThrow("403");
  });
});

describe("statusOf", () => {
  test.each([
    [{ status: 404 }, 404],
    [Object.assign(new Error("x"), { status: 422 }), 422],
    [{ status: "404" }, undefined],
    [new Error("x"), undefined],
    [null, undefined],
    ["404", undefined],
  ])("%p → %p", (error, status) => {
    expect(statusOf(error)).toBe(status);
  });
});
