import { type Gateway, statusOf, write } from "./gateway.js";

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/** The app's own labels (SPEC section 5). */
export const APP_LABELS = {
  followUp: { name: "pipeline-guard:follow-up", color: "fbca04", description: "Pipeline Guard: follow-up work after an emergency override" },
  bypass: { name: "pipeline-guard:bypass", color: "b60205", description: "Pipeline Guard: a change reached production outside a reviewed, green PR" },
  drift: { name: "pipeline-guard:drift", color: "5319e7", description: "Pipeline Guard: production differs from what Git says" },
  overdue: { name: "pipeline-guard:overdue", color: "d93f0b", description: "Pipeline Guard: this follow-up is past its due date" },
  escalated: { name: "pipeline-guard:escalated", color: "b60205", description: "Pipeline Guard: this follow-up is long past due and was escalated" },
  retestFailed: { name: "pipeline-guard:retest-failed", color: "e11d21", description: "Pipeline Guard: the retest of the merge commit failed" },
} satisfies Record<string, LabelSpec>;

export function markerLabelSpec(label: string): LabelSpec {
  const known = Object.values(APP_LABELS).find((l) => l.name === label);
  return known ?? { name: label, color: "d93f0b", description: "Pipeline Guard: an emergency override marker was used" };
}

/** Labels known to exist, per repository, so that each is created at most once an hour per process. */
const KNOWN_LABEL_TTL_MS = 60 * 60 * 1000;
const knownLabels = new Map<string, number>();

export function forgetKnownLabels(): void {
  knownLabels.clear();
}

/** Creates missing labels with a colour and a description; 422 means it exists already. */
export async function ensureLabels(gw: Gateway, specs: readonly LabelSpec[]): Promise<void> {
  const now = Date.now();
  for (const spec of specs) {
    const cacheKey = `${gw.owner}/${gw.repo}:${spec.name.toLowerCase()}`;
    if ((knownLabels.get(cacheKey) ?? 0) > now) continue;
    try {
      await write(gw, "create label", { label: spec.name }, () => gw.octokit.rest.issues.createLabel({ owner: gw.owner, repo: gw.repo, ...spec }), undefined);
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
    }
    knownLabels.set(cacheKey, now + KNOWN_LABEL_TTL_MS);
  }
}

export async function addLabels(gw: Gateway, issueNumber: number, specs: readonly LabelSpec[]): Promise<void> {
  if (specs.length === 0) return;
  await ensureLabels(gw, specs);
  const labels = specs.map((s) => s.name);
  await write(gw, "add labels", { issue: issueNumber, labels }, () => gw.octokit.rest.issues.addLabels({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber, labels }), undefined);
}

/** A label already gone (404) is what we wanted. */
export async function removeLabel(gw: Gateway, issueNumber: number, name: string): Promise<void> {
  try {
    await write(gw, "remove label", { issue: issueNumber, label: name }, () => gw.octokit.rest.issues.removeLabel({ owner: gw.owner, repo: gw.repo, issue_number: issueNumber, name }), undefined);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}
