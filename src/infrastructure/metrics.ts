import { AsyncLocalStorage } from "node:async_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The app's Prometheus metrics (`/metrics`), one registry per app instance. Labels are bounded:
 * events and outcomes are a short list, routes are templates (`/repos/{owner}/{repo}/issues`),
 * never paths with names in them; the installation id is the one unbounded label, one per
 * organization that installed the app.
 */
export interface AppMetrics {
  registry: Registry;
  deliveries: Counter<"event" | "outcome">;
  handlerSeconds: Histogram<"event">;
  githubRequests: Counter<"method" | "route" | "status">;
  rateLimitRemaining: Gauge<"installation">;
  scanJobs: Gauge<"state">;
  scanSeconds: Histogram;
  recordsCreated: Counter<"kind">;
}

/** The app's own metrics; the process's (memory, CPU, event loop) are added by a server (src/infrastructure/serve-replica.ts). */
export function createMetrics(params: { scanJobCounts?: () => Promise<Record<string, number>> } = {}): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const scanJobCounts = params.scanJobCounts;
  return {
    registry,
    deliveries: new Counter({ name: "pipeline_guard_deliveries_total", help: "Webhook deliveries by event and outcome (handled, duplicate, failed, refused while shutting down)", labelNames: ["event", "outcome"], registers }),
    handlerSeconds: new Histogram({ name: "pipeline_guard_handler_duration_seconds", help: "Time a delivery's handler took", labelNames: ["event"], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers }),
    githubRequests: new Counter({ name: "pipeline_guard_github_requests_total", help: "GitHub API calls by method, route template and status", labelNames: ["method", "route", "status"], registers }),
    rateLimitRemaining: new Gauge({ name: "pipeline_guard_rate_limit_remaining", help: "GitHub rate limit remaining, per installation (0: the app itself)", labelNames: ["installation"], registers }),
    scanJobs: new Gauge({
      name: "pipeline_guard_scan_jobs",
      help: "Drift scan jobs by state (waiting, active, delayed, failed, completed); only with Redis",
      labelNames: ["state"],
      registers,
      async collect() {
        if (!scanJobCounts) return;
        try {
          for (const [state, count] of Object.entries(await scanJobCounts())) this.set({ state }, count);
        } catch {
          // Redis not answering: the gauge keeps its last values; /readyz says what is wrong.
        }
      },
    }),
    scanSeconds: new Histogram({ name: "pipeline_guard_scan_duration_seconds", help: "Time one repository's drift scan took", buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers }),
    recordsCreated: new Counter({ name: "pipeline_guard_records_created_total", help: "Records (issues) created, by kind", labelNames: ["kind"], registers }),
  };
}

const storage = new AsyncLocalStorage<AppMetrics>();

/** The metrics of the app instance at work, if it keeps any (a server does; unit tests mostly do not). */
export function currentMetrics(): AppMetrics | undefined {
  return storage.getStore();
}

export function runWithMetrics<T>(metrics: AppMetrics | undefined, fn: () => T): T {
  return metrics ? storage.run(metrics, fn) : fn();
}
