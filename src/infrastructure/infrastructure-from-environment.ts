import type { Infrastructure } from "./infrastructure.js";
import { defaultInfrastructure } from "./current-infrastructure.js";
import { createRedisInfrastructure, DEFAULT_REDIS_PREFIX, type RedisInfrastructureOptions } from "./redis-infrastructure.js";

/**
 * `REDIS_URL` set (Probot's own variable, which also shares its rate-limit state): the shared
 * Redis infrastructure under `REDIS_PREFIX`. Unset: this process's in-process default, exactly
 * the behaviour of one replica.
 */
export function infrastructureFromEnvironment(env: NodeJS.ProcessEnv, log?: RedisInfrastructureOptions["log"]): Infrastructure {
  const url = env.REDIS_URL?.trim();
  if (!url) return defaultInfrastructure();
  return createRedisInfrastructure({ url, prefix: env.REDIS_PREFIX?.trim() || DEFAULT_REDIS_PREFIX, log });
}
