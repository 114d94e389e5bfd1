import type { Config } from "../config/schema.js";
import { COULD_NOT_BE_CHECKED_TITLE, createCheckRun, type OwnCheckRun } from "../github/check-runs.js";
import type { Gateway } from "../github/gateway.js";
import { latestOwnCheckRun } from "../github/own-check-run.js";
import { parseOverrideVerdict } from "../overrides/override-verdict.js";
import { IMMUTABLE_CHECK_NAME } from "./immutable-outcome.js";
import { withImmutableCheckLock } from "./immutable-check-lock.js";
import { judgementOfMemory, parseImmutableMemory, renderImmutableMemory, type ImmutableMemory } from "./immutable-memory.js";
import type { ImmutableJudgement } from "./judge-immutable-plan.js";
import { findingLines, MAX_FINDINGS_LISTED, plural, renderImmutableCheck, type ImmutableCheck } from "./render-immutable-check.js";

/**
 * The marker whose allowed override defers the immutable rule (issue #13): an emergency deploy
 * may patch a running instance to restore service, and owes its replacement through the pipeline.
 * Other markers (`[skip-tests]`) say nothing about infrastructure and defer nothing.
 */
export const DEFERRING_MARKER = "emergency-deploy";

export function defersImmutableRule(allowed: readonly string[]): boolean {
  return allowed.includes(DEFERRING_MARKER);
}

/** The check with its memory: deferred (success), or failing as the plan was judged. */
export function renderRememberedCheck(params: {
  memory: ImmutableMemory;
  mode: Config["mode"];
  immutable: Pick<Config["immutable"], "artifact" | "file" | "plan_workflow">;
  /** Said when a deferral is taken back: the override that deferred the findings is no longer allowed. */
  withdrawn?: boolean;
}): ImmutableCheck & { text?: string } {
  const { memory } = params;
  const judgement = judgementOfMemory(memory);
  const text = renderImmutableMemory(memory) ?? undefined;
  if (!memory.deferred) {
    const check = renderImmutableCheck({ outcome: { kind: "judged", judgement }, mode: params.mode, immutable: params.immutable, runUrl: memory.runUrl });
    const note = params.withdrawn ? `The \`[${DEFERRING_MARKER}]\` override that deferred this check is no longer allowed on this commit (a marker, a justification or an author changed), so the immutable rule applies again.\n\n` : "";
    return { ...check, summary: note + check.summary, ...(text === undefined ? {} : { text }) };
  }
  return { ...renderDeferredCheck(judgement, memory.runUrl), ...(text === undefined ? {} : { text }) };
}

function renderDeferredCheck(judgement: ImmutableJudgement, runUrl: string): ImmutableCheck {
  const listed = judgement.findings.slice(0, MAX_FINDINGS_LISTED).flatMap(findingLines);
  return {
    conclusion: "success",
    title: `Deferred by an allowed [${DEFERRING_MARKER}] override: ${plural(judgement.findings.length, "immutable resource")} to replace through the pipeline`,
    summary: [
      `An allowed \`[${DEFERRING_MARKER}]\` override on this commit defers the immutable rule; it does not drop it. At the merge, the override's follow-up issue gets one box per resource below: "replace \`ADDRESS\` through the pipeline".`,
      `If the override stops being allowed (its marker or justification removed, a new commit), this check fails again.`,
      "",
      ...listed,
      "",
      `${plural(judgement.checked, "resource")} checked, ${judgement.immutable} of them immutable (\`immutable.resources\`). Plan: ${runUrl}`,
    ].join("\n"),
  };
}

/**
 * Whether the app's latest `Pipeline Guard` check run on the PR's head is an allowed override with
 * `[emergency-deploy]` (no call: the run comes with the PR's query, src/github/run-pull-requests.ts,
 * from the app's own check suites only): the check the gate and Re-run read, never a title, body
 * or label that a writer controls. No run, an error check ("could not be checked") or a verdict
 * without the block (or about another PR or head) defers nothing.
 */
export function verdictDefersImmutableRule(run: OwnCheckRun | null | undefined, params: { pr: number; head: string }): boolean {
  if (!run || run.conclusion !== "success" || run.title === COULD_NOT_BE_CHECKED_TITLE) return false;
  const verdict = parseOverrideVerdict(run.text, params);
  return verdict !== null && defersImmutableRule(verdict.allowed);
}

/** What the immutable check remembers of the PR's head (1 call), or null when it remembers nothing deferrable. */
export async function readImmutableMemory(gw: Gateway, params: { pr: number; head: string }): Promise<ImmutableMemory | null> {
  const run = await latestOwnCheckRun(gw, { sha: params.head, name: IMMUTABLE_CHECK_NAME });
  return run ? parseImmutableMemory(run.text, params) : null;
}

/**
 * After the PR's `Pipeline Guard` verdict on its head is written (every evaluation: opened,
 * edited, synchronize, Re-run, recheck): the immutable check of that head follows the verdict. A
 * deferred check whose override is no longer allowed is written back to failure, and a failing
 * one whose head now carries an allowed `[emergency-deploy]` is deferred, both from the check's
 * own memory. Immutable checks off: no call. Else 1 call, and 1 more when the check changes. When
 * the memory cannot be read and the verdict defers nothing, the check fails closed ("could not be
 * checked"): an error never leaves a withdrawn deferral green.
 */
