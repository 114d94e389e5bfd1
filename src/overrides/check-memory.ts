import { z } from "zod";
import { CHECK_OUTPUT_LIMIT, ownGuardCheckRuns } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import type { CommitMarkerFacts, RememberedIntroducer } from "./introducers.js";
import { hiddenJsonBlock, readHiddenJson, renderHiddenJson } from "./hidden-json-block.js";

/**
 * What the app remembers of a PR's head commit, in a hidden block of its own `Pipeline Guard`
 * check run on that commit (the output's `text`): only this app can write its check runs, so a
 * writer can neither edit nor forge it, and a later evaluation of the same head (an `edited`, a
 * Re-run, `/pipeline-guard recheck`, the merge) reads it back in one call:
 * - the senders of the events that brought markers (SPEC section 10, rule 6), which no later
 *   event can tell again;
 * - the markers of the head's commits and who wrote them (rule 12), so that an `edited` reads the
 *   title and body, not the commits again.
 * This module owns the block's schema, its writing and its reading.
 */

const BLOCK = hiddenJsonBlock("check-memory");
const VERSION = 1;

const login = z.string().min(1).max(100);
const sha = z.string().regex(/^[0-9a-f]{4,64}$/i);

const introducerSchema = z.object({
  login,
  via: z.enum(["title", "body", "push"]),
  markers: z.array(z.string()).min(1),
  sha: sha.optional(),
});

const commitFactsSchema = z.object({
  count: z.number().int().nonnegative(),
  base: z.string(),
  digest: z.string(),
  markers: z.array(z.object({ name: z.string(), written: z.string(), shas: z.array(sha) })),
  people: z.array(z.object({ login: login.nullable(), role: z.enum(["author", "committer"]), sha, markers: z.array(z.string()) })),
});

const memorySchema = z.object({
  v: z.literal(VERSION),
  pr: z.number().int().positive(),
  head: sha,
  introducers: z.array(introducerSchema),
  /**
   * A previous head whose remembered introducers are still to be carried here: set on the check
   * of a `synchronize` that failed before it could read them, so that an error loses nobody.
   */
  carryFrom: sha.optional(),
  /**
   * Only what one event brought: set on the check of an evaluation that failed before it could
   * read the head's memory, so that the reader joins it to the app's older memory of the head.
   */
  partial: z.literal(true).optional(),
  commits: commitFactsSchema.nullable(),
});

export interface CheckMemory {
  pr: number;
  head: string;
  introducers: RememberedIntroducer[];
  carryFrom?: string;
  partial?: true;
  /** null: not known (not read yet, too many to keep, or an error came first): read them again. */
  commits: CommitMarkerFacts | null;
}

function block(value: unknown): string {
  return renderHiddenJson(BLOCK, value);
}

function stored(memory: CheckMemory, withCommits: boolean): z.input<typeof memorySchema> {
  const commits = withCommits && memory.commits
    ? {
        ...memory.commits,
        markers: memory.commits.markers.map((m) => ({ name: m.name, written: m.written, shas: m.locations.flatMap((l) => (l.source === "commit" ? [l.sha] : [])) })),
      }
    : null;
  return {
    v: VERSION,
    pr: memory.pr,
    head: memory.head,
    introducers: memory.introducers,
    ...(memory.carryFrom ? { carryFrom: memory.carryFrom } : {}),
    ...(memory.partial ? { partial: true as const } : {}),
    commits,
  };
}

/**
 * The hidden block for a check run's `text`. The commits' part is left out when the whole would
 * not fit GitHub's limit (they are read again next time: more calls, never a wrong verdict); the
 * introducers are never left out: when even they do not fit, this throws and the check fails closed.
 */
export function renderCheckMemory(memory: CheckMemory): string {
  const full = block(stored(memory, true));
  if (full.length <= CHECK_OUTPUT_LIMIT) return full;
  const lean = block(stored(memory, false));
  if (lean.length <= CHECK_OUTPUT_LIMIT) return lean;
  throw new Error("too many people brought markers into this pull request to remember them on its check");
}

/** The memory in a check run's text, when it is there, parses, and is about this PR and head; else null. */
export function parseCheckMemory(text: string | null | undefined, expected: { pr: number; head: string }): CheckMemory | null {
  const data = readHiddenJson(text, BLOCK, memorySchema, expected);
  if (!data) return null;
  const { commits, carryFrom, partial, introducers } = data;
  return {
    pr: data.pr,
    head: data.head,
    introducers,
    ...(carryFrom ? { carryFrom } : {}),
    ...(partial ? { partial } : {}),
    commits: commits
      ? { ...commits, markers: commits.markers.map((m) => ({ name: m.name, written: m.written, locations: m.shas.map((s) => ({ source: "commit" as const, sha: s })) })) }
      : null,
  };
}

/** How far `carryFrom` is followed: one failed `synchronize` after another is rare; more is an error. */
const MAX_CARRY_HOPS = 3;

/**
 * The newest memory among the app's runs (newest first), joined with the older ones it leans on:
 * partial memories (what a failed evaluation's event brought) down to the first whole one.
 */
function memoryOf(runs: ReadonlyArray<{ text: string | null }>, expected: { pr: number; head: string }): { memory: CheckMemory | null; whole: boolean } {
  const found: CheckMemory[] = [];
  for (const run of runs) {
    const memory = parseCheckMemory(run.text, expected);
    if (!memory) continue;
    found.push(memory);
    if (!memory.partial) break;
  }
  const [newest] = found;
  if (!newest) return { memory: null, whole: false };
  const whole = !found.at(-1)!.partial;
  const carryFrom = found.find((m) => m.carryFrom)?.carryFrom;
  return {
    memory: {
      pr: newest.pr,
      head: newest.head,
      introducers: found.flatMap((m) => m.introducers),
      ...(carryFrom ? { carryFrom } : {}),
      commits: found.find((m) => m.commits)?.commits ?? null,
    },
    whole,
  };
}

/**
 * The memory of this PR's head `sha`, from the app's own latest check run on it: one call. When
 * that run carries none for this PR (a check of another PR with the same head, or an error check
 * written before the memory could be read) or only part of it, the app's older runs on the commit
 * are read (one more call) down to the newest whole memory. A memory that still owes a previous
 * head's introducers (`carryFrom`) gets them from that head's memory. null: the app never judged
 * this head for this PR. Errors propagate (the caller fails closed); so does a listing too long to tell.
 */
export async function readCheckMemory(gw: Gateway, params: { sha: string; pr: number }, hops = 0): Promise<CheckMemory | null> {
  const expected = { pr: params.pr, head: params.sha };
  const latest = await ownGuardCheckRuns(gw, params.sha, "latest");
  let { memory, whole } = memoryOf(latest.runs, expected);
  if (!whole && (latest.runs.length > 0 || !latest.complete)) {
    const all = await ownGuardCheckRuns(gw, params.sha, "all");
    ({ memory, whole } = memoryOf(all.runs, expected));
    if (!whole && !all.complete) throw new Error(`too many Pipeline Guard check runs on ${params.sha.slice(0, 7)} to find the app's own memory of it`);
  }
  if (!memory?.carryFrom) return memory;
  if (hops >= MAX_CARRY_HOPS) throw new Error(`the memory of ${params.sha.slice(0, 7)} is still owed by more than ${MAX_CARRY_HOPS} previous heads`);
  const previous = await readCheckMemory(gw, { sha: memory.carryFrom, pr: params.pr }, hops + 1);
  return { pr: memory.pr, head: memory.head, commits: memory.commits, introducers: [...memory.introducers, ...(previous?.introducers ?? [])] };
}
