import { formatUtcMinute } from "../markdown/format-time.js";
import type { DriftItem } from "./drift-item.js";
import type { DriftState } from "./record.js";
import type { TamperedRecord } from "./record-census.js";

/** SPEC section 11: the id of a record of the app found tampered with. */
export function tamperedItemId(number: number): string {
  return `record:tampered:#${number}`;
}

/**
 * Records found tampered with are remembered in the report's state until someone accepts them
 * (`/pipeline-guard accept record:tampered:#N REASON`): the trail must show that it was touched,
 * even after the record was rebuilt and verifies again.
 */
export function rememberTampered(state: DriftState["tampered"], found: readonly TamperedRecord[], now: Date): DriftState["tampered"] {
  const next = { ...state };
  for (const record of found) {
    const id = String(record.number);
    if (!Object.hasOwn(next, id)) next[id] = { seenAt: now.toISOString(), reason: record.reason };
  }
  return next;
}

export function tamperedItems(tampered: DriftState["tampered"]): DriftItem[] {
  return Object.entries(tampered).map(([number, entry]) => ({
    id: tamperedItemId(Number(number)),
    kind: "record",
    title: `Issue #${number}, a record of Pipeline Guard, was changed by someone else: ${entry.reason}`,
    details: [
      "Its hidden block no longer verifies, so nothing in it counts: no acceptance, no baseline, no ticked box. Pipeline Guard rebuilt what GitHub's own facts allow (a missing follow-up or bypass issue is opened again).",
      `Found at ${formatUtcMinute(entry.seenAt)}. The issue's edit history on GitHub shows who changed it.`,
    ],
    fix: `Review who edited it and why, then accept this item with \`/pipeline-guard accept ${tamperedItemId(Number(number))} REASON\`.`,
  }));
}
