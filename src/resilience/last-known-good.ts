import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { AdapterError } from '../sdk/errors.js';
import { errorMessage } from '../util/errors.js';
import { boundedWait } from './bounded.js';
import { FALLBACK_OUTCOME, type FallbackOutcome, type ResilienceMetrics } from './metrics.js';

/** Reads that may be answered from the last known good value; everything else is a write. */
export const DEFAULT_READ_CAPABILITIES: readonly string[] = [CAPABILITY.STOCK_QUERY, CAPABILITY.TRACKING_QUERY];

export const LastKnownGoodConfig = z
  .object({
    /** Oldest value ever served; older ones are refused, because dangerously old stock is worse than none. */
    maxAgeMs: z.number().int().positive().default(5 * 60_000),
    /** Capabilities treated as reads, on top of stock.query and tracking.query. */
    readCapabilities: z.array(z.string().min(1)).default([]),
    /** Bound on each Redis round trip: a slow or down Redis must not slow the live call's answer. */
    redisTimeoutMs: z.number().int().positive().default(250),
  })
  .strict();
export type LastKnownGoodConfig = z.output<typeof LastKnownGoodConfig>;
export type LastKnownGoodConfigInput = z.input<typeof LastKnownGoodConfig>;

export type LkgResult<T> = { stale: false; value: T } | { stale: true; value: unknown; ageMs: number; fetchedAt: string };

export interface LkgKey {
  connector: string;
  capability: string;
}

const Stored = z.object({ value: z.unknown(), fetchedAt: z.number() });

/**
 * Last-known-good answers for read capabilities. Every live success refreshes
 * `lkg:<connector>:<capability>:<hash of input>`; when a live read fails with an outage (a
 * retryable error, including an open circuit), an entry younger than maxAgeMs is returned flagged
 * stale with its age. A business rejection is never masked by an old answer, and a write never
 * falls back: it fails retryably and Temporal retries it once the system is back.
 *
 * Redis is optional to the answer: the live call never waits on it beyond redisTimeoutMs, a cache
 * write that fails is logged and dropped, and a failed lookup rethrows the live call's error.
 */
export class LastKnownGood {
  private readonly config: LastKnownGoodConfig;
  private readonly reads: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(
    private readonly deps: { redis: Redis; config?: LastKnownGoodConfigInput; logger: Logger; metrics?: ResilienceMetrics | null; now?: () => number; keyPrefix?: string },
  ) {
    this.config = LastKnownGoodConfig.parse(deps.config ?? {});
    this.reads = new Set([...DEFAULT_READ_CAPABILITIES, ...this.config.readCapabilities]);
    this.now = deps.now ?? Date.now;
  }

  isRead(capability: string): boolean {
    return this.reads.has(capability);
  }

  key(key: LkgKey, input: unknown): string {
    const hash = createHash('sha256').update(stableJson(input)).digest('hex').slice(0, 32);
    return `${this.deps.keyPrefix ?? ''}lkg:${key.connector}:${key.capability}:${hash}`;
  }

  /**
   * `fallback: false` still refreshes the entry on success but never answers from it: for callers
   * that cannot handle a stale answer (they did not ask for one).
   */
  async call<T>(key: LkgKey, input: unknown, live: () => Promise<T>, opts: { fallback?: boolean } = {}): Promise<LkgResult<T>> {
    if (!this.isRead(key.capability)) return { stale: false, value: await live() };
    const redisKey = this.key(key, input);
    let value: T;
    try {
      value = await live();
    } catch (err) {
      if (opts.fallback === false || (err instanceof AdapterError && !err.retryable)) throw err;
      const fallback = await this.lookup(key, redisKey);
      if (!fallback) throw err;
      return fallback;
    }
    await this.store(key, redisKey, value);
    return { stale: false, value };
  }

  private async store(key: LkgKey, redisKey: string, value: unknown): Promise<void> {
    try {
      const body = JSON.stringify({ value, fetchedAt: this.now() });
      // Expire with the max age: an entry past it would be refused anyway.
      await boundedWait(this.deps.redis.set(redisKey, body, 'PX', this.config.maxAgeMs), this.config.redisTimeoutMs);
    } catch (err) {
      this.deps.logger.warn({ connector: key.connector, capability: key.capability, event: 'lkg_store_failed', err: errorMessage(err) }, 'last-known-good not refreshed');
    }
  }

  private async lookup(key: LkgKey, redisKey: string): Promise<LkgResult<never> | null> {
    const log = this.deps.logger.child({ connector: key.connector, capability: key.capability });
    const count = (outcome: FallbackOutcome) => this.deps.metrics?.fallbacks.inc({ ...key, outcome });
    let raw: string | null;
    try {
      raw = await boundedWait(this.deps.redis.get(redisKey), this.config.redisTimeoutMs);
    } catch (err) {
      count(FALLBACK_OUTCOME.CACHE_ERROR);
      log.warn({ event: 'lkg_lookup_failed', err: errorMessage(err) }, 'last-known-good unavailable');
      return null;
    }
    const parsed = raw === null ? null : safeParse(raw);
    if (!parsed) {
      count(FALLBACK_OUTCOME.MISSING);
      return null;
    }
    const ageMs = Math.max(0, this.now() - parsed.fetchedAt);
    if (ageMs > this.config.maxAgeMs) {
      count(FALLBACK_OUTCOME.TOO_OLD);
      log.warn({ event: 'lkg_too_old', ageMs, maxAgeMs: this.config.maxAgeMs }, 'last-known-good too old to serve');
      return null;
    }
    count(FALLBACK_OUTCOME.SERVED);
    log.warn({ event: 'lkg_served', ageMs }, 'live read failed; serving last-known-good value');
    return { stale: true, value: parsed.value, ageMs, fetchedAt: new Date(parsed.fetchedAt).toISOString() };
  }
}

function safeParse(raw: string): z.output<typeof Stored> | null {
  try {
    const r = Stored.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash to the same entry. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
