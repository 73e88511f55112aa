import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { BREAKER_STATE, Breakers } from './breakers.js';
import type { ResilienceConfig } from './config.js';
import { LastKnownGood, type LkgResult } from './last-known-good.js';
import { registerResilienceMetrics } from './metrics.js';
import { RateLimiter, type ConnectorRef } from './rate-limit.js';

export { BREAKER_STATE, Breakers, BreakersConfig, BreakerSettings, type BreakerKey, type BreakerState, type BreakersConfigInput } from './breakers.js';
export { ResilienceConfig, type ResilienceConfigInput } from './config.js';
export { DEFAULT_READ_CAPABILITIES, LastKnownGood, LastKnownGoodConfig, stableJson, type LastKnownGoodConfigInput, type LkgResult } from './last-known-good.js';
export { registerResilienceMetrics, type ResilienceMetrics } from './metrics.js';
export { PUBLISHED_QUOTAS, RateLimiter, RateLimitsConfig, bucketsFor, type RateLimitsConfigInput } from './rate-limit.js';

/** The layers every outbound call goes through; the hub builds one set, shared by its activities. */
export interface ResilienceLayers {
  breakers: Breakers;
  lkg: LastKnownGood | null;
  limiter?: RateLimiter | null;
}

/**
 * The order the layers run in: the last-known-good layer outside, then the rate limiter, then the
 * breaker. An open circuit or an exhausted quota (both fail fast and retryably) is one more reason
 * to serve a recent read; a call waiting for a token does not count against its own deadline.
 * `allowStale: false` refreshes the last-known-good entry but never answers from it.
 */
export function guardCall<T>(
  layers: ResilienceLayers,
  key: { connector: string; capability: string },
  input: unknown,
  callerSignal: AbortSignal | undefined,
  action: (signal: AbortSignal) => Promise<T>,
  opts: { allowStale?: boolean } = {},
): Promise<LkgResult<T>> {
  const live = async () => {
    // An open circuit fails fast without sending anything: it must not spend the quota's tokens.
    if (layers.limiter && layers.breakers.state(key) !== BREAKER_STATE.OPEN) await layers.limiter.acquire(key.connector, key.capability, callerSignal);
    return layers.breakers.call(key, callerSignal, action);
  };
  if (!layers.lkg) return live().then((value) => ({ stale: false, value }));
  return layers.lkg.call(key, input, live, { fallback: opts.allowStale ?? true });
}

/** Builds the hub's layers from the `resilience` config, metrics on the hub's own registry. */
export function createResilience(deps: { config: ResilienceConfig; redis: Redis; keyPrefix: string; logger: Logger; registry: Registry; connectors: readonly ConnectorRef[] }): ResilienceLayers & { shutdown(): void } {
  const logger = deps.logger.child({ component: 'resilience' });
  const metrics = registerResilienceMetrics(deps.registry);
  const breakers = new Breakers({ config: deps.config.breakers, logger, metrics });
  const lkg = new LastKnownGood({ redis: deps.redis, config: deps.config.lastKnownGood, logger, metrics, keyPrefix: deps.keyPrefix });
  const limiter = new RateLimiter({ redis: deps.redis, config: deps.config.rateLimits, connectors: deps.connectors, logger, metrics, keyPrefix: deps.keyPrefix });
  return { breakers, lkg, limiter, shutdown: () => breakers.shutdown() };
}
