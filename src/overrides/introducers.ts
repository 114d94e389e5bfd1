import { createHash } from "node:crypto";
import type { Config } from "../config/schema.js";
import type { CommitText } from "../github/commits.js";
import { collectMarkers, markerDefinitions, type FoundMarker } from "../markers/collect-markers.js";

/**
 * Who could have introduced a marker (SPEC section 10, rule 6): the person who wrote the marker
 * is the one authorized, not only the PR's author. Pure: facts in, people out.
 */

/** Someone whose event brought a marker, remembered for the head SHA: what nothing else can tell later. */
export interface RememberedIntroducer {
  login: string;
  /** `title` / `body`: an `edited` event that added it there; `push`: a `synchronize` whose new commits carry it. */
  via: "title" | "body" | "push";
  markers: string[];
  /** For `push`: a new commit that carries one of the markers. */
  sha?: string;
}

/** The author, or the committer when that is another login, of commits carrying markers. */
export interface CommitPerson {
  /** null: GitHub ties the commit's author email to no account. */
  login: string | null;
  role: "author" | "committer";
  /** The first commit of theirs that carries a marker. */
  sha: string;
  markers: string[];
}

/** The markers of a PR's commits, and who wrote and committed the commits carrying them: remembered per head SHA. */
export interface CommitMarkerFacts {
  /** How many commits were read (the PR's `commits` count then). */
  count: number;
  /** The base branch they were read against: a new base can change the PR's commits. */
  base: string;
  /** The marker definitions they were parsed with: a new configuration parses them again. */
  digest: string;
  /** Markers found in commits, each with its commit locations, in commit order. */
  markers: FoundMarker[];
  people: CommitPerson[];
}

/**
 * GitHub's own committer login for commits made in the web interface (edits, merges, squashes):
 * GitHub wrote them on someone's behalf, and that someone is the author and the event's sender.
 */
const GITHUB_WEB_COMMITTER = "web-flow";

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/** A short fingerprint of the marker definitions, so that markers remembered under another configuration are read again. */
export function markerDigest(markers: Config["markers"]): string {
  return createHash("sha256").update(JSON.stringify(markerDefinitions(markers))).digest("hex").slice(0, 16);
}

/** Markers of the commits and the people behind the commits that carry them. */
export function commitMarkerFacts(commits: readonly CommitText[], params: { markers: Config["markers"]; base: string; count?: number }): CommitMarkerFacts {
  const people = new Map<string, CommitPerson>();
  const add = (login: string | null, role: CommitPerson["role"], sha: string, names: readonly string[]) => {
    const key = `${role}:${login?.toLowerCase() ?? ""}`;
    const entry = people.get(key);
    if (!entry) people.set(key, { login, role, sha, markers: [...names] });
    else for (const name of names) if (!entry.markers.includes(name)) entry.markers.push(name);
  };
  const markers = collectMarkers({ commits }, params.markers);
  const namesBySha = new Map<string, string[]>();
  for (const marker of markers) {
    for (const location of marker.locations) {
      if (location.source !== "commit") continue;
      const names = namesBySha.get(location.sha) ?? [];
      names.push(marker.name);
      namesBySha.set(location.sha, names);
    }
  }
  for (const commit of commits) {
    const names = namesBySha.get(commit.sha);
    if (!names) continue;
    add(commit.author, "author", commit.sha, names);
    // A rebase or cherry-pick by someone else makes them the committer: they could have written it.
    if (commit.committer !== null && !same(commit.committer, commit.author) && commit.committer.toLowerCase() !== GITHUB_WEB_COMMITTER) {
      add(commit.committer, "committer", commit.sha, names);
    }
  }
  return { count: params.count ?? commits.length, base: params.base, digest: markerDigest(params.markers), markers, people: [...people.values()] };
}

/** Title and body markers first, then the commits', as `collectMarkers` orders them over all three. */
export function mergeMarkers(texts: readonly FoundMarker[], commits: readonly FoundMarker[]): FoundMarker[] {
  const found = new Map<string, FoundMarker>();
  for (const marker of [...texts, ...commits]) {
    const entry = found.get(marker.name);
    if (entry) entry.locations.push(...marker.locations);
    else found.set(marker.name, { ...marker, locations: [...marker.locations] });
  }
  return [...found.values()];
}

/**
 * An `edited` event brought the markers that the new title (or body) has and its old one
 * (`changes.title.from`, `changes.body.from`) lacked; the event's sender could have written them.
 */
