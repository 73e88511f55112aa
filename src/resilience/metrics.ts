import { Counter, Gauge, type Registry } from 'prom-client';

/** Gauge values of zhongshu_breaker_state: ordered so "higher is worse" reads right on a graph. */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/** How a guarded call ended, as counted in zhongshu_breaker_calls_total. */
export const CALL_OUTCOME = {
  SUCCESS: 'success',
  FAILURE: 'failure',
  TIMEOUT: 'timeout',
  /** A business rejection: the system answered, so it is not counted against the breaker. */
  REJECTED: 'rejected',
  /** Failed fast because the circuit was open. */
  SHORT_CIRCUITED: 'short_circuited',
  CANCELLED: 'cancelled',
  /** A request inside the call found the shared rate limit exhausted (not counted against the breaker). */
  RATE_LIMITED: 'rate_limited',
} as const;
export type CallOutcome = (typeof CALL_OUTCOME)[keyof typeof CALL_OUTCOME];

export const FALLBACK_OUTCOME = { SERVED: 'served', TOO_OLD: 'too_old', MISSING: 'missing', CACHE_ERROR: 'cache_error' } as const;
export type FallbackOutcome = (typeof FALLBACK_OUTCOME)[keyof typeof FALLBACK_OUTCOME];

/**
 * Registers the resilience metrics on the given registry (the hub's own, see src/http/metrics.ts).
 * Call it once per registry: prom-client refuses a metric name registered twice.
 */
export function registerResilienceMetrics(registry: Registry) {
  const labelNames = ['connector', 'capability'] as const;
  return {
    breakerState: new Gauge({
      name: 'zhongshu_breaker_state',
      help: 'Circuit state per connector and capability: 0 closed, 1 half-open, 2 open',
      labelNames,
      registers: [registry],
    }),
    breakerOpens: new Counter({ name: 'zhongshu_breaker_opens_total', help: 'Times a circuit opened', labelNames, registers: [registry] }),
    breakerHalfOpens: new Counter({
      name: 'zhongshu_breaker_half_opens_total',
      help: 'Times a circuit went half-open to let one trial call through',
      labelNames,
      registers: [registry],
    }),
    calls: new Counter({
      name: 'zhongshu_breaker_calls_total',
      help: 'Guarded external calls by outcome: success, failure, timeout, rejected, short_circuited, cancelled',
      labelNames: [...labelNames, 'outcome'] as const,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: 'zhongshu_lkg_fallbacks_total',
      help: 'Failed reads that looked for a last-known-good value, by outcome: served, too_old, missing, cache_error',
      labelNames: [...labelNames, 'outcome'] as const,
      registers: [registry],
    }),
    rateLimitWaits: new Counter({
      name: 'zhongshu_rate_limit_waits_total',
      help: 'Calls that waited for a rate-limit token (each wait counted)',
      labelNames,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'zhongshu_rate_limited_total',
      help: 'Calls refused by the rate limiter after waiting maxWaitMs; retried later by Temporal',
      labelNames,
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: 'zhongshu_rate_limit_local_fallback_total',
      help: 'Rate-limit decisions taken by the in-process bucket because Redis did not answer',
      labelNames,
      registers: [registry],
    }),
  };
}

export type ResilienceMetrics = ReturnType<typeof registerResilienceMetrics>;
