import { UNPROTECTED } from "../../src/drift/diff-protection.js";
import type { DriftItem, DriftKind } from "../../src/drift/drift-item.js";
import {
  acceptanceExpired,
  emptyDriftState,
  MAX_OPEN_ITEMS,
  mergeScan,
  OVERFLOW_ITEM_ID,
  type Acceptance,
  type DriftState,
} from "../../src/drift/drift-state.js";

function item(id: string, kind: DriftKind = id.split(":")[0] as DriftKind): DriftItem {
  return { id, kind, title: `title of ${id}`, details: [], fix: "fix it" };
}

const T0 = new Date("2026-11-01T06:00:00Z");
const T1 = new Date("2026-11-01T12:00:00Z");
const T2 = new Date("2026-11-01T18:00:00Z");

function acceptance(until: string | null): Acceptance {
  return { by: "octo-lead", reason: "vendor hotfix, tracked in OPS-12", until, at: "2026-10-30T09:15:00.000Z" };
}

describe("acceptanceExpired", () => {
  test.each<[string | null, string, boolean]>([
    [null, "2099-01-01T00:00:00Z", false],
    ["2026-12-01", "2026-12-01T23:59:59Z", false],
    ["2026-12-01", "2026-12-02T00:00:00Z", true],
    ["2026-12-01T12:00:00.000Z", "2026-12-01T11:59:00Z", false],
    ["2026-12-01T12:00:00.000Z", "2026-12-01T12:00:00Z", true],
    ["not a date", "2026-01-01T00:00:00Z", true],
  ])("until %s, at %s: %s", (until, now, expired) => {
    expect(acceptanceExpired({ until }, new Date(now))).toBe(expired);
  });
});

