import { runWithInfrastructure } from "./current-infrastructure.js";
import type { Infrastructure } from "./infrastructure.js";
import { instrumentOctokit } from "./instrument-octokit.js";
import { ShuttingDownError, type Lifecycle } from "./lifecycle.js";
import { runWithMetrics, type AppMetrics } from "./metrics.js";

interface DeliveryContext {
  id: string;
  name: string;
  payload: object;
  octokit: object;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** `pull_request.closed`, `push`: the event and its action, a bounded metric label. */
function eventOf(context: DeliveryContext): string {
  const action = (context.payload as { action?: unknown }).action;
  return typeof action === "string" ? `${context.name}.${action}` : context.name;
}

function installationOf(context: DeliveryContext): string {
  const id = (context.payload as { installation?: { id?: unknown } }).installation?.id;
  return typeof id === "number" ? String(id) : "0";
}

/**
 * Wraps a handler so that it runs with its app instance's infrastructure and metrics; with Redis,
 * at most once per delivery id across replicas (src/infrastructure/redis-infrastructure.ts): a
 * delivery already handled is acknowledged without work, one that failed is handled again when
 * redelivered. Once the replica is shutting down, a new delivery fails (500) so that GitHub can
 * redeliver it to a replica that stays.
 */
export function deliveryGuard(infrastructure: Infrastructure, params: { lifecycle?: Lifecycle; metrics?: AppMetrics } = {}) {
  const { lifecycle, metrics } = params;
  return <C extends DeliveryContext>(handler: (context: C) => Promise<unknown>) =>
    async (context: C): Promise<void> => {
      const event = eventOf(context);
      if (lifecycle?.shuttingDown) {
        metrics?.deliveries.inc({ event, outcome: "refused" });
        throw new ShuttingDownError();
      }
      instrumentOctokit(context.octokit, { metrics, installation: installationOf(context), log: context.log });
      const stopTimer = metrics?.handlerSeconds.startTimer({ event });
      let outcome = "failed";
      const run = () =>
        runWithMetrics(metrics, () =>
          runWithInfrastructure(infrastructure, async () => {
            const { deliveries } = infrastructure;
            if (!deliveries) {
              await handler(context);
              return true;
            }
            const handled = await deliveries.once(context.id, async () => {
              await handler(context);
            });
            if (!handled) context.log.info({ delivery: context.id }, "delivery already handled (by this or another replica): nothing to do");
            return handled;
          }),
        );
      try {
        outcome = (await (lifecycle ? lifecycle.track(run) : run())) ? "handled" : "duplicate";
      } finally {
        stopTimer?.();
        metrics?.deliveries.inc({ event, outcome });
      }
    };
}
