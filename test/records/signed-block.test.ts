import fc from "fast-check";
import { readSignedBlock, renderSignedBlock, replaceSignedBlock, RECORD_BLOCK_OPEN } from "../../src/records/signed-block.js";
import { stateKeys } from "../../src/records/state-keys.js";

const KEYS = stateKeys();
const CONTENT = { kind: "follow-up", key: "pr=12", state: { v: 1, author: "alice", ticks: {} } };
const HERE = { repository: "octo/app", number: 40 };
const read = (body: string, place: { repository: string; number: number } = HERE, untouched = false) => readSignedBlock(body, { ...place, untouched, keys: KEYS });

describe("a record's signed block", () => {
  const block = renderSignedBlock(CONTENT, HERE, KEYS);

  test("is one hidden HTML comment with the content and a 64-digit HMAC", () => {
    expect(block).toMatch(/^<!-- pipeline-guard:record \{"kind":"follow-up","key":"pr=12","state":\{.*\}\} sig=[0-9a-f]{64} -->$/);
  });

  test("verifies where it was signed", () => {
    expect(read(`text\n${block}`)).toEqual({ status: "verified", kind: "follow-up", key: "pr=12", state: CONTENT.state, pending: false });
  });

  test("copied to another issue of the repository, it does not verify", () => {
    expect(read(block, { repository: "octo/app", number: 41 })).toMatchObject({ status: "invalid", reason: "the record block's signature does not verify", claimed: { kind: "follow-up", key: "pr=12" } });
  });

  test("copied to another repository, it does not verify (the owner's case does not matter)", () => {
    expect(read(block, { repository: "octo/other", number: 40 }).status).toBe("invalid");
    expect(read(block, { repository: "OCTO/App", number: 40 }).status).toBe("verified");
  });

  test("typed by hand (no signature, or a made-up one), it does not verify", () => {
    expect(read(`${RECORD_BLOCK_OPEN}{"kind":"follow-up","key":"pr=12","state":{}} -->`)).toMatchObject({ status: "invalid", reason: "the record block has no signature" });
    expect(read(`${RECORD_BLOCK_OPEN}{"kind":"follow-up","key":"pr=12","state":{}} sig=${"a".repeat(64)} -->`).status).toBe("invalid");
  });

  test("signed under another secret, it does not verify; under STATE_SECRET_PREVIOUS, it still does (a rotation)", () => {
    const old = stateKeys({ STATE_SECRET: "the-old-secret" });
    const signedOld = renderSignedBlock(CONTENT, HERE, old);
    expect(read(signedOld).status).toBe("invalid");
    const rotated = stateKeys({ STATE_SECRET: "the-new-secret", STATE_SECRET_PREVIOUS: "the-old-secret" });
    expect(readSignedBlock(signedOld, { ...HERE, untouched: false, keys: rotated }).status).toBe("verified");
    // New blocks are signed with the new secret only.
    expect(readSignedBlock(renderSignedBlock(CONTENT, HERE, rotated), { ...HERE, untouched: false, keys: old }).status).toBe("invalid");
  });

  test("a second block planted before the real one makes the body invalid rather than read the planted one", () => {
    const planted = renderSignedBlock({ ...CONTENT, key: "pr=99" }, HERE, KEYS);
    expect(read(`${planted}\n${block}`)).toEqual({ status: "invalid", reason: "more than one record block", claimed: null });
  });

  test("no block: absent; an unclosed one: invalid", () => {
    expect(read("just text")).toEqual({ status: "absent" });
    expect(read(`${RECORD_BLOCK_OPEN}{"kind"`)).toMatchObject({ status: "invalid", reason: "the record block is not closed" });
  });

  test("a pending signature (written before the issue had a number) verifies only while the issue is untouched", () => {
    const pending = renderSignedBlock(CONTENT, { repository: "octo/app", number: null }, KEYS);
    expect(read(pending, HERE, true)).toMatchObject({ status: "verified", pending: true });
    expect(read(pending, HERE, false).status).toBe("invalid");
  });

  test("a value cannot close the comment early: < and > are escaped in the JSON", () => {
    const hostile = renderSignedBlock({ ...CONTENT, state: { text: "--> <!-- pipeline-guard:record x" } }, HERE, KEYS);
    expect(hostile.indexOf("-->")).toBe(hostile.length - 3);
    expect(read(hostile)).toMatchObject({ status: "verified", state: { text: "--> <!-- pipeline-guard:record x" } });
  });

  test("replaceSignedBlock swaps the block, or appends one", () => {
    const other = renderSignedBlock({ ...CONTENT, key: "pr=13" }, HERE, KEYS);
    expect(replaceSignedBlock(`a\n${block}\nb`, other)).toBe(`a\n${other}\nb`);
    expect(replaceSignedBlock("a", other)).toBe(`a\n${other}`);
  });

  test("property: any edit of a signed block's text fails verification", () => {
    const body = `before\n${block}\nafter`;
    const start = body.indexOf(RECORD_BLOCK_OPEN);
    const end = body.indexOf(" -->", start) + 4;
    fc.assert(
      fc.property(fc.integer({ min: start, max: end - 1 }), fc.string({ minLength: 1, maxLength: 3 }), fc.boolean(), (at, text, insert) => {
        const edited = insert ? body.slice(0, at) + text + body.slice(at) : body.slice(0, at) + text + body.slice(at + text.length);
        fc.pre(edited !== body);
        const reading = read(edited);
        // An edit that leaves the text exactly as signed is no edit; every other one is caught.
        if (reading.status === "verified") return edited.includes(block);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  test("property: any state signed is read back exactly, and only in its place", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.integer({ min: 1, max: 1_000_000 }), (state, key, number) => {
        const content = { kind: "bypass", key, state };
        const signed = renderSignedBlock(content, { repository: "o/r", number }, KEYS);
        const here = readSignedBlock(signed, { repository: "o/r", number, untouched: false, keys: KEYS });
        const elsewhere = readSignedBlock(signed, { repository: "o/r", number: number + 1, untouched: false, keys: KEYS });
        return here.status === "verified" && JSON.stringify(here.state) === JSON.stringify(JSON.parse(JSON.stringify(state))) && here.key === key && elsewhere.status === "invalid";
      }),
    );
  });
});
