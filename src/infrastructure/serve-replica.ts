import type { ApplicationFunctionOptions, Probot } from "probot";
import { collectDefaultMetrics } from "prom-client";
import type { Infrastructure } from "./infrastructure.js";
import { healthRoutes } from "./health-routes.js";
import { instrumentOctokit } from "./instrument-octokit.js";
import type { Lifecycle } from "./lifecycle.js";
import type { AppMetrics } from "./metrics.js";

/** After the handlers finish, time for the server to write their answers before the process exits. */
const RESPONSE_FLUSH_MS = 250;

/** Marks our signal handlers, so that `main.ts` can remove Probot's own SIGINT handler (which exits at once) and keep ours. */
export const SHUTDOWN_HANDLER = Symbol("pipeline-guard shutdown handler");

/** Every client `app.auth` hands out (the drift scan's) is instrumented like a webhook's. */
export function instrumentAppAuth(app: Pick<Probot, "auth" | "log">, metrics: AppMetrics | undefined): void {
  const auth = app.auth.bind(app);
  app.auth = (async (installationId?: number) => instrumentOctokit(await auth(installationId), { metrics, installation: String(installationId ?? 0), log: app.log })) as Probot["auth"];
}

/**
 * When the app runs in a server (Probot's `addHandler` works): the health and metrics routes, and
 * the graceful shutdown on SIGTERM and SIGINT: readiness goes 503 and new deliveries are refused
 * at once (the server keeps listening so that probes see it), in-flight handlers get up to
 * `timeoutMs`, then the scan worker hands its unfinished jobs back and Redis closes; exit 0.
 */
export function serveReplica(params: {
  app: Pick<Probot, "auth" | "log">;
  addHandler: ApplicationFunctionOptions["addHandler"];
  lifecycle: Lifecycle;
  infrastructure: Infrastructure;
  metrics: AppMetrics;
  timeoutMs: number;
  exit?: (code: number) => void;
}): { shutdown: (signal: string) => Promise<void> } | null {
  const { app, lifecycle, infrastructure, timeoutMs } = params;
  const exit = params.exit ?? ((code: number) => process.exit(code));
  try {
    params.addHandler(
      healthRoutes({
      lifecycle,
      infrastructure,
      metrics: params.metrics,
      signJwt: async () => {
        const octokit = (await app.auth()) as unknown as { auth: (options: { type: "app" }) => Promise<unknown> };
        return octokit.auth({ type: "app" });
      },
      }),
    );
  } catch {
    // `probot.load` in a test, or an adapter without a server: no routes, no signals to handle.
    return null;
  }
  collectDefaultMetrics({ register: params.metrics.registry, prefix: "pipeline_guard_" });
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      const started = Date.now();
      app.log.info({ signal, inFlight: lifecycle.running, timeoutMs }, "shutting down: no new work, finishing what is in flight");
      const drained = await lifecycle.drain(timeoutMs);
      if (!drained) app.log.warn({ inFlight: lifecycle.running }, "shutdown deadline reached with handlers still running");
      // A handler that just finished still has its HTTP answer to write (Probot writes it on the next turn).
      await new Promise((resolve) => setTimeout(resolve, RESPONSE_FLUSH_MS));
      await infrastructure.close(Math.max(0, timeoutMs - (Date.now() - started)));
      app.log.info({ ms: Date.now() - started }, "shut down");
      exit(0);
    })();
    return stopping;
  };
  const onSignal = Object.assign((signal: NodeJS.Signals) => void shutdown(signal), { [SHUTDOWN_HANDLER]: true });
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { shutdown };
}
