import type { Breakers } from './breakers.js';
import type { LastKnownGood, LkgResult } from './last-known-good.js';

export { BREAKER_STATE, Breakers, BreakersConfig, BreakerSettings, type BreakerKey, type BreakerState, type BreakersConfigInput } from './breakers.js';
export { DEFAULT_READ_CAPABILITIES, LastKnownGood, LastKnownGoodConfig, stableJson, type LastKnownGoodConfigInput, type LkgResult } from './last-known-good.js';
export { registerResilienceMetrics, type ResilienceMetrics } from './metrics.js';

/**
 * The order the layers run in: the last-known-good layer outside the breaker, so an open circuit
 * (which fails fast with a retryable error) is one more reason to serve a recent read.
 */
export function guardCall<T>(
  layers: { breakers: Breakers; lkg: LastKnownGood | null },
  key: { connector: string; capability: string },
  input: unknown,
  callerSignal: AbortSignal | undefined,
  action: (signal: AbortSignal) => Promise<T>,
): Promise<LkgResult<T>> {
  const live = () => layers.breakers.call(key, callerSignal, action);
  if (!layers.lkg) return live().then((value) => ({ stale: false, value }));
  return layers.lkg.call(key, input, live);
}
