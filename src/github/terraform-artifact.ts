import { unzipSync } from "fflate";
import type { Gateway } from "./gateway.js";

/** Artifacts past this declared size are refused before download: a plan JSON is rarely over a few MB. */
export const MAX_ARTIFACT_BYTES = 25 * 1024 * 1024;
/**
 * A file inside the zip past this declared size is refused; a zip that lies about its size is
 * cut at the declared size by the unzipper (and then fails to parse), so memory stays bounded.
 */
export const MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024;

export interface WorkflowRunFact {
  id: number;
  conclusion: string | null;
  status: string | null;
  html_url: string;
  head_sha: string;
  updated_at: string;
}

export type PlanFetch =
  | { kind: "no-run" }
  | { kind: "run-failed"; run: WorkflowRunFact }
  | { kind: "no-artifact"; run: WorkflowRunFact }
  | { kind: "too-large"; run: WorkflowRunFact; bytes: number }
  | { kind: "no-file"; run: WorkflowRunFact }
  /** The download is not a zip fflate can read (a truncated download, an error page from blob storage). */
  | { kind: "unreadable"; run: WorkflowRunFact; error: string }
  | { kind: "plan"; run: WorkflowRunFact; text: string };

/** The newest completed run of the workflow on the branch (one call). */
export async function latestCompletedRun(gw: Gateway, params: { workflow: string; branch: string }): Promise<WorkflowRunFact | null> {
  const { data } = await gw.octokit.rest.actions.listWorkflowRuns({ owner: gw.owner, repo: gw.repo, workflow_id: params.workflow, branch: params.branch, status: "completed", per_page: 1 });
  const run = data.workflow_runs[0];
  return run ? { id: run.id, conclusion: run.conclusion ?? null, status: run.status ?? null, html_url: run.html_url, head_sha: run.head_sha, updated_at: run.updated_at } : null;
}

/**
 * Unzips one file from an artifact in memory, refusing by declared size. Bytes that are not a zip
 * are a result, not an exception: unzipSync throws a plain Error, which the scan would otherwise
 * take for a failure of the whole scan.
 */
export function extractFile(zip: Uint8Array, file: string, maxBytes = MAX_PLAN_FILE_BYTES): { text: string } | { tooLarge: number } | { unreadable: string } | null {
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (entry) => {
        if (entry.name !== file && !entry.name.endsWith(`/${file}`)) return false;
        declared = entry.originalSize;
        return entry.originalSize <= maxBytes;
      },
    });
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
  const data = Object.values(files)[0];
  if (data) return { text: new TextDecoder().decode(data) };
  return declared > maxBytes ? { tooLarge: declared } : null;
}

/** The plan JSON of the newest completed run: run (1 call), artifacts (1), download (1, redirected). */
export async function fetchTerraformPlan(gw: Gateway, params: { workflow: string; branch: string; artifact: string; file: string }): Promise<PlanFetch> {
  const run = await latestCompletedRun(gw, params);
  if (!run) return { kind: "no-run" };
  if (run.conclusion !== "success") return { kind: "run-failed", run };
  const { data } = await gw.octokit.rest.actions.listWorkflowRunArtifacts({ owner: gw.owner, repo: gw.repo, run_id: run.id, name: params.artifact, per_page: 10 });
  const artifact = data.artifacts.find((a) => a.name === params.artifact && !a.expired);
  if (!artifact) return { kind: "no-artifact", run };
  if (artifact.size_in_bytes > MAX_ARTIFACT_BYTES) return { kind: "too-large", run, bytes: artifact.size_in_bytes };
  const download = await gw.octokit.rest.actions.downloadArtifact({ owner: gw.owner, repo: gw.repo, artifact_id: artifact.id, archive_format: "zip" });
  const zip = new Uint8Array(download.data as ArrayBuffer);
  if (zip.byteLength > MAX_ARTIFACT_BYTES) return { kind: "too-large", run, bytes: zip.byteLength };
  const extracted = extractFile(zip, params.file);
  if (!extracted) return { kind: "no-file", run };
  if ("tooLarge" in extracted) return { kind: "too-large", run, bytes: extracted.tooLarge };
  if ("unreadable" in extracted) return { kind: "unreadable", run, error: extracted.unreadable };
  return { kind: "plan", run, text: extracted.text };
}