export async function followVerdictWithImmutableCheck(
  gw: Gateway,
  params: { pr: number; head: string; allowed: readonly string[]; config: Pick<Config, "mode" | "immutable"> },
): Promise<void> {
  if (!params.config.immutable.enabled) return;
  // Under the head's lock: a plan run (or a Re-run) that read the verdict before this one was
  // written writes its check first, and is then followed here; or it starts after, and reads it.
  await withImmutableCheckLock(gw, params.head, () => followVerdict(gw, params));
}

async function followVerdict(gw: Gateway, params: { pr: number; head: string; allowed: readonly string[]; config: Pick<Config, "mode" | "immutable"> }): Promise<void> {
  const deferred = defersImmutableRule(params.allowed);
  let memory: ImmutableMemory | null;
  try {
    memory = await readImmutableMemory(gw, params);
  } catch (error) {
    // An allowed verdict leaves the check as it is: nothing is weakened by not deferring it now.
    if (deferred) throw error;
    // A verdict that defers nothing must not leave a deferred check green because its memory could
    // not be read: the check fails closed, and the next run of the plan workflow judges it again.
    gw.log.warn({ err: error, pr: params.pr, sha: params.head }, "the immutable check's memory could not be read after a verdict that defers nothing: it fails closed");
    await createCheckRun(gw, {
      headSha: params.head,
      name: IMMUTABLE_CHECK_NAME,
      conclusion: params.config.mode === "report" ? "neutral" : "failure",
      title: COULD_NOT_BE_CHECKED_TITLE,
      summary: `The pull request's verdict changed and no \`[${DEFERRING_MARKER}]\` override defers the immutable rule any more, but this check's own record could not be read back, so any earlier deferral is withdrawn. Run the plan workflow again on this commit to have the plan judged.`,
    });
    return;
  }
  if (!memory) return;
  if (memory.deferred === deferred) return;
  const check = renderRememberedCheck({ memory: { ...memory, deferred }, mode: params.config.mode, immutable: params.config.immutable, withdrawn: !deferred });
  gw.log.info({ pr: params.pr, sha: params.head, deferred, findings: memory.findings.length }, deferred ? "immutable check deferred by an allowed override" : "immutable check's deferral withdrawn: the override is no longer allowed");
  await createCheckRun(gw, { headSha: params.head, name: IMMUTABLE_CHECK_NAME, ...check });
}

/**
 * After an evaluation of the PR failed and its `Pipeline Guard` check was completed as "could not
 * be checked": that is no allowed override, so a deferred immutable check on the head is taken
 * back (fail closed), as after a verdict that defers nothing. An error here is logged: the
 * evaluation's own error is already being reported.
 */
export async function withdrawDeferralAfterError(gw: Gateway, params: { pr: number; head: string; config: Pick<Config, "mode" | "immutable"> }): Promise<void> {
  try {
    await followVerdictWithImmutableCheck(gw, { ...params, allowed: [] });
  } catch (error) {
    gw.log.error({ err: error, pr: params.pr, sha: params.head }, "a deferred immutable check could not be taken back after an evaluation error");
  }
}

/**
 * At the merge of an allowed `[emergency-deploy]` override: the addresses whose replacement it
 * deferred, from the immutable check's memory of the PR's head (1 call), for the follow-up's
 * boxes. Immutable checks off, or no such override: [] and no call.
 */
export async function deferredReplacements(gw: Gateway, params: { pr: number; head: string; allowed: readonly string[]; config: Pick<Config, "immutable"> }): Promise<string[]> {
  if (!params.config.immutable.enabled || !defersImmutableRule(params.allowed)) return [];
  const memory = await readImmutableMemory(gw, params);
  return memory ? [...new Set(memory.findings.map((f) => f.address))] : [];
}

/**
 * For a follow-up the drift scan opens because the merge's webhook was missed (issue #13): the
 * addresses whose replacement an allowed `[emergency-deploy]` override deferred, as the immutable
 * check's memory on the merged PR's head says (1 call, and the app's login once). The scan cannot
 * judge the override again (it reads no commits, reviews or permissions), so it takes the check's
 * own word, kept in step with every verdict of the head: `deferred` true means the app's latest
 * verdict on that head was an allowed `[emergency-deploy]`. A check that was failing at the merge
 * deferred nothing (the merge went over it), and gives no box. Immutable checks off, no such
 * marker, or no known head: [] and no call. A read that fails throws: the caller decides.
 */
export async function replacementsDeferredBeforeMerge(
  gw: Gateway,
  params: { pr: number; head: string | undefined; markers: readonly string[]; config: Pick<Config, "immutable"> },
): Promise<string[]> {
  const { head } = params;
  if (!params.config.immutable.enabled || !defersImmutableRule(params.markers) || !head) return [];
  const memory = await readImmutableMemory(gw, { pr: params.pr, head });
  return memory?.deferred ? [...new Set(memory.findings.map((f) => f.address))] : [];
}
