import { z } from 'zod';
import { BreakersConfig } from './breakers.js';
import { LastKnownGoodConfig } from './last-known-good.js';
import { RateLimitsConfig } from './rate-limit.js';

/**
 * The `resilience` config section: circuit breakers per connector endpoint, last-known-good
 * reads, shared rate limits, and how long an order waits before retrying a write to a system
 * that is down. Every field has a default; see README "Resilience".
 */
export const ResilienceConfig = z
  .object({
    breakers: BreakersConfig.prefault({}),
    lastKnownGood: LastKnownGoodConfig.prefault({}),
    rateLimits: RateLimitsConfig.prefault({}),
    /**
     * After a write's activity retries are used up on an outage, the order waits this long and
     * tries again, for as long as the outage lasts (it is never failed for an outage). Default:
     * the breakers' default resetTimeout, so the retry lands when the circuit lets a trial through.
     */
    outageRetryMs: z.number().int().positive().optional(),
    /**
     * How long a webhook waits for Temporal to store a workflow start before answering 503 with
     * Retry-After. Platforms give up after ~5 s (Shopify) and count the timeout as a failed
     * delivery, so a down Temporal must be answered well within that.
     */
    temporalStartDeadlineMs: z.number().int().min(200).max(4_500).default(2_500),
  })
  .strict();
export type ResilienceConfig = z.output<typeof ResilienceConfig>;
export type ResilienceConfigInput = z.input<typeof ResilienceConfig>;
