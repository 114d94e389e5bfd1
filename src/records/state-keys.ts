import { createHash, hkdfSync } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";

/**
 * The keys that sign the app's record blocks (SPEC section 10, rule 1): `STATE_SECRET`, or when
 * it is unset a key derived from the app's private key, so that a default install needs no new
 * setting; `STATE_SECRET_PREVIOUS` still verifies during a rotation (it never signs). Once
 * `STATE_SECRET` is set, the key derived from the private key still verifies too, so that the
 * records of a default install keep counting when the operator moves to a secret of their own.
 */
export interface StateKeys {
  /** Signs new blocks and verifies. */
  current: Buffer;
  /** Verify only: the secret before a rotation, and the private key's when STATE_SECRET took over. */
  previous: Buffer[];
  /** Where the current key came from, for the startup log (never the key itself). */
  source: "STATE_SECRET" | "private key";
}

export class MissingStateSecretError extends Error {
  constructor() {
    super("records cannot be signed: set STATE_SECRET, or give the app its private key (PRIVATE_KEY or PRIVATE_KEY_PATH)");
    this.name = "MissingStateSecretError";
  }
}

/** HKDF's salt and info name this use of the private key, so the derived key is good for nothing else. */
const DERIVATION_SALT = "pipeline-guard";
const DERIVATION_INFO = "record-signing-v1";
const KEY_BYTES = 32;

function secretKey(secret: string): Buffer {
  // Hashed, so that a secret of any length gives a full-size HMAC key.
  return createHash("sha256").update(secret, "utf8").digest();
}

function privateKeyOf(env: NodeJS.ProcessEnv): string | null {
  try {
    return getPrivateKey({ env }) ?? null;
  } catch {
    // A PRIVATE_KEY_PATH that cannot be read: the caller says what is missing.
    return null;
  }
}

let cached: { fingerprint: string; keys: StateKeys } | undefined;

/** The keys for this environment; throws `MissingStateSecretError` when there is nothing to sign with. */
export function stateKeys(env: NodeJS.ProcessEnv = process.env): StateKeys {
  const fingerprint = [env.STATE_SECRET, env.STATE_SECRET_PREVIOUS, env.PRIVATE_KEY, env.PRIVATE_KEY_PATH].join("\u0000");
  if (cached?.fingerprint === fingerprint) return cached.keys;
  const previous = env.STATE_SECRET_PREVIOUS?.trim() ? [secretKey(env.STATE_SECRET_PREVIOUS.trim())] : [];
  const privateKey = privateKeyOf(env);
  const derived = privateKey ? Buffer.from(hkdfSync("sha256", privateKey, DERIVATION_SALT, DERIVATION_INFO, KEY_BYTES)) : null;
  let keys: StateKeys;
  if (env.STATE_SECRET?.trim()) {
    keys = { current: secretKey(env.STATE_SECRET.trim()), previous: derived ? [...previous, derived] : previous, source: "STATE_SECRET" };
  } else {
    if (!derived) throw new MissingStateSecretError();
    keys = { current: derived, previous, source: "private key" };
  }
  cached = { fingerprint, keys };
  return keys;
}
