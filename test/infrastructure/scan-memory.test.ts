import { createInProcessScanMemory } from "../../src/infrastructure/scan-memory.js";

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
