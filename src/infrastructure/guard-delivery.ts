import { runWithInfrastructure } from "./current-infrastructure.js";
import type { Infrastructure } from "./infrastructure.js";

interface DeliveryContext {
  id: string;
  log: { info(obj: object, msg: string): void };
}

/**
 * Wraps a handler so that it runs with its app instance's infrastructure and, with Redis, at most
 * once per delivery id across replicas (src/infrastructure/redis-infrastructure.ts): a delivery
 * already handled is acknowledged without work; one that failed is handled again when redelivered.
 */
export function deliveryGuard(infrastructure: Infrastructure) {
  return <C extends DeliveryContext>(handler: (context: C) => Promise<unknown>) =>
    (context: C): Promise<void> =>
      runWithInfrastructure(infrastructure, async () => {
        const { deliveries } = infrastructure;
        if (!deliveries) {
          await handler(context);
          return;
        }
        const handled = await deliveries.once(context.id, async () => {
          await handler(context);
        });
        if (!handled) context.log.info({ delivery: context.id }, "delivery already handled (by this or another replica): nothing to do");
      });
}
