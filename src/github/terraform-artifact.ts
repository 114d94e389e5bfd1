import type { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { fromBufferPromise, type Entry, type ZipFile } from "yauzl";
import type { Gateway } from "./gateway.js";
import { redactRequestError } from "./redact-signed-urls.js";

/**
 * Runs looked at per scan: one page (one call) of the workflow's completed runs on the branch,
 * GitHub's default page size. The README's workflow runs four times a day, so the page holds a
 * week of trusted runs unless untrusted ones (a PR's, on a head branch named like the production
 * branch) crowd them out; then the scan reports that no trusted run was found: never silent.
 */
export const RUNS_PAGE = 30;

/**
 * The download is refused past this many bytes, declared or received. A plan at
 * MAX_PLAN_FILE_BYTES deflates to a few hundred KB; the rest is room for other files of the
 * artifact (the binary plan, logs). The figure counts twice in what a scan holds at its peak (the
 * chunks and the joined zip), within SPEC section 10 rule 8's 100 MB (test/drift/plan-memory.test.ts).
 */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
/**
 * The plan file is refused past this many bytes, declared or produced by inflating: the count
 * is of the bytes actually produced, so a zip that understates a size cannot allocate more.
 * Measured with the costliest plan the limits let through (this size, MAX_PLAN_TOKENS tokens, a
 * string that decodes to two bytes a character, in an artifact of MAX_ARTIFACT_BYTES): about
 * 80 MB above idle at the peak. The former 20 MB could not hold: 8 MB of `[{},{},…]` took 270 MB.
 */
export const MAX_PLAN_FILE_BYTES = 6 * 1024 * 1024;
/** An artifact with more entries than this is not a plan artifact; reading its directory would only cost time. */
export const MAX_ARTIFACT_ENTRIES = 1_000;

/** What the scan needs of a workflow run, and what decides whether it is trusted (SPEC section 10 rule 8). */
export interface WorkflowRunFact {
  id: number;
  conclusion: string | null;
  status: string | null;
  html_url: string;
  head_sha: string;
  head_branch: string | null;
  /** The event that triggered the run: `schedule`, `push`, `pull_request`… */
  event: string;
  /** Whether the run's head commit comes from this repository, not from a fork. */
  fromThisRepository: boolean;
  updated_at: string;
}

/** What reading one run's plan gave. */
export type PlanFetch =
  | { kind: "run-failed"; run: WorkflowRunFact }
  | { kind: "no-artifact"; run: WorkflowRunFact }
  /** `bytes` is declared, or as far as the download got when it passed `limit`. */
  | { kind: "too-large"; run: WorkflowRunFact; what: "artifact" | "file"; bytes: number; limit: number }
  | { kind: "no-file"; run: WorkflowRunFact }
  /** The download is not a zip that can be read, or holds more than one plan file. */
  | { kind: "unreadable"; run: WorkflowRunFact; error: string }
  | { kind: "plan"; run: WorkflowRunFact; text: string };

export type RawRun = {
  id: number;
  conclusion?: string | null;
  status?: string | null;
  html_url: string;
  head_sha: string;
  head_branch?: string | null;
  event: string;
  updated_at: string;
  repository?: { id: number } | null;
  head_repository?: { id: number } | null;
};

export function runFact(run: RawRun): WorkflowRunFact {
  const repositoryId = run.repository?.id;
  const headRepositoryId = run.head_repository?.id;
  return {
    id: run.id,
    conclusion: run.conclusion ?? null,
    status: run.status ?? null,
    html_url: run.html_url,
    head_sha: run.head_sha,
    head_branch: run.head_branch ?? null,
    event: run.event,
    // A fork's run names the fork as its head repository; a missing one (a deleted fork) is not ours either.
    fromThisRepository: typeof repositoryId === "number" && repositoryId === headRepositoryId,
    updated_at: run.updated_at,
  };
}

/** One page of the workflow's completed runs on the branch, newest first (one call). */
export async function listCompletedRuns(gw: Gateway, params: { workflow: string; branch: string }): Promise<WorkflowRunFact[]> {
  const { data } = await gw.octokit.rest.actions.listWorkflowRuns({
    owner: gw.owner,
    repo: gw.repo,
    workflow_id: params.workflow,
    branch: params.branch,
    status: "completed",
    exclude_pull_requests: true,
    per_page: RUNS_PAGE,
  });
  return data.workflow_runs.map((run) => runFact(run as RawRun));
}

export type Extracted = { kind: "file"; bytes: Uint8Array } | { kind: "no-file" } | { kind: "too-large"; bytes: number } | { kind: "unreadable"; error: string };

function matches(entry: Entry, file: string): boolean {
  return !entry.fileName.endsWith("/") && (entry.fileName === file || entry.fileName.endsWith(`/${file}`));
}

/**
 * The one entry named `file`, from the zip's central directory: what `actions/upload-artifact`
 * writes (entries with data descriptors) is found there reliably, unlike by scanning local headers.
 */
async function findEntry(zip: Buffer, file: string): Promise<{ zipfile: ZipFile; entry: Entry } | Exclude<Extracted, { kind: "file" }>> {
  const zipfile = await fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true });
  if (zipfile.entryCount > MAX_ARTIFACT_ENTRIES) return { kind: "unreadable", error: `it holds ${zipfile.entryCount} entries, more than the ${MAX_ARTIFACT_ENTRIES} read` };
  let found: Entry | undefined;
  for await (const entry of zipfile.eachEntry()) {
    if (!matches(entry, file)) continue;
    // Two plans: which one is the production plan is not for the app to guess.
    if (found) return { kind: "unreadable", error: `it holds more than one ${file}` };
    found = entry;
  }
  return found ? { zipfile, entry: found } : { kind: "no-file" };
}

