import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { errorMessage } from '../util/errors.js';
import { LuaScript } from '../util/lua-script.js';
import { boundedWait } from './bounded.js';
import type { ResilienceMetrics } from './metrics.js';

/**
 * A token bucket: `perSecond` tokens added continuously, at most `burst` kept. One request to the
 * platform = one token (an adapter without the request hook: one call = one token).
 */
export const RateBucket = z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) }).strict();
export type RateBucket = z.output<typeof RateBucket>;

const Rule = z
  .object({
    /** Shared by every shop authorised on the same platform app. null = no per-app limit. */
    perApp: RateBucket.nullable().optional(),
    /** Per shop (seller authorisation) across all APIs. null = no per-shop limit. */
    perShop: RateBucket.nullable().optional(),
    /**
     * Per API and shop, where the platform publishes per-API quotas. Keyed by the platform's API
     * name (what adapters pass to the request hook, e.g. `getOrderItems`), each request spends
     * one; keyed by a capability (`order.pull`), each call spends one.
     */
    apis: z.record(z.string(), RateBucket).optional(),
  })
  .strict();
type Rule = z.output<typeof Rule>;

/**
 * Built-in quotas per adapter id. Sources are the platforms' own public docs; the shared wire
 * format notes (WIRE-FORMATS.md, DOMAIN.md) publish no numbers.
 * - Shopify REST Admin API: a leaky bucket of 40 requests per app and store, leaking 2/s.
 * - Amazon SP-API: per selling partner and app, getOrders 0.0167/s burst 20, getOrderItems 0.5/s
 *   burst 30, confirmShipment 2/s burst 10, patchListingsItem 5/s burst 10 (the Listings Items
 *   API's published figure as recalled, not checked against the live docs here), each by its
 *   operation name (the adapter's request hook).
 * - Taobao, JD, Pinduoduo, Douyin, Youzan: quotas are assigned per app in each developer console
 *   (by app tier and API) and no fixed number is published. The defaults are deliberately low
 *   (10/s per app, 5/s per shop); raise them to the figure your console shows.
 * ERPs, WMSs and couriers publish no quotas either and are not limited unless configured.
 */
export const PUBLISHED_QUOTAS: Readonly<Record<string, Rule>> = {
  shopify: { perShop: { perSecond: 2, burst: 40 } },
  amazon: { apis: { getOrders: { perSecond: 0.0167, burst: 20 }, getOrderItems: { perSecond: 0.5, burst: 30 }, confirmShipment: { perSecond: 2, burst: 10 }, patchListingsItem: { perSecond: 5, burst: 10 } } },
  taobao: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  jd: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  pinduoduo: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  douyin: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  youzan: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  // Kuaishou sets QPS per app and API in its console ("Exceed qps limit ... MAX_QPS"); WeChat's
  // shop API publishes daily quotas, not rates: the same conservative defaults as the others.
  kuaishou: { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
  'wechat-channels': { perApp: { perSecond: 10, burst: 10 }, perShop: { perSecond: 5, burst: 5 } },
};

export const RateLimitsConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** How long a call may wait for a token before failing retryably with the wait as nextRetryDelay. */
    maxWaitMs: z.number().int().min(0).default(2_000),
    /**
     * The same for a request inside a call that already sent others (the detail requests of a
     * poll page). Longer, because failing there throws away every token the call spent: the page
     * is read again from its first request. The wait pauses the call's deadline, and stays well
     * under the poll page's one-minute heartbeat timeout.
     */
    requestMaxWaitMs: z.number().int().min(0).default(30_000),
    /** Bound on the Redis round trip; past it the local fallback bucket decides. */
    redisTimeoutMs: z.number().int().positive().default(250),
    /**
     * While Redis is unreachable each process limits itself with an in-process bucket at this share
     * of the quota (0.5: two workers together stay within it).
     */
    localFallbackShare: z.number().gt(0).max(1).default(0.5),
    /** Per adapter id, replacing the built-in quota fields given (PUBLISHED_QUOTAS). */
    adapters: z.record(z.string(), Rule).default({}),
    /**
     * Per connector id: its own quota fields, plus which bucket it draws from. `app` defaults to the
     * connector's appKey/appkey/clientId/appId, so two connectors (two shops) on one app share the
     * app's bucket; `shop` defaults to its shop/sellerId/sellerNick/shopNo, else the connector id.
     */
    connectors: z.record(z.string(), Rule.extend({ app: z.string().min(1).optional(), shop: z.string().min(1).optional() }).strict()).default({}),
  })
  .strict();
export type RateLimitsConfig = z.output<typeof RateLimitsConfig>;
export type RateLimitsConfigInput = z.input<typeof RateLimitsConfig>;

export interface ConnectorRef {
  id: string;
  adapter: string;
  config: unknown;
}

export interface BucketSpec extends RateBucket {
  key: string;
}

const APP_FIELDS = ['appKey', 'appkey', 'clientId', 'appId'] as const;
const SHOP_FIELDS = ['shop', 'sellerId', 'sellerNick', 'shopNo'] as const;

