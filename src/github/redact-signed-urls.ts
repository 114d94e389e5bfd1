import { pino } from "pino";
import { statusOf } from "./gateway.js";

/**
 * Query parameters that make a URL a credential: Azure's SAS `sig` (GitHub's artifact and log
 * downloads redirect to one), S3's and GCS's presigned signatures and credentials (GitHub
 * Enterprise Server's blob storage), and tokens. SPEC section 10 rule 14: none reaches a log.
 */
const SECRET_PARAMETER = /([?&](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|token|access_token)=)[^&#\s"'<>]*/gi;

/** The text with the value of every signing parameter replaced; the rest of the URL stays readable. */
export function redactSignedUrls(text: string): string {
  return text.replace(SECRET_PARAMETER, "$1[REDACTED]");
}

/** An error that carries nothing but its status and a message with no signed URL in it. */
export class RedactedRequestError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined) {
    super(message);
    this.name = "RedactedRequestError";
    this.status = status;
  }
}

/**
 * The error of a request that followed a redirect to signed storage, made safe to log and to
 * throw: Octokit's RequestError keeps the redirect's target (`response.url`, with its `sig=`) and
 * fetch's `cause` may quote it, and Probot's logger prints every enumerable field of an error. The
 * copy keeps only the status (a 4xx or a 5xx decides what the scan does) and the redacted message.
 */
export function redactRequestError(error: unknown, what: string): RedactedRequestError {
  const message = error instanceof Error ? error.message : String(error);
  return new RedactedRequestError(`${what}: ${redactSignedUrls(message)}`, statusOf(error));
}

/** Redacts every string of a serialized error, however deep the signed URL hides (a `response.url`, a `cause`). */
function redactValues(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactSignedUrls(value);
  // pino's serializer has already cut cycles; the depth keeps a deep error object from costing much.
  if (depth > 8 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactValues(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValues(item, depth + 1)]));
}

/**
 * pino's `err` serializer, then every string redacted: a logger that uses it cannot print a signed
 * URL whatever error it is handed (the drift scan's logger, which sees the artifact download).
 */
export function redactingErrSerializer(error: unknown): unknown {
  return redactValues(pino.stdSerializers.err(error as Error), 0);
}