/**
 * Inflates into one buffer of the declared size (at most `maxBytes`): whatever the stream
 * produces, nothing past it is kept (Buffer#copy stops at the end). yauzl counts what inflating
 * actually produces against the declared size and fails the stream, which stops inflating, at
 * the first byte too many or at an end too short (`validateEntrySizes`).
 */
async function readEntry(stream: Readable, declared: number): Promise<Extracted> {
  const out = Buffer.alloc(declared);
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) length += chunk.copy(out, length);
  return { kind: "file", bytes: out.subarray(0, length) };
}

/**
 * Extracts the one file named `file` (at the root or in a folder) from an artifact's zip. Memory
 * is bounded by `maxBytes` whatever the zip declares; anything unexpected (not a zip, two plans,
 * an entry that lies about its size, a method zlib cannot inflate) is a result, never an
 * exception: the scan would otherwise take it for a failure of the whole scan.
 */
export async function extractFile(zip: Buffer, file: string, maxBytes = MAX_PLAN_FILE_BYTES): Promise<Extracted> {
  try {
    const found = await findEntry(zip, file);
    if ("kind" in found) return found;
    const { zipfile, entry } = found;
    if (entry.uncompressedSize > maxBytes) return { kind: "too-large", bytes: entry.uncompressedSize };
    return await readEntry(await zipfile.openReadStreamPromise(entry), entry.uncompressedSize);
  } catch (error) {
    return { kind: "unreadable", error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The artifact's zip, read as a stream and cut past MAX_ARTIFACT_BYTES (Octokit would otherwise
 * buffer whatever the blob store sends). The download is a redirect to blob storage with a
 * signed URL: any error is rethrown without it (SPEC section 10 rule 14).
 */
async function downloadZip(gw: Gateway, artifactId: number): Promise<Buffer | { tooLarge: number }> {
  try {
    const response = await gw.octokit.rest.actions.downloadArtifact({
      owner: gw.owner,
      repo: gw.repo,
      artifact_id: artifactId,
      archive_format: "zip",
      request: { parseSuccessResponseBody: false },
    });
    const body = response.data as unknown as ReadableStream<Uint8Array> | null;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body ?? []) {
      total += chunk.byteLength;
      // Leaving the loop cancels the stream: the rest is never received.
      if (total > MAX_ARTIFACT_BYTES) return { tooLarge: total };
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw redactRequestError(error, "the plan artifact could not be downloaded");
  }
}

/**
 * The plan JSON of one run: its artifacts (1 call), the download (1, redirected to blob storage).
 * A run that did not succeed is reported as such, without a call.
 */
export async function fetchRunPlan(gw: Gateway, params: { run: WorkflowRunFact; artifact: string; file: string }): Promise<PlanFetch> {
  const { run } = params;
  if (run.conclusion !== "success") return { kind: "run-failed", run };
  const { data } = await gw.octokit.rest.actions.listWorkflowRunArtifacts({ owner: gw.owner, repo: gw.repo, run_id: run.id, name: params.artifact, per_page: 10 });
  const artifact = data.artifacts.find((a) => a.name === params.artifact && !a.expired);
  if (!artifact) return { kind: "no-artifact", run };
  if (artifact.size_in_bytes > MAX_ARTIFACT_BYTES) return { kind: "too-large", run, what: "artifact", bytes: artifact.size_in_bytes, limit: MAX_ARTIFACT_BYTES };
  const zip = await downloadZip(gw, artifact.id);
  if ("tooLarge" in zip) return { kind: "too-large", run, what: "artifact", bytes: zip.tooLarge, limit: MAX_ARTIFACT_BYTES };
  const extracted = await extractFile(zip, params.file);
  switch (extracted.kind) {
    case "no-file":
      return { kind: "no-file", run };
    case "too-large":
      return { kind: "too-large", run, what: "file", bytes: extracted.bytes, limit: MAX_PLAN_FILE_BYTES };
    case "unreadable":
      return { kind: "unreadable", run, error: extracted.error };
    case "file":
      return { kind: "plan", run, text: new TextDecoder().decode(extracted.bytes) };
  }
}
