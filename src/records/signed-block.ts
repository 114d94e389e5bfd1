import { createHmac, timingSafeEqual } from "node:crypto";
import type { StateKeys } from "./state-keys.js";

/**
 * The hidden block of a record (SPEC section 10, rule 1): its kind, key and state, and an
 * HMAC-SHA256 over the repository, the issue number and the block's content. A block copied
 * from another issue or repository, typed by hand or edited does not verify.
 *
 *   <!-- pipeline-guard:record {"kind":"follow-up","key":"pr=12","state":{…}} sig=<64 hex> -->
 *
 * A record is created before its number is known: it is written first with a *pending*
 * signature (over no number) and signed with its number at once by a second write. A pending
 * signature is only believed while the issue is untouched since its creation (see
 * `readSignedBlock`), so it cannot be replayed into an issue that someone edited.
 */
export const RECORD_BLOCK_OPEN = "<!-- pipeline-guard:record ";
const BLOCK_CLOSE = " -->";
const SIGNATURE_SEPARATOR = " sig=";
const SIGNATURE = /^[0-9a-f]{64}$/;
/** Bumped if the signed text's layout ever changes, so that old signatures cannot be read the new way. */
const SIGNED_TEXT_VERSION = "pipeline-guard record v1";
/** GitHub stamps a new issue's created_at and updated_at in whole seconds, at most this far apart. */
export const UNTOUCHED_SLACK_MS = 1000;

export interface RecordContent {
  kind: string;
  key: string;
  state: unknown;
}

/** Where a block lives: its signature binds it there. `number` null signs a block not yet numbered. */
export interface RecordPlace {
  repository: string;
  number: number | null;
}

export type BlockReading =
  | { status: "absent" }
  /** Present but not to be believed; `claimed` is what it says it is, for messages only. */
  | { status: "invalid"; reason: string; claimed: { kind: string; key: string } | null }
  /** `pending`: signed before the issue had a number; believed only because the issue is untouched. */
  | { status: "verified"; kind: string; key: string; state: unknown; pending: boolean };

function signedText(place: RecordPlace, json: string): string {
  return `${SIGNED_TEXT_VERSION}\n${place.repository.toLowerCase()}\n${place.number ?? "pending"}\n${json}`;
}

function sign(key: Buffer, place: RecordPlace, json: string): string {
  return createHmac("sha256", key).update(signedText(place, json), "utf8").digest("hex");
}

/** `<` and `>` are JSON-escaped so that no value can close the HTML comment early. */
function contentJson(content: RecordContent): string {
  return JSON.stringify({ kind: content.kind, key: content.key, state: content.state }).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

export function renderSignedBlock(content: RecordContent, place: RecordPlace, keys: Pick<StateKeys, "current">): string {
  const json = contentJson(content);
  return `${RECORD_BLOCK_OPEN}${json}${SIGNATURE_SEPARATOR}${sign(keys.current, place, json)}${BLOCK_CLOSE}`;
}

function matches(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(actual, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

function verifiesWith(keys: Pick<StateKeys, "current" | "previous">, place: RecordPlace, json: string, signature: string): boolean {
  return [keys.current, ...keys.previous].some((key) => matches(sign(key, place, json), signature));
}

function claimOf(json: string): { kind: string; key: string } | null {
  try {
    const parsed = JSON.parse(json) as { kind?: unknown; key?: unknown };
    return typeof parsed.kind === "string" && typeof parsed.key === "string" ? { kind: parsed.kind, key: parsed.key } : null;
  } catch {
    return null;
  }
}

/**
 * Reads and verifies the one record block of a body. More than one block is invalid (a planted
 * block before the real one must not be read instead of it). `untouched`: the issue has not
 * changed since it was created, the only case in which a pending signature is believed.
 */
export function readSignedBlock(
  body: string | null | undefined,
  params: { repository: string; number: number; untouched: boolean; keys: Pick<StateKeys, "current" | "previous"> },
): BlockReading {
  const text = body ?? "";
  const start = text.indexOf(RECORD_BLOCK_OPEN);
  if (start < 0) return { status: "absent" };
  if (text.indexOf(RECORD_BLOCK_OPEN, start + RECORD_BLOCK_OPEN.length) >= 0) return { status: "invalid", reason: "more than one record block", claimed: null };
  const end = text.indexOf(BLOCK_CLOSE, start + RECORD_BLOCK_OPEN.length);
  if (end < 0) return { status: "invalid", reason: "the record block is not closed", claimed: null };
  const inner = text.slice(start + RECORD_BLOCK_OPEN.length, end);
  const separator = inner.lastIndexOf(SIGNATURE_SEPARATOR);
  const json = separator < 0 ? inner : inner.slice(0, separator);
  const signature = separator < 0 ? "" : inner.slice(separator + SIGNATURE_SEPARATOR.length);
  const claimed = claimOf(json);
  if (!SIGNATURE.test(signature)) return { status: "invalid", reason: "the record block has no signature", claimed };
  const numbered = verifiesWith(params.keys, { repository: params.repository, number: params.number }, json, signature);
  const pending = !numbered && params.untouched && verifiesWith(params.keys, { repository: params.repository, number: null }, json, signature);
  if (!numbered && !pending) return { status: "invalid", reason: "the record block's signature does not verify", claimed };
  if (!claimed) return { status: "invalid", reason: "the record block cannot be read", claimed: null };
  const { state } = JSON.parse(json) as { state: unknown };
  return { status: "verified", kind: claimed.kind, key: claimed.key, state, pending };
}

/** The body with its record block (the first one) replaced; appended when it has none. */
export function replaceSignedBlock(body: string, block: string): string {
  const start = body.indexOf(RECORD_BLOCK_OPEN);
  const end = start < 0 ? -1 : body.indexOf(BLOCK_CLOSE, start + RECORD_BLOCK_OPEN.length);
  if (start < 0 || end < 0) return `${body}\n${block}`;
  return body.slice(0, start) + block + body.slice(end + BLOCK_CLOSE.length);
}
