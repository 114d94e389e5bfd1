/**
 * The numbers an auditor asks for (`pipeline-guard report`), pure: facts read from the app's
 * records in, figures out, per repository, per team of the author and per marker. "Bypassing is a
 * habit" and "bypassing is an exception" differ in these: how many overrides, the trend against the
 * previous period of the same length, whether follow-ups are done on time, and the share of
 * production merges that were overrides.
 */

/** One override (a follow-up record) of the current or the previous period. */
export interface OverrideFact {
  repository: string;
  /** The merge or push, ISO 8601. */
  at: string;
  /** The change's author; null when no GitHub login is known. */
  author: string | null;
  markers: readonly string[];
  /** Through a PR (counts in the share of production merges); null for a direct push. */
  pr: number | null;
  dueAt: string;
  state: "open" | "closed";
  closedAt: string | null;
  /** Every box ticked in the signed state. */
  done: boolean;
  /** Closed by `/pipeline-guard waive REASON`. */
  waived: boolean;
  /** When the Retest box was ticked (the full suite passed on the merge commit); null: not (yet), or no retest. */
  retestAt: string | null;
}

export interface BypassFact {
  repository: string;
  at: string;
  actor: string | null;
  kind: string;
}

/** A PR merged into a production branch. */
export interface MergeFact {
  repository: string;
  at: string;
  author: string | null;
}

export interface ReportFacts {
  /** The end of the period (now). */
  until: Date;
  /** The start of the period; the previous period has the same length and ends here. */
  since: Date;
  overrides: readonly OverrideFact[];
  bypasses: readonly BypassFact[];
  merges: readonly MergeFact[];
  /** The teams of an author (org team slugs); none: `(no team)`. */
  teamsOf: (login: string | null, repository: string) => readonly string[];
  /** Said under the report: what could not be read (teams of a user account, …). */
  notes: readonly string[];
}

export interface FollowUpFigures {
  onTime: number;
  late: number;
  openPastDue: number;
  waived: number;
  closedWithoutReason: number;
  notYetDue: number;
}

export interface ReportRow {
  name: string;
  overrides: { count: number; previous: number; change: number };
  /** Overrides in each twelfth of the period, oldest first. */
  trend: number[];
  /** Bypasses by kind, kinds in alphabetical order. */
  bypasses: Record<string, number>;
  followUps: FollowUpFigures;
  /** Median hours from the merge to the follow-up done (every box ticked and closed); null: none done. */
  medianHoursMergeToDone: number | null;
  /** Median hours from the override to its green retest (the Retest box ticked); null: none. */
  medianHoursOverrideToGreenRetest: number | null;
  /** Merges into production branches of the period, those that were overrides (through a PR), and their share. */
  productionMerges: { merges: number; overrides: number; share: number | null } | null;
}

export interface Report {
  period: { since: string; until: string; previousSince: string };
  byRepository: ReportRow[];
  byTeam: ReportRow[];
  byMarker: ReportRow[];
  notes: string[];
}

export const NO_TEAM = "(no team)";
/** The sparkline's resolution: a year's report shows months, a quarter's about weeks. */
export const TREND_BUCKETS = 12;
const HOUR_MS = 3_600_000;

const time = (iso: string) => Date.parse(iso);

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}

function followUpFigures(overrides: readonly OverrideFact[], until: Date): FollowUpFigures {
  const figures: FollowUpFigures = { onTime: 0, late: 0, openPastDue: 0, waived: 0, closedWithoutReason: 0, notYetDue: 0 };
  for (const o of overrides) {
    if (o.state === "open") {
      if (time(o.dueAt) < until.getTime()) figures.openPastDue++;
      else figures.notYetDue++;
    } else if (o.done) {
      if (o.closedAt !== null && time(o.closedAt) <= time(o.dueAt)) figures.onTime++;
      else figures.late++;
    } else if (o.waived) {
      figures.waived++;
    } else {
      figures.closedWithoutReason++;
    }
  }
  return figures;
}

function trendOf(overrides: readonly OverrideFact[], since: Date, until: Date): number[] {
  const buckets = new Array<number>(TREND_BUCKETS).fill(0);
  const length = until.getTime() - since.getTime();
  for (const o of overrides) {
    const index = Math.min(TREND_BUCKETS - 1, Math.floor(((time(o.at) - since.getTime()) / length) * TREND_BUCKETS));
    buckets[Math.max(0, index)]!++;
  }
  return buckets;
}

