import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MissingStateSecretError, stateKeys } from "../../src/records/state-keys.js";

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

describe("stateKeys", () => {
  test("STATE_SECRET signs; STATE_SECRET_PREVIOUS only verifies; neither key is the secret itself", () => {
    const keys = stateKeys({ STATE_SECRET: "s1", STATE_SECRET_PREVIOUS: "s0" });
    expect(keys.source).toBe("STATE_SECRET");
    expect(keys.current).toHaveLength(32);
    expect(keys.previous).toHaveLength(1);
    expect(keys.previous[0]).toHaveLength(32);
    expect(keys.current.equals(keys.previous[0]!)).toBe(false);
    expect(keys.current.toString("utf8")).not.toContain("s1");
  });

  test("without STATE_SECRET, a key derived from the app's private key: the same key gives the same secret, another key another", () => {
    const derived = stateKeys({ PRIVATE_KEY: PEM });
    expect(derived.source).toBe("private key");
    expect(derived.previous).toEqual([]);
    expect(stateKeys({ PRIVATE_KEY: PEM, STATE_SECRET: "" }).current.equals(derived.current)).toBe(true);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    expect(stateKeys({ PRIVATE_KEY: other }).current.equals(derived.current)).toBe(false);
    // Derived, never the key material itself.
    expect(PEM.includes(derived.current.toString("base64"))).toBe(false);
  });

  test("moving from the default to STATE_SECRET: the private key's key still verifies (it never signs again)", () => {
    const derived = stateKeys({ PRIVATE_KEY: PEM }).current;
    const moved = stateKeys({ PRIVATE_KEY: PEM, STATE_SECRET: "s1", STATE_SECRET_PREVIOUS: "s0" });
    expect(moved.current.equals(derived)).toBe(false);
    expect(moved.previous.map((k) => k.equals(derived))).toEqual([false, true]);
  });

  test("PRIVATE_KEY_PATH is read the way Probot reads it", () => {
    const dir = mkdtempSync(join(tmpdir(), "pg-keys-"));
    try {
      const path = join(dir, "app.pem");
      writeFileSync(path, PEM);
      expect(stateKeys({ PRIVATE_KEY_PATH: path }).current.equals(stateKeys({ PRIVATE_KEY: PEM }).current)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("nothing to sign with: a clear error, never an unsigned record", () => {
    expect(() => stateKeys({})).toThrow(MissingStateSecretError);
    expect(() => stateKeys({ PRIVATE_KEY_PATH: "/nonexistent/key.pem" })).toThrow("set STATE_SECRET, or give the app its private key (PRIVATE_KEY or PRIVATE_KEY_PATH)");
  });
});
