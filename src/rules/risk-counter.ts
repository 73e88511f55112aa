import { createHash, createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CanonicalOrder } from '../canonical/order.js';
import type { RulesConfig } from './config.js';

/**
 * Interception level 2: how many orders has this buyer placed inside the sliding window?
 * One ZSET per identity, members = order keys, scores = order time in ms.
 */

export const RISK_IDENTITY = {
  PHONE_PLAINTEXT: 'phone_plaintext',
  PHONE_CIPHERTEXT: 'phone_ciphertext',
  BUYER_HANDLE: 'buyer_handle',
} as const;
export type RiskIdentityKind = (typeof RISK_IDENTITY)[keyof typeof RISK_IDENTITY];

/** Only the hash leaves this module: plaintext phones never reach a Redis key, a log or a result. */
export interface RiskIdentity {
  kind: RiskIdentityKind;
  hash: string;
}

type RiskSettings = Pick<RulesConfig['risk'], 'maxOrdersPer24h' | 'windowHours' | 'stableCiphertextPlatforms' | 'identityKey'>;

/** "+86 138-0013-8000" and "13800138000" are one phone. */
function normalisePhone(plain: string): string {
  const digits = plain.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/**
 * Who to count. The phone is the rule's subject, but only usable when it is the same string
 * every time: plaintext, or ciphertext from a platform configured as deterministic. Otherwise
 * the platform's buyer handle (oaid, open id) stands in. Ciphertext and handles are scoped by
 * platform because two platforms' opaque strings may coincide by accident.
 */
export function riskIdentity(order: Pick<CanonicalOrder, 'source' | 'recipient' | 'buyer'>, risk: Pick<RiskSettings, 'stableCiphertextPlatforms' | 'identityKey'>): RiskIdentity | null {
  const phone = order.recipient.phone;
  const platform = order.source.platform;
  let kind: RiskIdentityKind;
  let material: string;
  const plain = phone?.plaintext ? normalisePhone(phone.plaintext) : '';
  if (plain.length >= 5) {
    kind = RISK_IDENTITY.PHONE_PLAINTEXT;
    material = `phone:${plain}`;
  } else if (phone?.ciphertext && risk.stableCiphertextPlatforms.includes(platform)) {
    kind = RISK_IDENTITY.PHONE_CIPHERTEXT;
    material = `phone-ct:${platform}:${phone.ciphertext}`;
  } else if (order.buyer?.handle) {
    kind = RISK_IDENTITY.BUYER_HANDLE;
    material = `handle:${platform}:${order.buyer.handle}`;
  } else {
    return null;
  }
  const hash = risk.identityKey ? createHmac('sha256', risk.identityKey).update(material).digest('hex') : createHash('sha256').update(material).digest('hex');
  return { kind, hash };
}

/**
 * Trim, add, count in one script so concurrent orders of one buyer cannot both read a stale count.
 * ZADD NX keeps the first score: a retried activity neither adds a second member nor moves the
 * order in time. The count covers the window on BOTH sides of this order's time: orders of one
 * buyer are checked concurrently and in any order, and a window ending at the order's own time
 * let a burst slip through (orders 1, 3, 2 checked in that order each saw only two). Counting
 * both sides holds whichever of them is checked last.
 *
 * KEYS[1] zset; ARGV[1] order time ms, ARGV[2] now ms, ARGV[3] window ms, ARGV[4] order key.
 */
const SCRIPT = `
local at = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
redis.call('ZADD', KEYS[1], 'NX', at, ARGV[4])
local t = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[4]))
local count = redis.call('ZCOUNT', KEYS[1], '(' .. (t - window), '(' .. (t + window))
redis.call('PEXPIRE', KEYS[1], window + 3600000)
return count
`;

export interface RiskCount {
  /** Orders from this identity inside the window ending at this order, this one included. */
  count: number;
  held: boolean;
  identity: RiskIdentityKind | null;
}

export interface RiskCounterOptions {
  redis: Redis;
  keyPrefix: string;
  risk: RiskSettings;
  /** Injectable for tests; production uses the wall clock. */
  now?: () => number;
}

export class RiskCounter {
  private readonly now: () => number;

  constructor(private readonly opts: RiskCounterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The Redis key for an identity hash (exported shape for ops tooling: no PII in it). */
  key(identity: RiskIdentity): string {
    return `${this.opts.keyPrefix}risk:orders:${identity.hash}`;
  }

  /**
   * Counts the order once (idempotent per orderKey) and says whether it crosses the limit.
   * `at` is the order's own time (paidAt or createdAt); it defaults to now.
   */
  async count(input: { orderKey: string; order: Pick<CanonicalOrder, 'source' | 'recipient' | 'buyer'>; at?: number }): Promise<RiskCount> {
    const identity = riskIdentity(input.order, this.opts.risk);
    // No phone and no handle: nothing to count by; level 2 cannot apply.
    if (!identity) return { count: 0, held: false, identity: null };
    const windowMs = this.opts.risk.windowHours * 3600_000;
    const now = this.now();
    const at = input.at ?? now;
    const raw: unknown = await this.opts.redis.eval(SCRIPT, 1, this.key(identity), String(at), String(now), String(windowMs), input.orderKey);
    const count = z.number().int().nonnegative().parse(raw);
    return { count, held: count > this.opts.risk.maxOrdersPer24h, identity: identity.kind };
  }
}

/** The order's own time for the window: when it was paid, else when it was created. */
export function orderTime(order: Pick<CanonicalOrder, 'paidAt' | 'createdAt'>): number {
  return Date.parse(order.paidAt ?? order.createdAt);
}
