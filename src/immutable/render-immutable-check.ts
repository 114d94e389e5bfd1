import type { Config } from "../config/schema.js";
import type { Conclusion } from "../overrides/evaluate-override.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";
import { inlineLiteral } from "../markdown/inline-literal.js";
import type { ImmutableOutcome, NotJudged } from "./immutable-outcome.js";
import type { ImmutableFinding } from "./judge-immutable-plan.js";

const MB = 1024 * 1024;
/** Findings written out one by one; a plan can patch hundreds of instances at once. */
export const MAX_FINDINGS_LISTED = 50;

export interface ImmutableCheck {
  conclusion: Conclusion;
  title: string;
  summary: string;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `terraform apply -replace=ADDRESS`, quoted for a shell when the address has brackets or quotes. */
export function replaceArgument(address: string): string {
  return /^[\w.-]+$/.test(address) ? `terraform apply -replace=${address}` : `terraform apply -replace='${address.replaceAll("'", "'\\''")}'`;
}

const LIFECYCLE_BLOCK = ["```hcl", "lifecycle {", "  create_before_destroy = true", "}", "```"];

/** One finding as the check lists it: what would happen and its fix. */
export function findingLines(finding: ImmutableFinding): string[] {
  const address = inlineLiteral(finding.address);
  switch (finding.kind) {
    case "update":
      return [
        `- ${address} would be **updated in place** (patched while it runs).${finding.attributes ? ` Changed attributes: ${finding.attributes}.` : ""}`,
        `  Fix: change it so that Terraform replaces it (a new object built from code), or rebuild it through the pipeline: ${inlineLiteral(replaceArgument(finding.address), 320)} (after the merge: ${inlineLiteral(`/pipeline-guard replace ${finding.address}`, 320)}).`,
      ];
    case "destroy-first":
      return [
        `- ${address} would be **destroyed before its replacement is created** (\`delete\`, then \`create\`): downtime until the new one is up.${finding.attributes ? ` Changed attributes: ${finding.attributes}.` : ""}`,
        "  Fix: add to its resource block",
        ...LIFECYCLE_BLOCK.map((line) => `  ${line}`),
      ];
    case "unknown":
      return [
        `- ${address} has actions ${finding.actions.map((action) => inlineLiteral(action, 40)).join(", ")}, which Pipeline Guard does not know: it cannot tell a replacement from a patch, so it fails.`,
        "  Fix: make the change a replacement, or have a maintainer review the plan.",
      ];
  }
}

function notJudgedText(why: NotJudged, immutable: Pick<Config["immutable"], "artifact" | "file" | "plan_workflow">): { title: string; lines: string[] } {
  const artifact = inlineLiteral(immutable.artifact);
  const file = inlineLiteral(immutable.file);
  switch (why.kind) {
    case "run-failed":
      return { title: `The plan workflow's run ended ${escapeInlineText(why.conclusion, 40)}: nothing was checked`, lines: ["Fix the plan workflow's run (its log says why) and run it again on this PR."] };
    case "no-artifact":
      return { title: `The plan workflow's run has no artifact ${artifact}: nothing was checked`, lines: [`The run must upload ${file} (\`terraform show -json\`) as the artifact ${artifact}.`] };
    case "no-file":
      return { title: `The artifact ${artifact} holds no ${file}: nothing was checked`, lines: [`The run must upload ${file} (\`terraform show -json\`) as the artifact ${artifact}.`] };
    case "too-large": {
      const what = why.what === "artifact" ? `plan artifact ${artifact}` : `plan file ${file}`;
      return { title: `The ${what} is ${Math.ceil(why.bytes / MB)} MB, more than the ${why.limit / MB} MB read: nothing was checked`, lines: ["Upload only the plan JSON, compact as `terraform show -json` writes it."] };
    }
    case "unreadable-artifact":
      return { title: `The artifact ${artifact} could not be read: nothing was checked`, lines: [`Why: ${escapeInlineText(why.error, 200)}.`] };
    case "unreadable-plan":
      return { title: "The plan could not be read: nothing was checked", lines: [`Why: ${escapeInlineText(why.error, 200)}.`] };
    case "workflow-changed":
      return {
        title: "The plan comes from a workflow this PR changes; a maintainer must review it",
        lines: [
          `This PR changes ${inlineLiteral(why.path)}, which made the plan: the PR's author controls what that run uploads, so its plan is not read.`,
          "Fix: merge the workflow change in a PR of its own, reviewed by a maintainer; the next run of this PR is then judged.",
        ],
      };
    case "files-unknown":
      return {
        title: "The plan comes from a workflow this PR may change; a maintainer must review it",
        lines: [`This PR changes ${why.changedFiles} files; the ${why.listed} read do not include the plan workflow, and the rest were not read, so the plan is not trusted.`, "Fix: split the PR."],
      };
    case "fork":
      return {
        title: "The plan comes from a fork's run: it is not read",
        lines: [
          `The run was made in ${why.headRepo ? inlineLiteral(why.headRepo) : "a deleted fork"}: a fork's author controls the workflow and what it uploads.`,
          "Fix: a maintainer reviews the infrastructure change, or pushes the branch to this repository, where its run is judged.",
        ],
      };
    case "no-run":
      return {
        title: "No completed run of the plan workflow on this commit: nothing was checked",
        lines: [
          `Re-run judges the plan of the newest completed run of ${inlineLiteral(why.workflow)} (\`immutable.plan_workflow\`) for this pull request on this commit, and found none it may read. Re-run never passes a plan it has not read.`,
          "Fix: run the plan workflow again on this PR; its run is judged when it completes.",
        ],
      };
    case "error":
      return { title: "Could not be checked", lines: [`GitHub answered with an error while the plan was read: ${escapeInlineText(why.message, 200)}. The next run of the plan workflow checks again.`] };
  }
}

/**
 * The `Pipeline Guard: immutable infrastructure` check of one PR head. Failures are `failure` in
 * enforce mode and `neutral` in report mode; a plan that was not read is never a success (fails
 * closed).
 */
export function renderImmutableCheck(params: {
  outcome: ImmutableOutcome;
  mode: Config["mode"];
  immutable: Pick<Config["immutable"], "artifact" | "file" | "plan_workflow">;
  /** The plan's run; null when no run was found. */
  runUrl: string | null;
}): ImmutableCheck {
  const { outcome, mode, runUrl } = params;
  const failing: Conclusion = mode === "report" ? "neutral" : "failure";
  const reportNote = mode === "report" ? ["", "Report mode: this check ends neutral; in enforce mode it would fail."] : [];
  const runLine = `Plan: ${runUrl ?? "no run"}`;
  if (outcome.kind === "not-judged") {
    const { title, lines } = notJudgedText(outcome.why, params.immutable);
    return { conclusion: failing, title, summary: [...lines, ...(runUrl === null ? [] : ["", runLine]), ...reportNote].join("\n") };
  }
  const { judgement } = outcome;
  const counted = `${plural(judgement.checked, "resource")} checked, ${judgement.immutable} of them immutable (\`immutable.resources\`)`;
  const incomplete = judgement.incomplete.length > 0 ? ["", "The plan does not cover every resource, so it cannot be trusted as clean:", ...judgement.incomplete.map((line) => `- ${line}`)] : [];
  if (judgement.findings.length === 0 && judgement.incomplete.length === 0) {
    return {
      conclusion: "success",
      title: `No immutable resource is patched in place: ${counted}`,
      summary: [`Every immutable resource of the plan is replaced (new first) or left alone: ${counted}.`, "", runLine].join("\n"),
    };
  }
  const listed = judgement.findings.slice(0, MAX_FINDINGS_LISTED).flatMap(findingLines);
  if (judgement.findings.length > MAX_FINDINGS_LISTED) listed.push(`- …and ${judgement.findings.length - MAX_FINDINGS_LISTED} more`);
  const [only] = judgement.findings;
  const title =
    judgement.findings.length === 0
      ? "The plan is incomplete: immutable resources cannot be checked"
      : judgement.findings.length === 1 && only
        ? `${inlineLiteral(only.address)} ${only.kind === "update" ? "would be patched in place" : only.kind === "destroy-first" ? "would be destroyed before its replacement" : "has unknown actions"}`
        : `${judgement.findings.length} immutable resources would be patched in place or destroyed first`;
  const body = [
    "Immutable resources are replaced by new ones built from code, never fixed while they run.",
    "",
    ...listed,
    ...incomplete,
    "",
    `${counted}. ${runLine}`,
  ];
  return { conclusion: failing, title, summary: [...body, ...reportNote].join("\n") };
}
