/**
 * SPEC section 10 rule 8: reading a plan keeps memory under 100 MB above the process's idle size,
 * whatever the artifact holds. Each hostile artifact is read by test/drift/plan-memory-child.ts
 * in a process of its own (jest's own heap would drown the figure), as the scan reads it: the
 * download's chunks joined, the one plan file extracted and decoded, its items built. The child
 * reports its resident memory when idle and the kernel's high-water mark after the read.
 */
import { execFileSync } from "node:child_process";
import { jest } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { strToU8, zipSync, type Zippable } from "fflate";
import { MAX_PLAN_NESTING, MAX_PLAN_TOKENS } from "../../src/drift/parse-terraform-plan.js";
import { MAX_ARTIFACT_BYTES, MAX_PLAN_FILE_BYTES } from "../../src/github/terraform-artifact.js";
import { terraformFixture, withDeclaredSize } from "../helpers/scan-github.js";

/** SPEC section 10 rule 8. */
const BOUND = 100 * 1024 * 1024;
const MB = 1024 * 1024;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
const measured: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "plan-memory-"));
  writeFileSync(join(dir, "warm-up.zip"), zipSync({ "plan.json": strToU8(terraformFixture("plan.update.json")) }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`plan memory, peak above idle: ${measured.join("; ")}\n`);
});

/** Reads the zip in a child process; its outcome and how much its memory grew at the peak. */
function readInChild(name: string, zip: Uint8Array): { outcome: string; grown: number } {
  const path = join(dir, `${name}.zip`);
  writeFileSync(path, zip);
  // Without jest's NODE_OPTIONS: the child runs as a plain node process.
  const env = { ...process.env, NODE_OPTIONS: "" };
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "./scripts/register-ts-loader.mjs", "test/drift/plan-memory-child.ts", join(dir, "warm-up.zip"), path], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  const result = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { outcome: string; grown: number };
  measured.push(`${name} ${(result.grown / MB).toFixed(0)} MB`);
  return result;
}

/**
 * The costliest plan the limits let through: MAX_PLAN_TOKENS tokens of objects with distinct keys
 * (each a new hidden class: the most memory per token measured), then a string that forces the
 * whole text to two bytes a character, up to exactly MAX_PLAN_FILE_BYTES; one real change so
 * that reading it is seen to work.
 */
function costliestPlan(): Uint8Array {
  const parts: string[] = [];
  let tokens = 60;
  for (let i = 0; tokens + 4 <= MAX_PLAN_TOKENS; i++, tokens += 4) parts.push(`{"${i.toString(36)}":0}`);
  const change = '{"address":"aws_instance.web","change":{"actions":["update"],"before":{"a":1},"after":{"a":2},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}';
  const head = `{"format_version":"1.2","resource_changes":[${change}],"x":[${parts.join(",")}],"pad":"€`;
  const pad = MAX_PLAN_FILE_BYTES - Buffer.byteLength(head) - 2;
  return strToU8(`${head}${"a".repeat(pad)}"}`);
}

describe("reading a plan stays within 100 MB above idle, whatever the artifact holds", () => {
  jest.setTimeout(120_000);

  test("the costliest plan the limits let through, in an artifact at its size limit: read, within the bound", () => {
    const plan = costliestPlan();
    expect(plan.length).toBe(MAX_PLAN_FILE_BYTES);
    const withPlan = zipSync({ "plan.json": [plan, { level: 6 }] });
    // Incompressible padding brings the download to its limit too.
    const zip = zipSync({ "plan.json": [plan, { level: 6 }], "junk.bin": [randomBytes(MAX_ARTIFACT_BYTES - withPlan.length - 1024), { level: 0 }] });
    expect(zip.length).toBeLessThanOrEqual(MAX_ARTIFACT_BYTES);
    expect(zip.length).toBeGreaterThan(MAX_ARTIFACT_BYTES - 2048);

    const { outcome, grown } = readInChild("costliest", zip);

    expect(outcome).toBe("1 items");
    expect(grown).toBeLessThan(BOUND);
  });

  test("24 plan.json of the largest size each (the reported attack took 655 MB): unreadable, within the bound", () => {
    const entries: Zippable = {};
    for (let i = 0; i < 24; i++) entries[`job-${i}/plan.json`] = new Uint8Array(MAX_PLAN_FILE_BYTES).fill(0x20);
    const { outcome, grown } = readInChild("twenty-four", zipSync(entries, { level: 9 }));
    expect(outcome).toBe("unreadable: it holds more than one plan.json");
    expect(grown).toBeLessThan(BOUND);
  });

  test("an entry that declares 1 KB and inflates to 200 MB: unreadable, within the bound", () => {
    const lying = withDeclaredSize(zipSync({ "plan.json": new Uint8Array(200 * MB).fill(0x20) }, { level: 9 }), 1024);
    const { outcome, grown } = readInChild("lying", lying);
    expect(outcome).toMatch(/^unreadable: too many bytes in the stream\. expected 1024\./);
    expect(grown).toBeLessThan(BOUND);
  });

  test("an entry that declares the size limit and inflates to 200 MB: unreadable, within the bound", () => {
    const lying = withDeclaredSize(zipSync({ "plan.json": new Uint8Array(200 * MB).fill(0x20) }, { level: 9 }), MAX_PLAN_FILE_BYTES);
    const { outcome, grown } = readInChild("lying-at-limit", lying);
    expect(outcome).toMatch(/^unreadable: too many bytes in the stream/);
    expect(grown).toBeLessThan(BOUND);
  });

  test("a plan nested 5,000 levels deep: an unreadable item, within the bound", () => {
    const deep = `{"format_version":"1.2","x":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const { outcome, grown } = readInChild("deep", zipSync({ "plan.json": strToU8(deep) }));
    expect(outcome).toBe(`item: The plan could not be read: plan JSON nests deeper than ${MAX_PLAN_NESTING} levels`);
    expect(grown).toBeLessThan(BOUND);
  });

  test("`[{},{},…]` up to the size limit (270 MB to parse at 8 MB): an unreadable item, within the bound", () => {
    const empties = `{"format_version":"1.2","x":[${"{},".repeat((MAX_PLAN_FILE_BYTES - 40) / 3)}{}]}`;
    const { outcome, grown } = readInChild("empties", zipSync({ "plan.json": strToU8(empties) }));
    expect(outcome).toMatch(/^item: The plan could not be read: plan JSON is too large to read: more than/);
    expect(grown).toBeLessThan(BOUND);
  });
});
