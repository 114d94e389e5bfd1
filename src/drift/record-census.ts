import { readBypasses, type BypassReading } from "../bypasses/record.js";
import { readFollowUps, type FollowUpReading } from "../follow-ups/record.js";
import type { Gateway } from "../github/gateway.js";
import type { IssueSummary } from "../github/issues.js";

export interface TamperedRecord {
  number: number;
  reason: string;
}

/** The app's follow-ups and bypasses among issues it opened, and those whose block does not verify. */
export interface RecordCensus {
  followUps: Array<Extract<FollowUpReading, { status: "verified" }>>;
  bypasses: Array<Extract<BypassReading, { status: "verified" }>>;
  tampered: TamperedRecord[];
}

/**
 * Reads the app's issues as records, each issue once. A record whose block does not verify counts
 * for nothing (SPEC section 10, rule 2: no state is kept that cannot be verified) and is listed as
 * tampered with, for the report.
 */
export function recordCensus(gw: Pick<Gateway, "owner" | "repo">, issues: readonly IssueSummary[]): RecordCensus {
  const unique = [...new Map(issues.map((issue) => [issue.number, issue])).values()];
  const census: RecordCensus = { followUps: [], bypasses: [], tampered: [] };
  const tampered = new Map<number, string>();
  for (const reading of [...readFollowUps(gw, unique), ...readBypasses(gw, unique)]) {
    if (reading.status === "invalid") tampered.set(reading.issue.number, reading.reason);
  }
  for (const reading of readFollowUps(gw, unique)) if (reading.status === "verified") census.followUps.push(reading);
  for (const reading of readBypasses(gw, unique)) if (reading.status === "verified") census.bypasses.push(reading);
  census.tampered = [...tampered].map(([number, reason]) => ({ number, reason })).sort((a, b) => a.number - b.number);
  return census;
}

/** Which overrides and bypasses the app already recorded: follow-up keys and the commits its records cover. */
export function knownRecordsOf(census: Pick<RecordCensus, "followUps" | "bypasses">): { followUpKeys: Set<string>; coveredShas: Set<string> } {
  const followUpKeys = new Set<string>();
  const coveredShas = new Set<string>();
  for (const { key, state } of census.followUps) {
    followUpKeys.add(key);
    coveredShas.add(state.sha);
    for (const sha of state.commits ?? []) coveredShas.add(sha);
  }
  for (const { state } of census.bypasses) {
    coveredShas.add(state.sha);
    for (const sha of state.commits) coveredShas.add(sha);
  }
  return { followUpKeys, coveredShas };
}
