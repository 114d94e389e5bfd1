import { z } from "zod";
import type { OverrideDecision } from "./evaluate-override.js";
import { hiddenJsonBlock, readHiddenJson, renderHiddenJson } from "./hidden-json-block.js";

/**
 * The verdict of a PR head's `Pipeline Guard` check in a form another check can read back: which
 * markers of an **allowed** override the head carries. It sits in a hidden block of the check
 * run's `text`, next to the head's memory (src/overrides/check-memory.ts): only this app can write
 * its check runs, so no writer can forge it, and it is written again by every evaluation of the
 * head, so that it is always the app's latest verdict. The immutable check reads it to defer its
 * findings to the follow-up (issue #13); a writer-controlled text (title, body, a label) never can.
 */
const BLOCK = hiddenJsonBlock("override-verdict");
const VERSION = 1;

const verdictSchema = z.object({
  v: z.literal(VERSION),
  pr: z.number().int().positive(),
  head: z.string().regex(/^[0-9a-f]{40,64}$/i),
  allowed: z.array(z.string().min(1).max(100)).max(50),
});

export type OverrideVerdict = Omit<z.infer<typeof verdictSchema>, "v">;

/** The markers of an override whose every requirement is met, without repeats; [] when there is none. */
export function allowedMarkers(decision: Pick<OverrideDecision, "isOverride" | "conclusion" | "requirements">, markers: ReadonlyArray<{ name: string }>): string[] {
  if (!decision.isOverride || decision.conclusion !== "success" || decision.requirements.some((r) => !r.met)) return [];
  return [...new Set(markers.map((m) => m.name))];
}

/** The hidden block; names are JSON-escaped so that none can close the comment early. */
export function renderOverrideVerdict(verdict: OverrideVerdict): string {
  return renderHiddenJson(BLOCK, { v: VERSION, ...verdict });
}

/** The verdict in a check run's text when it is there, parses and is about this PR and head; else null (no allowed override). */
export function parseOverrideVerdict(text: string | null | undefined, expected: { pr: number; head: string }): OverrideVerdict | null {
  const data = readHiddenJson(text, BLOCK, verdictSchema, expected);
  return data ? { pr: data.pr, head: data.head, allowed: data.allowed } : null;
}