function rowOf(params: {
  name: string;
  current: readonly OverrideFact[];
  previous: readonly OverrideFact[];
  bypasses: readonly BypassFact[];
  merges: readonly MergeFact[] | null;
  facts: ReportFacts;
}): ReportRow {
  const { current, facts } = params;
  const bypasses: Record<string, number> = {};
  for (const b of [...params.bypasses].sort((x, y) => x.kind.localeCompare(y.kind))) bypasses[b.kind] = (bypasses[b.kind] ?? 0) + 1;
  const done = current.filter((o) => o.state === "closed" && o.done && o.closedAt !== null);
  const retested = current.filter((o) => o.retestAt !== null);
  const prOverrides = current.filter((o) => o.pr !== null).length;
  const merges = params.merges?.length ?? 0;
  return {
    name: params.name,
    overrides: { count: current.length, previous: params.previous.length, change: current.length - params.previous.length },
    trend: trendOf(current, facts.since, facts.until),
    bypasses,
    followUps: followUpFigures(current, facts.until),
    medianHoursMergeToDone: median(done.map((o) => (time(o.closedAt!) - time(o.at)) / HOUR_MS)),
    medianHoursOverrideToGreenRetest: median(retested.map((o) => (time(o.retestAt!) - time(o.at)) / HOUR_MS)),
    productionMerges: params.merges === null ? null : { merges, overrides: prOverrides, share: merges > 0 ? Math.round((prOverrides / merges) * 1000) / 1000 : null },
  };
}

/** Groups by the names `keysOf` gives each fact (a fact can be in several groups: an author in two teams, two markers). */
function groupBy<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) for (const key of keysOf(item)) groups.set(key, [...(groups.get(key) ?? []), item]);
  return groups;
}

/** Every figure of the report, from the facts; rows sorted by name, so that the JSON is stable. */
export function computeReport(facts: ReportFacts): Report {
  const previousSince = new Date(facts.since.getTime() - (facts.until.getTime() - facts.since.getTime()));
  const inPeriod = (at: string) => time(at) >= facts.since.getTime() && time(at) < facts.until.getTime();
  const inPrevious = (at: string) => time(at) >= previousSince.getTime() && time(at) < facts.since.getTime();
  const current = facts.overrides.filter((o) => inPeriod(o.at));
  const previous = facts.overrides.filter((o) => inPrevious(o.at));
  const bypasses = facts.bypasses.filter((b) => inPeriod(b.at));
  const merges = facts.merges.filter((m) => inPeriod(m.at));
  const teams = (login: string | null, repository: string) => {
    const list = facts.teamsOf(login, repository);
    return list.length > 0 ? list : [NO_TEAM];
  };

  const sections = <K extends "repository" | "team" | "marker">(kind: K): ReportRow[] => {
    const keysOf = {
      repository: { o: (o: OverrideFact) => [o.repository], b: (b: BypassFact) => [b.repository], m: (m: MergeFact) => [m.repository] },
      team: { o: (o: OverrideFact) => teams(o.author, o.repository), b: (b: BypassFact) => teams(b.actor, b.repository), m: (m: MergeFact) => teams(m.author, m.repository) },
      // A bypass carries no marker; every production merge could have carried any marker.
      marker: { o: (o: OverrideFact) => o.markers, b: () => [], m: () => [] },
    }[kind];
    const cur = groupBy(current, keysOf.o);
    const prev = groupBy(previous, keysOf.o);
    const byp = groupBy(bypasses, keysOf.b);
    const mer = groupBy(merges, keysOf.m);
    const names = [...new Set([...cur.keys(), ...prev.keys(), ...byp.keys(), ...(kind === "marker" ? [] : mer.keys())])].sort();
    return names.map((name) =>
      rowOf({
        name,
        current: cur.get(name) ?? [],
        previous: prev.get(name) ?? [],
        bypasses: byp.get(name) ?? [],
        merges: kind === "marker" ? merges : (mer.get(name) ?? []),
        facts,
      }),
    );
  };

  return {
    period: { since: facts.since.toISOString(), until: facts.until.toISOString(), previousSince: previousSince.toISOString() },
    byRepository: sections("repository"),
    byTeam: sections("team"),
    byMarker: sections("marker"),
    notes: [...facts.notes],
  };
}