/**
 * What the limiter keeps of a connector's resolved config: only the fields naming its app and
 * shop, with `${ENV}` references already resolved (two connectors whose refs differ but resolve
 * to one app share its bucket). A field the adapter's schema marks secret is replaced by a hash,
 * so no secret reaches a Redis key, a log line or the limiter's memory.
 */
export function limiterIdentity(resolved: unknown, secretFields: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...APP_FIELDS, ...SHOP_FIELDS]) {
    const v = field(resolved, [name]);
    if (v !== null) out[name] = secretFields.has(name) ? `h:${createHash('sha256').update(v).digest('hex').slice(0, 16)}` : v;
  }
  return out;
}

function field(config: unknown, names: readonly string[]): string | null {
  if (typeof config !== 'object' || config === null) return null;
  for (const n of names) {
    const v: unknown = Object.getOwnPropertyDescriptor(config, n)?.value;
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

/**
 * The buckets one call of `capability` on `connector` draws from. All keys of one connector share
 * a hash tag (the app), so the script touching them works on Redis Cluster too.
 */
export function bucketsFor(config: RateLimitsConfig, connector: ConnectorRef, capability: string, keyPrefix = ''): BucketSpec[] {
  const own = config.connectors[connector.id] ?? {};
  const rule: Rule = { ...PUBLISHED_QUOTAS[connector.adapter], ...config.adapters[connector.adapter], ...own };
  const app = own.app ?? field(connector.config, APP_FIELDS) ?? connector.id;
  const shop = own.shop ?? field(connector.config, SHOP_FIELDS) ?? connector.id;
  const tag = `${keyPrefix}rl:{${connector.adapter}:${app}}`;
  const out: BucketSpec[] = [];
  if (rule.perApp) out.push({ key: `${tag}:app`, ...rule.perApp });
  if (rule.perShop) out.push({ key: `${tag}:shop:${shop}`, ...rule.perShop });
  const api = rule.apis?.[capability];
  if (api) out.push({ key: `${tag}:api:${shop}:${capability}`, ...api });
  return out;
}

/**
 * All buckets of one call in one atomic step: either every bucket has a token and each loses one,
 * or none is touched and the reply is the wait (ms) until all would have one. Redis's own clock
 * (TIME) is used, so workers with skewed clocks still share one consistent bucket.
 * ARGV: per key, tokens per ms and burst.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 2 - 1])
  local burst = tonumber(ARGV[i * 2])
  local v = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(v[1]) or burst
  local ts = tonumber(v[2]) or now
  if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate) end
  levels[i] = tokens
  if tokens < 1 then
    local w = math.ceil((1 - tokens) / rate)
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 2 - 1])
  local burst = tonumber(ARGV[i * 2])
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'ts', now)
  -- A full bucket needs no state: expire it once it would have refilled.
  redis.call('PEXPIRE', key, math.ceil(burst / rate) + 1000)
end
return 0
`;
const takeScript = new LuaScript(TAKE);

/** The same bucket arithmetic in-process, used while Redis cannot be reached. */
export class LocalBuckets {
  private readonly state = new Map<string, { tokens: number; ts: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  /** 0 when a token was taken from every bucket, else the wait in ms (nothing taken). */
  take(buckets: readonly BucketSpec[], share = 1): number {
    const now = this.now();
    let wait = 0;
    const levels = buckets.map((b) => {
      const rate = (b.perSecond * share) / 1000;
      const burst = Math.max(1, Math.floor(b.burst * share));
      const s = this.state.get(b.key) ?? { tokens: burst, ts: now };
      const tokens = Math.min(burst, s.tokens + Math.max(0, now - s.ts) * rate);
      if (tokens < 1) wait = Math.max(wait, Math.ceil((1 - tokens) / rate));
      return tokens;
    });
    if (wait > 0) return wait;
    buckets.forEach((b, i) => this.state.set(b.key, { tokens: (levels[i] ?? 1) - 1, ts: now }));
    return 0;
  }
}

/**
 * Per-API rate limits shared by every worker through Redis token buckets, so a backlog draining
 * after an outage never bursts past a platform's quota (and earns a ban).
 *
 * An empty bucket makes the call wait (up to maxWaitMs), then fail retryably with the remaining
 * wait as retryAfterMs, which invokeAdapter turns into Temporal's nextRetryDelay.
 *
 * Redis down: neither fail-closed nor fail-open. Fail-closed would turn a cache outage into a
 * full outage of every platform call (stock pushes, shipment confirms); fail-open would let N
 * workers burst at N times the quota exactly when a backlog is draining. Each process falls back
 * to an in-process bucket at localFallbackShare of the quota, which keeps the fleet within it for
 * up to 1/share workers, and goes back to the shared bucket as soon as Redis answers.
 */
export class RateLimiter {
  readonly config: RateLimitsConfig;
  private readonly connectors: Map<string, ConnectorRef>;
  private readonly local: LocalBuckets;
  private readonly cache = new Map<string, BucketSpec[]>();
  private degraded = false;

  constructor(
    private readonly deps: {
      redis: Redis;
      config?: RateLimitsConfigInput;
      connectors: readonly ConnectorRef[];
      logger: Logger;
      metrics?: ResilienceMetrics | null;
      keyPrefix?: string;
      now?: () => number;
      sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    },
  ) {
    this.config = RateLimitsConfig.parse(deps.config ?? {});
    this.connectors = new Map(deps.connectors.map((c) => [c.id, c]));
    this.local = new LocalBuckets(deps.now);
  }

  buckets(connector: string, capability: string): BucketSpec[] {
    const k = `${connector}/${capability}`;
    let b = this.cache.get(k);
    if (!b) {
      const ref = this.connectors.get(connector);
      b = this.config.enabled && ref ? bucketsFor(this.config, ref, capability, this.deps.keyPrefix) : [];
      this.cache.set(k, b);
    }
    return b;
  }

  /**
   * Takes one token from each bucket of the call, waiting for them up to maxWaitMs. Throws a
   * retryable RateLimitedError (`rate_limited`, retryAfterMs) when the wait would be longer.
   */
  async acquire(connector: string, capability: string, signal?: AbortSignal): Promise<void> {
    await this.spend(this.buckets(connector, capability), { connector, capability }, this.config.maxWaitMs, signal);
  }

  /** The tokens of one guarded call: see CallTokens. */
  forCall(connector: string, capability: string): CallTokens {
    return new CallTokens(this, connector, capability);
  }

  /** @internal One token from each of `buckets`, waiting up to `maxWaitMs` in all. */
  async spend(buckets: readonly BucketSpec[], labels: { connector: string; capability: string }, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (!buckets.length) return;
    let waited = 0;
    for (;;) {
      const wait = await this.take(buckets, labels);
      if (wait === 0) return;
      if (waited + wait > maxWaitMs) {
        this.deps.metrics?.rateLimited.inc(labels);
        throw new RateLimitedError(labels.connector, `${labels.capability}: rate limit reached; next token in ${wait}ms`, wait);
      }
      this.deps.metrics?.rateLimitWaits.inc(labels);
      await (this.deps.sleep ?? sleep)(wait, signal);
      waited += wait;
    }
  }

  private async take(buckets: readonly BucketSpec[], labels: { connector: string; capability: string }): Promise<number> {
    try {
      const args = buckets.flatMap((b) => [String(b.perSecond / 1000), String(b.burst)]);
      const reply = await boundedWait(
        takeScript.run(
          this.deps.redis,
          buckets.map((b) => b.key),
          args,
        ),
        this.config.redisTimeoutMs,
      );
      if (this.degraded) {
        this.degraded = false;
        this.deps.logger.info({ event: 'rate_limit_shared' }, 'Redis answers again: rate limits use the shared buckets');
      }
      return Number(reply);
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.deps.logger.warn({ event: 'rate_limit_local', err: errorMessage(err), share: this.config.localFallbackShare }, 'Redis unreachable: rate limits fall back to an in-process bucket');
      }
      this.deps.metrics?.rateLimitFallbacks.inc(labels);
      return this.local.take(buckets, this.config.localFallbackShare);
    }
  }
}

/**
 * Our own limiter said no (not the platform): retryable, with the wait as retryAfterMs. The
 * breakers do not count it as an outage, so a drained quota never opens a circuit.
 */
export class RateLimitedError extends AdapterError {
  constructor(connector: string, message: string, retryAfterMs: number) {
    super(connector, 'rate_limited', message, true, { retryAfterMs });
    this.name = 'RateLimitedError';
  }
}

/**
 * Where the tokens of one guarded call are spent, so each request to the platform costs exactly
 * one. `prepay` takes the call's token before the call starts (outside its deadline; skipped
 * while the circuit is open, which sends nothing). An adapter that calls the request hook spends
 * one token per request: the first request uses the prepaid token for the buckets it shares with
 * the call (the app's and the shop's) and takes only what the call did not cover (its API's own
 * quota); every later request takes a fresh token from each of its buckets. An adapter that never
 * calls the hook has paid one token for the call, as before the hook existed.
 */
export class CallTokens {
  private prepaid: ReadonlySet<string> = new Set();
  private requests = 0;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly connector: string,
    private readonly capability: string,
  ) {}

  async prepay(signal?: AbortSignal): Promise<void> {
    const buckets = this.limiter.buckets(this.connector, this.capability);
    await this.limiter.spend(buckets, { connector: this.connector, capability: this.capability }, this.limiter.config.maxWaitMs, signal);
    this.prepaid = new Set(buckets.map((b) => b.key));
  }

  /** The hook behind InvokeContext.rateLimit: one token for one request to `api`. */
  async request(api: string, signal?: AbortSignal): Promise<void> {
    const covered = this.prepaid;
    this.prepaid = new Set();
    const buckets = this.limiter.buckets(this.connector, api).filter((b) => !covered.has(b.key));
    // Nothing sent yet: failing fast costs nothing. Later requests wait longer (requestMaxWaitMs).
    const maxWaitMs = this.requests++ === 0 ? this.limiter.config.maxWaitMs : this.limiter.config.requestMaxWaitMs;
    await this.limiter.spend(buckets, { connector: this.connector, capability: api }, maxWaitMs, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
