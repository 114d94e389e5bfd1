import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { CommitText } from "../../src/github/commits.js";
import {
  commitMarkerFacts,
  editedIntroducers,
  markerDigest,
  markerPeople,
  mergeIntroducers,
  mergeMarkers,
  pushedIntroducers,
  stillPresent,
} from "../../src/overrides/introducers.js";
import { collectMarkers } from "../../src/markers/collect-markers.js";

const markers = DEFAULT_CONFIG.markers;
const commit = (sha: string, message: string, author: string | null = "alice", extra: Partial<CommitText> = {}): CommitText => ({
  sha,
  message,
  author,
  committer: null,
  ...extra,
});

describe("commitMarkerFacts", () => {
  test("only commits carrying a marker count; each person once per role, with their first commit and every marker", () => {
    const facts = commitMarkerFacts(
      [
        commit("a1", "plain", "zed"),
        commit("b2", "[skip-tests] one", "walt"),
        commit("c3", "[hotfix] two", "Walt", { committer: "mary" }),
        commit("d4", "[skip ci] three", null, { committer: "web-flow" }),
        commit("e5", "[skip-tests] four", "alice", { committer: "ALICE" }),
      ],
      { markers, base: "main" },
    );
    expect(facts.count).toBe(5);
    expect(facts.base).toBe("main");
    expect(facts.digest).toBe(markerDigest(markers));
    expect(facts.markers.map((m) => [m.name, m.locations.map((l) => (l.source === "commit" ? l.sha : ""))])).toEqual([
      ["skip-tests", ["b2", "d4", "e5"]],
      ["emergency-deploy", ["c3"]],
    ]);
    expect(facts.people).toEqual([
      { login: "walt", role: "author", sha: "b2", markers: ["skip-tests", "emergency-deploy"] },
      { login: "mary", role: "committer", sha: "c3", markers: ["emergency-deploy"] },
      { login: null, role: "author", sha: "d4", markers: ["skip-tests"] },
      { login: "alice", role: "author", sha: "e5", markers: ["skip-tests"] },
    ]);
  });

  test("the digest changes with the marker definitions", () => {
    expect(markerDigest({ ...markers, extra: { label: "extra", aliases: [], follow_up: [] } })).not.toBe(markerDigest(markers));
  });
});

describe("mergeMarkers", () => {
  test("gives what collectMarkers gives over title, body and commits together", () => {
    const commits = [commit("a1", "[hotfix] x"), commit("b2", "[skip-tests] y")];
    const texts = collectMarkers({ title: "[skip-tests] t", body: "b" }, markers);
    const merged = mergeMarkers(texts, commitMarkerFacts(commits, { markers, base: "main" }).markers);
    expect(merged).toEqual(collectMarkers({ title: "[skip-tests] t", body: "b", commits }, markers));
  });
});

describe("editedIntroducers", () => {
  const now = { title: "[skip-tests] x", body: "[hotfix] body" };
  test("a marker the old title lacked: the sender brought it", () => {
    expect(editedIntroducers({ sender: "walt", from: { title: "x" }, now, markers })).toEqual([{ login: "walt", via: "title", markers: ["skip-tests"] }]);
  });

  test("the body too, and a null old body", () => {
    expect(editedIntroducers({ sender: "walt", from: { body: null }, now, markers })).toEqual([{ login: "walt", via: "body", markers: ["emergency-deploy"] }]);
  });

  test("a marker that was already there, or a field that did not change, brings nothing", () => {
    expect(editedIntroducers({ sender: "walt", from: { title: "[Skip_Tests] old" }, now, markers })).toEqual([]);
    expect(editedIntroducers({ sender: "walt", from: {}, now, markers })).toEqual([]);
  });
});

describe("pushedIntroducers", () => {
  const c0 = commit("c0", "[skip-tests] old", "mary", { parents: [] });
  const c1 = commit("c1", "merge base in", "mary", { parents: ["c0", "base"] });
  const c2 = commit("c2", "[hotfix] new", "walt", { parents: ["c1"] });
  const found = commitMarkerFacts([c0, c1, c2], { markers, base: "main" }).markers;

  test("only what is not reachable from the previous head counts as brought by the push", () => {
    expect(pushedIntroducers({ sender: "walt", before: "c1", commits: [c0, c1, c2], markers: found })).toEqual([
      { login: "walt", via: "push", markers: ["emergency-deploy"], sha: "c2" },
    ]);
  });

  test("a previous head not among the commits (a force push, or unknown): every marker commit was brought", () => {
    expect(pushedIntroducers({ sender: "walt", before: "gone", commits: [c0, c1, c2], markers: found })[0]?.markers).toEqual(["skip-tests", "emergency-deploy"]);
    expect(pushedIntroducers({ sender: "walt", before: null, commits: [c0, c1, c2], markers: found })[0]?.sha).toBe("c0");
  });

  test("no new marker commit: nobody", () => {
    expect(pushedIntroducers({ sender: "walt", before: "c2", commits: [c0, c1, c2], markers: found })).toEqual([]);
  });
});

describe("mergeIntroducers and stillPresent", () => {
  test("one entry per login (any case) and way; markers joined; the first commit kept", () => {
    expect(
      mergeIntroducers(
        [{ login: "walt", via: "push", markers: ["skip-tests"], sha: "a" }],
        [
          { login: "Walt", via: "push", markers: ["emergency-deploy", "skip-tests"], sha: "b" },
          { login: "walt", via: "title", markers: ["skip-tests"] },
        ],
      ),
    ).toEqual([
      { login: "walt", via: "push", markers: ["skip-tests", "emergency-deploy"], sha: "a" },
      { login: "walt", via: "title", markers: ["skip-tests"] },
    ]);
  });

  test("introducers are carried only for markers still present", () => {
    const introducers = [
      { login: "walt", via: "title" as const, markers: ["skip-tests", "emergency-deploy"] },
      { login: "mary", via: "body" as const, markers: ["emergency-deploy"] },
    ];
    expect(stillPresent(introducers, new Set(["skip-tests"]))).toEqual([{ login: "walt", via: "title", markers: ["skip-tests"] }]);
  });
});

describe("markerPeople", () => {
  test("the actor first, then commit people and event senders, each login once with every role", () => {
    expect(
      markerPeople({
        actor: { login: "mary", role: "PR author" },
        commitPeople: [
          { login: "walt", role: "author", sha: "1234567890", markers: ["skip-tests"] },
          { login: null, role: "author", sha: "abcdef0123", markers: ["skip-tests"] },
          { login: "Mary", role: "committer", sha: "1234567890", markers: ["skip-tests"] },
        ],
        introducers: [
          { login: "walt", via: "push", markers: ["skip-tests"], sha: "1234567890" },
          { login: "walt", via: "push", markers: ["skip-tests"] },
          { login: "bob", via: "body", markers: ["skip-tests"] },
        ],
      }),
    ).toEqual([
      { login: "mary", roles: ["PR author", "committer of commit 1234567"], actor: true },
      { login: "walt", roles: ["author of commit 1234567", "pushed commit 1234567", "pushed a commit carrying it"] },
      { login: null, roles: ["author of commit abcdef0"] },
      { login: "bob", roles: ["added it to the body"] },
    ]);
  });
});
