/**
 * Run by plan-memory.test.ts in a process of its own, so that what it measures is the plan's
 * reading and nothing of jest's: `node --expose-gc --import ./scripts/register-ts-loader.mjs
 * test/drift/plan-memory-child.ts ZIP`. Reads ZIP as the download does (in chunks, then joined),
 * extracts and decodes the plan as the scan does, builds its items, and prints one JSON line:
 * the outcome and the resident memory at idle and at its peak. The peak is the kernel's
 * high-water mark (VmHWM), reset to the idle size just before the read (Linux's
 * /proc/self/clear_refs): loading the TypeScript loader peaks higher than idle, and would
 * otherwise be taken for the read's peak.
 */
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { terraformItems } from "../../src/drift/terraform-items.js";
import { extractFile } from "../../src/github/terraform-artifact.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const TERRAFORM = { workflow: "drift.yml", artifact: "terraform-plan", file: "plan.json", max_age_hours: 26, dispatch: false };
const RUN = { id: 1, conclusion: "success", status: "completed", html_url: "https://github.com/o/r/actions/runs/1", head_sha: "a", head_branch: "main", event: "schedule", fromThisRepository: true, updated_at: new Date().toISOString() };

/** The download's shape: chunks as they arrive, joined once (src/github/terraform-artifact.ts). */
async function download(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(chunks, total);
}

async function readPlan(path: string): Promise<string> {
  const zip = await download(path);
  const extracted = await extractFile(zip, "plan.json");
  if (extracted.kind !== "file") return extracted.kind === "unreadable" ? `unreadable: ${extracted.error}` : extracted.kind;
  const items = terraformItems({ fetch: { kind: "plan", run: RUN, text: new TextDecoder().decode(extracted.bytes) }, terraform: TERRAFORM, branch: "main", now: new Date() });
  const [first] = items;
  return first?.id === "terraform:workflow" ? `item: ${first.title}` : `${items.length} items`;
}

const [warmUp, target] = process.argv.slice(2);
if (!warmUp || !target) throw new Error("usage: plan-memory-child.ts WARM_UP_ZIP ZIP");
// Everything loaded and compiled once, so that idle is the process as a scan finds it.
await readPlan(warmUp);
gc();
gc();
const highWaterMark = () => Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) * 1024;
writeFileSync("/proc/self/clear_refs", "5");
const idle = process.memoryUsage().rss;
const outcome = await readPlan(target);
const peak = highWaterMark();
process.stdout.write(`${JSON.stringify({ outcome, idle, peak, grown: peak - idle })}\n`);
