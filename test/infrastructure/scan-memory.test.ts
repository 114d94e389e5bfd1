import { createInProcessScanMemory, keptMark } from "../../src/infrastructure/scan-memory.js";

const ENTRY = { fingerprint: "f", branches: ["main"], fullScanAt: "2026-03-10T00:00:00.000Z", recheckAt: null, dirtyAt: null };

describe("createInProcessScanMemory", () => {
  test("keys are case-insensitive; a mark sets the time on the entry", async () => {
    const memory = createInProcessScanMemory();
    await memory.set("Octo-Org/Repo", ENTRY);
    expect(await memory.get("octo-org/repo")).toEqual(ENTRY);
    await memory.markDirty("OCTO-ORG/REPO", new Date("2026-03-10T01:00:00Z"));
    expect(await memory.get("octo-org/repo")).toEqual({ ...ENTRY, dirtyAt: "2026-03-10T01:00:00.000Z" });
  });

  test("a mark on a repository it does not know is kept, without a fingerprint (a scan running now stays marked)", async () => {
    const memory = createInProcessScanMemory();
    await memory.markDirty("octo-org/new", new Date("2026-03-10T01:00:00Z"));
    expect(await memory.get("octo-org/new")).toMatchObject({ fingerprint: null, dirtyAt: "2026-03-10T01:00:00.000Z" });
  });

  test("past its limit the least recently written entry is forgotten", async () => {
    const memory = createInProcessScanMemory(2);
    await memory.set("a/1", ENTRY);
    await memory.set("a/2", ENTRY);
    await memory.set("a/1", ENTRY);
    await memory.set("a/3", ENTRY);
    expect(await memory.get("a/2")).toBeUndefined();
    expect(await memory.get("a/1")).toEqual(ENTRY);
    expect(await memory.get("a/3")).toEqual(ENTRY);
  });
});

describe("a scan's write and the marks made while it ran (in process)", () => {
  const START = new Date("2026-03-10T02:00:00Z");
  test("a mark made since the scan started stays; one made before is replaced by the entry's own", async () => {
    const memory = createInProcessScanMemory();
    await memory.set("a/1", ENTRY);
    await memory.markDirty("a/1", new Date("2026-03-10T02:00:30Z"));
    await memory.set("a/1", { ...ENTRY, fingerprint: "g" }, START);
    expect(await memory.get("a/1")).toEqual({ ...ENTRY, fingerprint: "g", dirtyAt: "2026-03-10T02:00:30.000Z" });
    await memory.markDirty("a/2", new Date("2026-03-10T01:59:00Z"));
    await memory.set("a/2", ENTRY, START);
    expect(await memory.get("a/2")).toEqual(ENTRY);
    // A plain write (no scan start) writes the entry as it is.
    await memory.set("a/1", ENTRY);
    expect(await memory.get("a/1")).toEqual(ENTRY);
  });

  test.each<[string | null, string | null, Date | undefined, string | null]>([
    [null, null, START, null],
    ["2026-03-10T03:00:00.000Z", null, undefined, null],
    ["2026-03-10T03:00:00.000Z", null, START, "2026-03-10T03:00:00.000Z"],
    ["2026-03-10T01:00:00.000Z", null, START, null],
    ["2026-03-10T03:00:00.000Z", "2026-03-10T04:00:00.000Z", START, "2026-03-10T04:00:00.000Z"],
    ["2026-03-10T04:00:00.000Z", "2026-03-10T03:00:00.000Z", START, "2026-03-10T04:00:00.000Z"],
    ["not a time", null, START, "not a time"],
  ])("stored %j, written %j, scan started %j: keeps %j", (stored, written, since, expected) => {
    expect(keptMark(stored, written, since)).toBe(expected);
  });
});
