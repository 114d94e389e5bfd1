import { inProcessFactsStore, isStale, pullRequestKey } from "../../src/overrides/newest-facts.js";

const facts = (title: string, updatedAt: string | null, headSha = "h1") => ({ headSha, title, body: "b", updatedAt });

describe("the newest facts of a PR", () => {
  test("a later delivery replaces the facts; one with an older updated_at does not", async () => {
    const store = inProcessFactsStore();
    const key = pullRequestKey("Octo", "App", 2);
    expect(key).toBe("pull-request octo/app#2");
    expect(await store.newest(key)).toBeUndefined();
    await store.arrived(key, facts("new", "2026-11-20T10:00:05Z"));
    await store.arrived(key, facts("old", "2026-11-20T10:00:00Z"));
    expect(await store.newest(key)).toEqual({ headSha: "h1", title: "new", body: "b" });
    await store.arrived(key, facts("same second, later", "2026-11-20T10:00:05Z"));
    expect((await store.newest(key))?.title).toBe("same second, later");
    await store.arrived(key, facts("no time", null));
    expect((await store.newest(key))?.title).toBe("no time");
  });

  test("stale when the head, the title or the body differ; an empty and a missing body are the same", () => {
    const judged = { headSha: "h1", title: "t", body: null };
    expect(isStale(judged, undefined)).toBe(false);
    expect(isStale(judged, { headSha: "h1", title: "t", body: "" })).toBe(false);
    expect(isStale(judged, { headSha: "h2", title: "t", body: null })).toBe(true);
    expect(isStale(judged, { headSha: "h1", title: "u", body: null })).toBe(true);
    expect(isStale(judged, { headSha: "h1", title: "t", body: "x" })).toBe(true);
  });

  test("unwritten introducers are kept per head, and bounded", async () => {
    const store = inProcessFactsStore();
    const walt = { login: "walt", via: "title" as const, markers: ["skip-tests"] };
    await store.keepUnwritten("k", "h1", [walt]);
    await store.keepUnwritten("k", "h1", [{ ...walt, login: "bob" }]);
    expect((await store.unwritten("k", "h1")).map((i) => i.login)).toEqual(["walt", "bob"]);
    expect(await store.unwritten("k", "h2")).toEqual([]);
    for (let i = 0; i < 10; i++) await store.keepUnwritten("k", `x${i}`, [walt]);
    expect(await store.unwritten("k", "h1")).toEqual([]);
    await store.clear();
    expect(await store.unwritten("k", "x9")).toEqual([]);
  });

  test("past its bound the least recently seen PR is forgotten", async () => {
    const store = inProcessFactsStore(2);
    await store.arrived("a", facts("a", null));
    await store.arrived("b", facts("b", null));
    await store.arrived("a", facts("a2", null));
    await store.arrived("c", facts("c", null));
    expect(await store.newest("b")).toBeUndefined();
    expect((await store.newest("a"))?.title).toBe("a2");
  });
});
