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
export { limiterConnectors } from './connector-refs.js';
export { registerResilienceMetrics, type ResilienceMetrics } from './metrics.js';
export { CallTokens, PUBLISHED_QUOTAS, RateLimitedError, RateLimiter, RateLimitsConfig, bucketsFor, limiterIdentity, type ConnectorRef, type RateLimitsConfigInput } from './rate-limit.js';

/** The per-request rate-limit hook a guarded call hands its adapter (InvokeContext.rateLimit). */
export type RequestRateLimit = (api: string) => Promise<void>;

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
 *
 * Tokens: the call's own token is taken before it starts (see CallTokens); `action` also gets
 * the per-request hook (undefined without a limiter), which spends one token per request the
 * adapter sends, the first of them covered by the call's token, with the deadline paused while
 * it waits.
 */
export function guardCall<T>(
  layers: ResilienceLayers,
  key: { connector: string; capability: string },
  input: unknown,
  callerSignal: AbortSignal | undefined,
  action: (signal: AbortSignal, rateLimit: RequestRateLimit | undefined) => Promise<T>,
  opts: { allowStale?: boolean } = {},
): Promise<LkgResult<T>> {
  const live = async () => {
    const tokens = layers.limiter?.forCall(key.connector, key.capability);
    // An open circuit fails fast without sending anything: it must not spend the quota's tokens.
    if (tokens && layers.breakers.state(key) !== BREAKER_STATE.OPEN) await tokens.prepay(callerSignal);
    return layers.breakers.call(key, callerSignal, (signal, hold) => action(signal, tokens ? (api) => hold(tokens.request(api, signal)) : undefined));
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