export function editedIntroducers(params: {
  sender: string;
  from: { title?: string | null; body?: string | null };
  now: { title: string; body: string | null };
  markers: Config["markers"];
}): RememberedIntroducer[] {
  const introducers: RememberedIntroducer[] = [];
  for (const field of ["title", "body"] as const) {
    if (!(field in params.from)) continue;
    const names = (text: string | null | undefined) => collectMarkers({ [field]: text }, params.markers).map((m) => m.name);
    const before = new Set(names(params.from[field]));
    const added = names(params.now[field]).filter((name) => !before.has(name));
    if (added.length > 0) introducers.push({ login: params.sender, via: field, markers: added });
  }
  return introducers;
}

/**
 * A `synchronize` brought the commits of the new head that the previous head (`before`) did not
 * have: those not reachable from it through the listed parents. When `before` is not among the
 * commits (a force push, or no previous head known), every commit counts as brought by this push.
 */
export function pushedIntroducers(params: { sender: string; before: string | null; commits: readonly CommitText[]; markers: readonly FoundMarker[] }): RememberedIntroducer[] {
  const parents = new Map(params.commits.map((c) => [c.sha, c.parents ?? []]));
  const old = new Set<string>();
  const queue = params.before && parents.has(params.before) ? [params.before] : [];
  for (let sha = queue.pop(); sha !== undefined; sha = queue.pop()) {
    if (old.has(sha)) continue;
    old.add(sha);
    for (const parent of parents.get(sha) ?? []) if (parents.has(parent)) queue.push(parent);
  }
  let firstSha: string | undefined;
  const brought: string[] = [];
  for (const marker of params.markers) {
    const shas = marker.locations.flatMap((l) => (l.source === "commit" && !old.has(l.sha) ? [l.sha] : []));
    if (shas.length === 0) continue;
    brought.push(marker.name);
    firstSha ??= shas[0];
  }
  return brought.length > 0 ? [{ login: params.sender, via: "push", markers: brought, sha: firstSha }] : [];
}

/** One entry per login and way, markers joined; the first commit named is kept. */
export function mergeIntroducers(...lists: ReadonlyArray<readonly RememberedIntroducer[]>): RememberedIntroducer[] {
  const merged = new Map<string, RememberedIntroducer>();
  for (const introducer of lists.flat()) {
    const key = `${introducer.via}:${introducer.login.toLowerCase()}`;
    const entry = merged.get(key);
    if (!entry) merged.set(key, { ...introducer, markers: [...introducer.markers] });
    else for (const name of introducer.markers) if (!entry.markers.includes(name)) entry.markers.push(name);
  }
  return [...merged.values()];
}

/** Introducers carried forward only for the markers still there; someone whose markers are all gone drops out. */
export function stillPresent(introducers: readonly RememberedIntroducer[], present: ReadonlySet<string>): RememberedIntroducer[] {
  return introducers.flatMap((i) => {
    const markers = i.markers.filter((name) => present.has(name));
    return markers.length > 0 ? [{ ...i, markers }] : [];
  });
}

/** A person to authorize, and every way they could have introduced a marker (shown in the check). */
export interface MarkerPerson {
  /** null: the author of commits that GitHub ties to no account; never allowed. */
  login: string | null;
  roles: string[];
  /** The change's own actor (the PR's author, the pusher), named plainly when they are the only one concerned. */
  actor?: true;
}

const short = (sha: string) => sha.slice(0, 7);

function roleOf(introducer: RememberedIntroducer): string {
  switch (introducer.via) {
    case "title":
      return "added it to the title";
    case "body":
      return "added it to the body";
    case "push":
      return introducer.sha ? `pushed commit ${short(introducer.sha)}` : "pushed a commit carrying it";
  }
}

/**
 * Everyone who could have introduced one of the markers, once each: the change's actor (the PR's
 * author, or the pusher of a direct push), the author and other committer of each commit carrying
 * one, and the senders of the events that brought them. Commits with no GitHub login for their
 * author are one entry.
 */
export function markerPeople(params: {
  actor: { login: string; role: string };
  commitPeople: readonly CommitPerson[];
  introducers?: readonly RememberedIntroducer[];
}): MarkerPerson[] {
  const people = new Map<string, MarkerPerson>();
  const add = (login: string | null, role: string) => {
    const key = login?.toLowerCase() ?? "";
    const entry = people.get(key) ?? { login, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    people.set(key, entry);
    return entry;
  };
  add(params.actor.login, params.actor.role).actor = true;
  for (const person of params.commitPeople) add(person.login, `${person.role} of commit ${short(person.sha)}`);
  for (const introducer of params.introducers ?? []) add(introducer.login, roleOf(introducer));
  return [...people.values()];
}