describe("mergeScan", () => {
  test("first-seen times survive three scans; new items are only those not seen before", () => {
    const first = mergeScan({ previous: emptyDriftState(), found: [item("protection:main:enforce_admins")], now: T0 });
    expect(first.newItems.map((i) => i.id)).toEqual(["protection:main:enforce_admins"]);
    expect(first.state.items).toEqual({ "protection:main:enforce_admins": { firstSeen: T0.toISOString() } });

    const second = mergeScan({ previous: first.state, found: [item("terraform:aws_instance.web"), item("protection:main:enforce_admins")], now: T1 });
    expect(second.newItems.map((i) => i.id)).toEqual(["terraform:aws_instance.web"]);
    expect(second.open.map((i) => i.id)).toEqual(["protection:main:enforce_admins", "terraform:aws_instance.web"]);

    const third = mergeScan({ previous: second.state, found: [item("terraform:aws_instance.web"), item("protection:main:enforce_admins")], now: T2 });
    expect(third.newItems).toEqual([]);
    expect(third.resolved).toEqual([]);
    expect(third.state.items).toEqual({
      "protection:main:enforce_admins": { firstSeen: T0.toISOString() },
      "terraform:aws_instance.web": { firstSeen: T1.toISOString() },
    });
  });

  test("items gone are dropped from the state and listed as resolved; back later, they are new again", () => {
    const first = mergeScan({ previous: emptyDriftState(), found: [item("scan:a"), item("scan:b")], now: T0 });
    const second = mergeScan({ previous: first.state, found: [item("scan:b")], now: T1 });
    expect(second.resolved).toEqual(["scan:a"]);
    expect(Object.keys(second.state.items)).toEqual(["scan:b"]);
    const third = mergeScan({ previous: second.state, found: [item("scan:a"), item("scan:b")], now: T2 });
    expect(third.newItems.map((i) => i.id)).toEqual(["scan:a"]);
    expect(third.state.items["scan:a"]).toEqual({ firstSeen: T2.toISOString() });
  });

  test("an accepted item is listed apart, not open, and keeps its first-seen time", () => {
    const previous: DriftState = {
      ...emptyDriftState(),
      items: { "terraform:aws_instance.web": { firstSeen: "2026-10-01T00:00:00.000Z" } },
      accepted: { "terraform:aws_instance.web": acceptance("2026-12-01") },
    };
    const result = mergeScan({ previous, found: [item("terraform:aws_instance.web")], now: T0 });
    expect(result.open).toEqual([]);
    expect(result.newItems).toEqual([]);
    expect(result.accepted).toEqual([{ ...item("terraform:aws_instance.web"), acceptance: acceptance("2026-12-01") }]);
    expect(result.state.accepted).toEqual(previous.accepted);
    expect(result.state.items).toEqual(previous.items);
  });

  test("an acceptance that ran out is dropped: the item is open again and counts as new", () => {
    const previous: DriftState = {
      ...emptyDriftState(),
      items: { "terraform:aws_instance.web": { firstSeen: "2026-10-01T00:00:00.000Z" } },
      accepted: { "terraform:aws_instance.web": acceptance("2026-10-31") },
    };
    const result = mergeScan({ previous, found: [item("terraform:aws_instance.web")], now: T0 });
    expect(result.accepted).toEqual([]);
    expect(result.open.map((i) => i.id)).toEqual(["terraform:aws_instance.web"]);
    expect(result.newItems.map((i) => i.id)).toEqual(["terraform:aws_instance.web"]);
    expect(result.state.accepted).toEqual({});
    expect(result.state.items["terraform:aws_instance.web"]).toEqual({ firstSeen: "2026-10-01T00:00:00.000Z" });
  });

  test("an acceptance of an item no longer found is dropped with it", () => {
    const previous: DriftState = { ...emptyDriftState(), items: { "scan:a": { firstSeen: "2026-10-01T00:00:00.000Z" } }, accepted: { "scan:a": acceptance(null) } };
    const result = mergeScan({ previous, found: [], now: T0 });
    expect(result.state).toEqual(emptyDriftState());
    expect(result.resolved).toEqual(["scan:a"]);
  });

  test("kinds the scan could not check keep their entries and acceptances; nothing of theirs is resolved", () => {
    const previous: DriftState = {
      ...emptyDriftState(),
      items: { "terraform:a.b": { firstSeen: "2026-10-01T00:00:00.000Z" }, "terraform:a.c": { firstSeen: "2026-10-02T00:00:00.000Z" }, "protection:main:x": { firstSeen: "2026-10-03T00:00:00.000Z" } },
      accepted: { "terraform:a.c": acceptance(null), "terraform:a.d": acceptance("2026-01-01") },
    };
    const result = mergeScan({ previous, found: [item("terraform:workflow", "terraform")], now: T0, incomplete: ["terraform"] });
    expect(result.resolved).toEqual(["protection:main:x"]);
    expect(result.state.items).toEqual({
      "terraform:a.b": { firstSeen: "2026-10-01T00:00:00.000Z" },
      "terraform:a.c": { firstSeen: "2026-10-02T00:00:00.000Z" },
      "terraform:workflow": { firstSeen: T0.toISOString() },
    });
    expect(result.state.accepted).toEqual({ "terraform:a.c": acceptance(null) });
    expect(result.newItems.map((i) => i.id)).toEqual(["terraform:workflow"]);
  });

  test("duplicates count once (the first wins); output is sorted by kind, then id, whatever the order found", () => {
    const found = [item("scan:z"), item("terraform:b"), item("protection:main:a"), { ...item("terraform:b"), title: "second" }, item("deployment:production")];
    const result = mergeScan({ previous: emptyDriftState(), found, now: T0 });
    expect(result.open.map((i) => i.id)).toEqual(["protection:main:a", "deployment:production", "terraform:b", "scan:z"]);
    expect(result.open[2]?.title).toBe("title of terraform:b");
    expect(Object.keys(result.state.items)).toEqual(["deployment:production", "protection:main:a", "scan:z", "terraform:b"]);
    const reversed = mergeScan({ previous: emptyDriftState(), found: [...found].reverse(), now: T0 });
    expect(reversed.open.map((i) => i.id)).toEqual(result.open.map((i) => i.id));
    expect(JSON.stringify(reversed.state)).toBe(JSON.stringify(result.state));
  });

  test("the baseline and the records found tampered with are carried over", () => {
    const tampered = { "7": { seenAt: "2026-10-02T00:00:00.000Z", reason: "the record block's signature does not verify" } };
    const previous: DriftState = { ...emptyDriftState(), baseline: { main: UNPROTECTED }, tampered };
    const { state } = mergeScan({ previous, found: [], now: T0 });
    expect(state.baseline).toEqual({ main: UNPROTECTED });
    expect(state.tampered).toEqual(tampered);
  });

  test(`past ${MAX_OPEN_ITEMS} open items, tracked items keep their places and the rest become one overflow item`, () => {
    const ids = Array.from({ length: MAX_OPEN_ITEMS + 10 }, (_, index) => `terraform:r${String(index).padStart(3, "0")}`);
    const previous: DriftState = { ...emptyDriftState(), items: { [ids[ids.length - 1]!]: { firstSeen: "2026-10-01T00:00:00.000Z" } } };
    const result = mergeScan({ previous, found: ids.map((id) => item(id)), now: T0 });
    expect(result.open).toHaveLength(MAX_OPEN_ITEMS);
    expect(result.open.map((i) => i.id)).toContain(ids[ids.length - 1]);
    expect(result.open[result.open.length - 1]).toMatchObject({ id: OVERFLOW_ITEM_ID, kind: "scan", title: "11 more drift items were found than this report lists" });
    expect(Object.keys(result.state.items)).toHaveLength(MAX_OPEN_ITEMS);
    expect(result.resolved).toEqual([]);
  });
});
