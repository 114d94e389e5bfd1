/**
 * Webhook deliveries as GitHub makes them: an HTTP POST of the JSON payload with
 * `X-GitHub-Event`, `X-GitHub-Delivery` and `X-Hub-Signature-256` (HMAC-SHA256 of the raw
 * body with the webhook secret). A redelivery sends the same id and the same bytes again.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  id: string;
  name: string;
  /** The exact bytes signed and sent. */
  body: string;
}

export interface DeliveryResult {
  delivery: Delivery;
  status: number;
  text: string;
}

export function createDelivery(name: string, payload: unknown): Delivery {
  return { id: randomUUID(), name, body: JSON.stringify(payload) };
}

export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Probot answers once the handlers are done, or 202 after 9 s (@octokit/webhooks' timeout). */
const DELIVERY_TIMEOUT_MS = 30_000;

/**
 * Sends a delivery. `signature`: as computed from `secret` (default), a given header value,
 * or null to send none.
 */
export async function sendDelivery(url: string, delivery: Delivery, params: { secret: string; signature?: string | null }): Promise<DeliveryResult> {
  const signature = params.signature === undefined ? signatureOf(delivery.body, params.secret) : params.signature;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": delivery.name,
      "x-github-delivery": delivery.id,
      "x-github-hook-id": "1",
      ...(signature === null ? {} : { "x-hub-signature-256": signature }),
    },
    body: delivery.body,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { delivery, status: response.status, text: await response.text() };
}
