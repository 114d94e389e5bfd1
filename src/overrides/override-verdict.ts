import { z } from "zod";
import type { OverrideDecision } from "./evaluate-override.js";

/**
 * The verdict of a PR head's `Pipeline Guard` check in a form another check can read back: which
 * markers of an **allowed** override the head carries. It sits in a hidden block of the check
 * run's `text`, next to the head's memory (src/overrides/check-memory.ts): only this app can write
 * its check runs, so no writer can forge it, and it is written again by every evaluation of the
 * head, so that it is always the app's latest verdict. The immutable check reads it to defer its
 * findings to the follow-up (issue #13); a writer-controlled text (title, body, a label) never can.
 */
const OPEN = "<!-- pipeline-guard:override-verdict ";
const CLOSE = " -->";
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
  return `${OPEN}${JSON.stringify({ v: VERSION, ...verdict }).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")}${CLOSE}`;
}

/** The verdict in a check run's text when it is there, parses and is about this PR and head; else null (no allowed override). */
export function parseOverrideVerdict(text: string | null | undefined, expected: { pr: number; head: string }): OverrideVerdict | null {
  if (!text) return null;
  const start = text.indexOf(OPEN);
  const end = start < 0 ? -1 : text.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start + OPEN.length, end));
  } catch {
    return null;
  }
  const parsed = verdictSchema.safeParse(json);
  if (!parsed.success || parsed.data.pr !== expected.pr || parsed.data.head.toLowerCase() !== expected.head.toLowerCase()) return null;
  return { pr: parsed.data.pr, head: parsed.data.head, allowed: parsed.data.allowed };
}
