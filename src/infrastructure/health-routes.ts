import type { IncomingMessage, ServerResponse } from "node:http";
import type { Infrastructure } from "./infrastructure.js";
import type { Lifecycle } from "./lifecycle.js";
import type { AppMetrics } from "./metrics.js";

/**
 * `/healthz` (the process is alive), `/readyz` (it can do its work: the app's credentials sign a
 * JWT, Redis answers when configured, and it is not shutting down; 503 otherwise, with the
 * reason), `/metrics` (Prometheus text). Added to Probot's server through `addHandler`.
 */
export function healthRoutes(params: { lifecycle: Lifecycle; infrastructure: Infrastructure; metrics: AppMetrics; signJwt: () => Promise<unknown> }) {
  const send = (res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8") => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
    return true;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    switch ((req.url ?? "").split("?")[0]) {
      case "/healthz":
        return send(res, 200, "ok\n");
      case "/readyz":
        return send(res, ...(await readiness(params)));
      case "/metrics":
        return send(res, 200, await params.metrics.registry.metrics(), params.metrics.registry.contentType);
      default:
        return false;
    }
  };
}

async function readiness(params: { lifecycle: Lifecycle; infrastructure: Infrastructure; signJwt: () => Promise<unknown> }): Promise<[number, string]> {
  if (params.lifecycle.shuttingDown) return [503, "shutting down\n"];
  try {
    await params.signJwt();
  } catch {
    // The reason could quote the key material: only that it failed is said.
    return [503, "the app's credentials cannot sign a JWT\n"];
  }
  if (!(await params.infrastructure.ping())) return [503, "Redis does not answer\n"];
  return [200, "ready\n"];
}
