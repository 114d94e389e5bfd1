import { compareDriftItems, type DriftItem, type DriftKind } from "./drift-item.js";
import type { Acceptance, DriftState } from "./record.js";

export type { Acceptance, DriftState } from "./record.js";

export type AcceptedDriftItem = DriftItem & { acceptance: Acceptance };

/**
 * The report's body must fit GitHub's issue body limit, and its state is part of it: past this
 * many open items, the rest is summed up in one item (see `mergeScan`).
 */
export const MAX_OPEN_ITEMS = 150;

export const OVERFLOW_ITEM_ID = "scan:overflow";

const DAY_MS = 24 * 60 * 60 * 1000;

export function emptyDriftState(): DriftState {
  return { v: 1, items: {}, accepted: {}, baseline: {}, tampered: {} };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Whether an acceptance has run out at `now`. A date is accepted through the end of that day
 * (UTC): "until 2026-12-01" still holds on the 1st. Fails closed: an unreadable date has run out.
 */
export function acceptanceExpired(acceptance: Pick<Acceptance, "until">, now: Date): boolean {
  if (acceptance.until === null) return false;
  const end = /^\d{4}-\d{2}-\d{2}$/.test(acceptance.until) ? Date.parse(`${acceptance.until}T00:00:00Z`) + DAY_MS : Date.parse(acceptance.until);
  return !(now.getTime() < end);
}

function kindOfId(id: string): string {
  return id.slice(0, id.indexOf(":"));
}

function overflowItem(count: number): DriftItem {
  return {
    id: OVERFLOW_ITEM_ID,
    kind: "scan",
    title: `${count} more drift items were found than this report lists`,
    details: [`The report lists ${MAX_OPEN_ITEMS - 1} open items at most, to stay within GitHub's size limit for an issue body.`],
    fix: "Fix or accept the items listed; the others appear here as room frees up.",
  };
}

/**
 * Past MAX_OPEN_ITEMS, the items already tracked keep their places (so the list does not churn
 * and keeps their first-seen times); the rest are summed up in one overflow item.
 */
function capOpen(open: DriftItem[], previous: DriftState): DriftItem[] {
  if (open.length <= MAX_OPEN_ITEMS) return open;
  const tracked = (item: DriftItem) => (Object.hasOwn(previous.items, item.id) ? 0 : 1);
  const kept = [...open].sort((a, b) => tracked(a) - tracked(b) || compareDriftItems(a, b)).slice(0, MAX_OPEN_ITEMS - 1);
  return [...kept.sort(compareDriftItems), overflowItem(open.length - kept.length)];
}

export interface MergedScan {
  state: DriftState;
  /** Sorted by kind, then id. */
  open: DriftItem[];
  accepted: AcceptedDriftItem[];
  /** Open items not open at the previous scan: never seen, or back because their acceptance ran out. */
  newItems: DriftItem[];
  /** Ids of the previous state that this scan did not find. */
  resolved: string[];
}

/**
 * Merges one scan's findings into the previous state.
 * - An item keeps its first-seen time for as long as each scan finds it; an item not found is
 *   dropped, with its acceptance: drift that comes back after a fix is new drift.
 * - An accepted item is listed apart, not open, until its acceptance runs out; then the
 *   acceptance is dropped and the item counts as new, so that the comment on the report names
 *   it (nobody rereads a long body to see what came back).
 * - `incomplete`: kinds the scan could not check this time (the Terraform artifact could not be
 *   read, say): their previous entries and acceptances are kept rather than dropped, so that one
 *   failed download does not reset every first-seen time or make every item new again.
 * The baseline and the tampered records are carried over; the caller records a branch's baseline.
 */
export function mergeScan(params: { previous: DriftState; found: readonly DriftItem[]; now: Date; incomplete?: readonly DriftKind[] }): MergedScan {
  const { previous, found, now, incomplete = [] } = params;
  const unique = new Map<string, DriftItem>();
  for (const item of found) if (!unique.has(item.id)) unique.set(item.id, item);
  const sorted = [...unique.values()].sort(compareDriftItems);

  const accepted: AcceptedDriftItem[] = [];
  const allOpen: DriftItem[] = [];
  const expired = new Set<string>();
  for (const item of sorted) {
    const acceptance = Object.hasOwn(previous.accepted, item.id) ? previous.accepted[item.id] : undefined;
    if (acceptance && !acceptanceExpired(acceptance, now)) {
      accepted.push({ ...item, acceptance });
    } else {
      if (acceptance) expired.add(item.id);
      allOpen.push(item);
    }
  }
  const open = capOpen(allOpen, previous);

  const firstSeen = (id: string) => (Object.hasOwn(previous.items, id) ? previous.items[id]?.firstSeen : undefined) ?? now.toISOString();
  const items: DriftState["items"] = {};
  for (const item of [...open, ...accepted]) items[item.id] = { firstSeen: firstSeen(item.id) };
  const acceptances: DriftState["accepted"] = {};
  for (const item of accepted) acceptances[item.id] = item.acceptance;

  const unchecked = new Set<string>(incomplete);
  const carried = (id: string) => unchecked.has(kindOfId(id)) && !unique.has(id);
  for (const [id, entry] of Object.entries(previous.items)) if (carried(id)) items[id] = entry;
  for (const [id, acceptance] of Object.entries(previous.accepted)) {
    if (carried(id) && !acceptanceExpired(acceptance, now)) acceptances[id] = acceptance;
  }

  const state: DriftState = {
    v: 1,
    items: sortedRecord(items),
    accepted: sortedRecord(acceptances),
    baseline: sortedRecord(previous.baseline),
    tampered: sortedRecord(previous.tampered),
  };
  return {
    state,
    open,
    accepted,
    newItems: open.filter((item) => !Object.hasOwn(previous.items, item.id) || expired.has(item.id)),
    resolved: Object.keys(previous.items)
      .filter((id) => !unique.has(id) && !carried(id))
      .sort(),
  };
}
