import { jest } from "@jest/globals";
import { withKeyLock } from "../../src/infrastructure/key-lock.js";

/** A promise with its resolve, to hold a locked function open until the test lets it go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe("withKeyLock", () => {
  test("two calls on one key run one after the other", async () => {
    const events: string[] = [];
    const gate = deferred();
    const first = withKeyLock("repo:issue:1", async () => {
      events.push("first start");
      await gate.promise;
      events.push("first end");
      return 1;
    });
    const second = withKeyLock("repo:issue:1", async () => {
      events.push("second start");
      events.push("second end");
      return 2;
    });
    await flush();
    expect(events).toEqual(["first start"]);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(events).toEqual(["first start", "first end", "second start", "second end"]);
  });

  test("three calls keep their order", async () => {
    const events: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const calls = gates.map((gate, i) =>
      withKeyLock("repo:three", async () => {
        events.push(i);
        await gate.promise;
        events.push(i + 10);
      }),
    );
    // Released in reverse: each still waits for the one before it.
    for (const gate of [...gates].reverse()) gate.resolve();
    await Promise.all(calls);
    expect(events).toEqual([0, 10, 1, 11, 2, 12]);
  });

  test("different keys run at the same time", async () => {
    const events: string[] = [];
    const gate = deferred();
    const a = withKeyLock("repo:a", async () => {
      events.push("a start");
      await gate.promise;
      events.push("a end");
    });
    const b = withKeyLock("repo:b", async () => {
      events.push("b start");
      events.push("b end");
    });
    await b;
    expect(events).toEqual(["a start", "b start", "b end"]);
    gate.resolve();
    await a;
    expect(events).toEqual(["a start", "b start", "b end", "a end"]);
  });

  test("an error in the first call reaches its caller and does not block the second", async () => {
    const first = withKeyLock("repo:error", async () => {
      throw new Error("boom");
    });
    const second = withKeyLock("repo:error", async () => "ran");
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe("ran");
  });

  test("a synchronous throw is an error of the call too", async () => {
    const first = withKeyLock("repo:sync", () => {
      throw new Error("sync");
    });
    await expect(first).rejects.toThrow("sync");
    await expect(withKeyLock("repo:sync", async () => "after")).resolves.toBe("after");
  });

  test("the lock map is cleaned once the last call on a key ends", async () => {
    const set = jest.spyOn(Map.prototype, "set");
    try {
      const key = `repo:cleanup:${Math.random()}`;
      const gate = deferred();
      const first = withKeyLock(key, () => gate.promise);
      const second = withKeyLock(key, async () => undefined);
      const call = set.mock.calls.findIndex((args) => args[0] === key);
      expect(call).toBeGreaterThanOrEqual(0);
      const tails = set.mock.contexts[call] as Map<string, unknown>;
      expect(tails.has(key)).toBe(true);
      gate.resolve();
      await first;
      // The second call is still the tail: the key stays while it runs.
      await second;
      expect(tails.has(key)).toBe(false);

      await withKeyLock(key, async () => {
        throw new Error("x");
      }).catch(() => undefined);
      expect(tails.has(key)).toBe(false);
    } finally {
      set.mockRestore();
    }
  });
});
