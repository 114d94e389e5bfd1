import { z } from "zod";
import { CHECK_OUTPUT_LIMIT } from "../github/check-runs.js";
import type { ImmutableJudgement } from "./judge-immutable-plan.js";
import { hiddenJsonBlock, readHiddenJson, renderHiddenJson } from "../overrides/hidden-json-block.js";

/**
 * What the immutable check remembers of its own judgement, in a hidden block of the check run's
 * `text` (which only this app can write on its own check run, like the `Pipeline Guard` check's
 * memory in src/overrides/check-memory.ts): the findings of a complete plan, the run they came
 * from, and whether an allowed `[emergency-deploy]` override deferred them. A later change of the
 * PR's verdict (a marker removed, a justification deleted, a new author) re-judges the check from
 * this memory without reading the plan again, and the merge carries the findings into the
 * follow-up. Only a judgement that can be deferred is remembered: findings of a complete plan, at
 * most MAX_DEFERRABLE_FINDINGS of them.
 */
const BLOCK = hiddenJsonBlock("immutable-memory");
const VERSION = 1;

/** As many findings as the check lists one by one and a follow-up keeps as boxes. */
export const MAX_DEFERRABLE_FINDINGS = 50;

const findingSchema = z.object({
  address: z.string().min(1),
  kind: z.enum(["update", "destroy-first", "unknown"]),
  actions: z.array(z.string()),
  attributes: z.string(),
});

const memorySchema = z.object({
  v: z.literal(VERSION),
  pr: z.number().int().positive(),
  head: z.string().regex(/^[0-9a-f]{40,64}$/i),
  runUrl: z.string(),
  checked: z.number().int().nonnegative(),
  immutable: z.number().int().nonnegative(),
  findings: z.array(findingSchema).min(1).max(MAX_DEFERRABLE_FINDINGS),
  deferred: z.boolean(),
});

export type ImmutableMemory = Omit<z.infer<typeof memorySchema>, "v">;

/** Whether a judgement could be deferred by an override: it has findings, all of them listed, of a plan that covers every resource. */
export function isDeferrable(judgement: ImmutableJudgement): boolean {
  return judgement.findings.length > 0 && judgement.findings.length <= MAX_DEFERRABLE_FINDINGS && judgement.incomplete.length === 0;
}

export function memoryFromJudgement(params: { pr: number; head: string; runUrl: string; judgement: ImmutableJudgement; deferred: boolean }): ImmutableMemory {
  const { judgement } = params;
  return { pr: params.pr, head: params.head, runUrl: params.runUrl, checked: judgement.checked, immutable: judgement.immutable, findings: judgement.findings, deferred: params.deferred };
}

export function judgementOfMemory(memory: ImmutableMemory): ImmutableJudgement {
  return { checked: memory.checked, immutable: memory.immutable, findings: memory.findings, incomplete: [] };
}

/**
 * The hidden block, or null when it would not fit GitHub's limit on the output's text (then
 * nothing is remembered and the check cannot be deferred: it stays failing, fail closed).
 * `<` and `>` are JSON-escaped so that no address can close the HTML comment early.
 */
export function renderImmutableMemory(memory: ImmutableMemory): string | null {
  const text = renderHiddenJson(BLOCK, { v: VERSION, ...memory });
  return text.length <= CHECK_OUTPUT_LIMIT ? text : null;
}

/** The memory in a check run's text when it is there, parses, and is about this PR and head; else null. */
export function parseImmutableMemory(text: string | null | undefined, expected: { pr: number; head: string }): ImmutableMemory | null {
  const data = readHiddenJson(text, BLOCK, memorySchema, expected);
  if (!data) return null;
  const { pr, head, runUrl, checked, immutable, findings, deferred } = data;
  return { pr, head, runUrl, checked, immutable, findings, deferred };
}
