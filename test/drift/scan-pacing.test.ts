import { createScanPacer, DEFAULT_SCAN_BUDGET, parseScanBudget, readRateHeaders, SECONDARY_POINTS_PER_MINUTE } from "../../src/drift/scan-pacing.js";

const T0 = Date.parse("2026-03-10T12:00:00Z");
const RESET = T0 + 30 * 60_000;

describe("parseScanBudget", () => {
  test.each<[string | undefined, number]>([
    [undefined, DEFAULT_SCAN_BUDGET],
    ["", 0.2],
    [" 20% ", 0.2],
    ["5%", 0.05],
    ["100%", 1],
    ["12.5%", 0.125],
  ])("%p is a share of %p", (text, share) => {
    expect(parseScanBudget(text)).toBe(share);
  });

  test.each(["0%", "101%", "20", "0.2", "all", "-5%", "1000%"])("%p is refused (a typo must not lift the cap)", (text) => {
    expect(() => parseScanBudget(text)).toThrow("DRIFT_SCAN_BUDGET");
  });
});

describe("readRateHeaders", () => {
  test("remaining, reset (seconds) and resource", () => {
    expect(readRateHeaders(7, { "x-ratelimit-remaining": "4321", "x-ratelimit-reset": String(RESET / 1000), "x-ratelimit-resource": "graphql" })).toEqual({ installationId: 7, resource: "graphql", remaining: 4321, resetAt: RESET });
  });

  test("missing or unreadable headers: nothing observed", () => {
    expect(readRateHeaders(7, {})).toBeNull();
    expect(readRateHeaders(7, { "x-ratelimit-remaining": "many", "x-ratelimit-reset": "1" })).toBeNull();
  });
});

describe("createScanPacer", () => {
  const seen = (remaining: number, resource = "core", resetAt = RESET) => ({ installationId: 1, resource, remaining, resetAt });

  test("under the budget: no wait; past 20% of what remained at the start: wait for the reset (and a second)", () => {
    const pacer = createScanPacer({ budget: 0.2 });
    pacer.observe(seen(1000));
    pacer.observe(seen(801));
    expect(pacer.delayBefore(1, T0)).toBe(0);
    pacer.observe(seen(800));
    expect(pacer.delayBefore(1, T0)).toBe(RESET - T0 + 1000);
    // Another installation's budget is its own.
    expect(pacer.delayBefore(2, T0)).toBe(0);
  });

  test("each resource has its budget: GraphQL spent does not hold REST back, and the other way round", () => {
    const pacer = createScanPacer({ budget: 0.5 });
    pacer.observe(seen(100, "graphql"));
    pacer.observe(seen(40, "graphql"));
    pacer.observe(seen(5000, "core"));
    expect(pacer.delayBefore(1, T0)).toBe(RESET - T0 + 1000);
  });

  test("after the reset a new window starts from what remains then", () => {
    const pacer = createScanPacer({ budget: 0.2 });
    pacer.observe(seen(1000));
    pacer.observe(seen(100));
    const later = RESET + 2000;
    expect(pacer.delayBefore(1, later)).toBe(0);
    pacer.observe(seen(5000, "core", later + 3_600_000));
    pacer.observe(seen(4500, "core", later + 3_600_000));
    expect(pacer.delayBefore(1, later)).toBe(0);
    pacer.observe(seen(3999, "core", later + 3_600_000));
    expect(pacer.delayBefore(1, later)).toBe(3_600_000 + 1000);
  });

  test("repositories are spaced by what they cost, under GitHub's 900 points a minute", () => {
    const pacer = createScanPacer({ budget: 1 });
    pacer.spent(9, T0);
    expect(pacer.delayBefore(1, T0)).toBe(Math.ceil((9 * 60_000) / SECONDARY_POINTS_PER_MINUTE));
    expect(pacer.delayBefore(1, T0 + 600)).toBe(0);
  });
});
