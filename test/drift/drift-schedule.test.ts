import { jest } from "@jest/globals";
import type { Probot } from "probot";
import { DEFAULT_SCAN_INTERVAL, MAX_TIMER_MS, parseInterval, startDriftSchedule } from "../../src/drift/drift-schedule.js";
import { recordingLog } from "../helpers/scan-github.js";

const HOUR = 3_600_000;

describe("parseInterval (DRIFT_SCAN_INTERVAL)", () => {
  test.each<[string | undefined, number]>([
    [undefined, 6 * HOUR],
    ["", 6 * HOUR],
    ["  ", 6 * HOUR],
    ["6h", 6 * HOUR],
    [" 30m ", 30 * 60_000],
    ["90s", 90_000],
    ["1d", 24 * HOUR],
    ["500ms", 500],
    ["1500", 1500],
    ["0", 0],
    ["0h", 0],
  ])("%j → %d ms", (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  test.each(["six hours", "6w", "-1h", "1.5h", "6 h", "h", "6hh", "0x10"])("%j throws, naming the value", (text) => {
    expect(() => parseInterval(text)).toThrow(`DRIFT_SCAN_INTERVAL "${text.trim()}" is not a duration such as 6h, 30m or 0`);
  });

  test("the default is 6h", () => {
    expect(DEFAULT_SCAN_INTERVAL).toBe("6h");
  });
});

describe("startDriftSchedule", () => {
  /** An app whose installations listing is stubbed: one installation with one archived repository (skipped without a call). */
  function fakeApp(listing: () => Promise<unknown[]> = async () => []) {
    const { log, lines } = recordingLog();
    const installations = jest.fn(listing);
    const auth = jest.fn(async (_id?: number) => ({
      paginate: async (route: unknown) => (route === "installations" ? installations() : [{ name: "old", owner: { login: "octo-org" }, archived: true }]),
      rest: { apps: { listInstallations: "installations", listReposAccessibleToInstallation: "repositories" } },
    }));
    const app = { auth, log } as unknown as Pick<Probot, "auth" | "log">;
    return { app, auth, installations, logs: lines };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("interval 0: off, no timer, says so", () => {
    const { app, logs } = fakeApp();
    const schedule = startDriftSchedule({ app, intervalMs: 0, appLogin: async () => undefined });
    expect(jest.getTimerCount()).toBe(0);
    expect(logs.map((l) => l.msg)).toEqual(["drift scan schedule is off (DRIFT_SCAN_INTERVAL=0)"]);
    schedule.stop();
  });

  test("a run after the interval plus the jitter; it lists the installations, scans, and schedules the next", async () => {
    const { app, auth, installations, logs } = fakeApp(async () => [{ id: 5, account: { login: "octo-org" } }]);
    const appLogin = jest.fn(async () => "pipeline-guard[bot]");
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin, random: () => 0.5, pauseMs: 0 });
    const due = HOUR + 0.05 * HOUR;

    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(due - 1);
    expect(installations).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(installations).toHaveBeenCalledTimes(1);
    expect(auth.mock.calls.map((c) => c[0])).toEqual([undefined, 5]);
    expect(appLogin).toHaveBeenCalledTimes(1);
    expect(logs.find((l) => l.msg === "scheduled drift scan done")).toMatchObject({ repositories: 1, failed: 0 });
    expect(jest.getTimerCount()).toBe(1);

    await jest.advanceTimersByTimeAsync(due);
    expect(installations).toHaveBeenCalledTimes(2);
    schedule.stop();
  });

  test("the jitter is at most a tenth of the interval", async () => {
    const { app, installations } = fakeApp();
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin: async () => undefined, random: () => 0.999999 });
    await jest.advanceTimersByTimeAsync(HOUR * 1.1 - 1);
    expect(installations).toHaveBeenCalledTimes(1);
    schedule.stop();
  });

  test("stop() cancels the next run", async () => {
    const { app, installations } = fakeApp();
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin: async () => undefined, random: () => 0 });
    schedule.stop();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * HOUR);
    expect(installations).not.toHaveBeenCalled();
  });

  test("stop() during a run: that run ends, no next one is scheduled", async () => {
    let finish: (value: unknown[]) => void = () => undefined;
    const { app, installations } = fakeApp(() => new Promise<unknown[]>((resolve) => (finish = resolve)));
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin: async () => undefined, random: () => 0 });
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(installations).toHaveBeenCalledTimes(1);
    schedule.stop();
    finish([]);
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  test("a run still going when the next is due makes the next wait", async () => {
    let finish: (value: unknown[]) => void = () => undefined;
    const { app, installations } = fakeApp(() => new Promise<unknown[]>((resolve) => (finish = resolve)));
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin: async () => undefined, random: () => 0 });
    await jest.advanceTimersByTimeAsync(HOUR);
    await jest.advanceTimersByTimeAsync(5 * HOUR);
    expect(installations).toHaveBeenCalledTimes(1);
    finish([]);
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(installations).toHaveBeenCalledTimes(2);
    schedule.stop();
  });

  test("a listing that fails is logged and the schedule goes on", async () => {
    const { app, installations, logs } = fakeApp(async () => {
      throw Object.assign(new Error("Bad credentials"), { status: 401 });
    });
    const schedule = startDriftSchedule({ app, intervalMs: HOUR, appLogin: async () => undefined, random: () => 0 });
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(logs.find((l) => l.msg === "scheduled drift scan could not list the installations")).toMatchObject({ level: 50 });
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(installations).toHaveBeenCalledTimes(2);
    schedule.stop();
  });

  test("an interval longer than a timer can hold (30d) waits the longest a timer can, not 1 ms", async () => {
    const { app, installations, logs } = fakeApp();
    const schedule = startDriftSchedule({ app, intervalMs: parseInterval("30d"), appLogin: async () => undefined, random: () => 0 });
    expect(logs.some((l) => l.level === 40 && l.msg.includes("longer than a timer can wait"))).toBe(true);
    await jest.advanceTimersByTimeAsync(24 * HOUR);
    expect(installations).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS - 24 * HOUR);
    expect(installations).toHaveBeenCalledTimes(1);
    schedule.stop();
  });
});
