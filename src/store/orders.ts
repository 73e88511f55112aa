import type { Redis } from 'ioredis';
import type { CanonicalOrder } from '../canonical/order.js';

/**
 * A read model of the orders the hub has accepted, for listings and look-ups that should not
 * have to query every workflow. The workflow stays the source of truth for state.
 */
export class OrderIndex {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Idempotent: the first write for an idempotency key wins; a retry returns false. */
  async record(idempotencyKey: string, orderKey: string, order: CanonicalOrder): Promise<boolean> {
    const summary = JSON.stringify({
      orderKey,
      platform: order.source.platform,
      channel: order.source.channel,
      platformOrderId: order.source.platformOrderId,
      status: order.status,
      receivedAt: order.source.receivedAt,
      paid: order.totals.paid,
      lines: order.lines.length,
    });
    const res = await this.redis
      .multi()
      .set(`${this.prefix}idem:${idempotencyKey}`, '1', 'EX', 30 * 24 * 3600, 'NX')
      .hsetnx(`${this.prefix}orders`, orderKey, summary)
      .zadd(`${this.prefix}orders:by-time`, 'NX', Date.parse(order.source.receivedAt), orderKey)
      .exec();
    const first = res?.[0]?.[1];
    return first === 'OK';
  }

  async get(orderKey: string): Promise<unknown> {
    const v = await this.redis.hget(`${this.prefix}orders`, orderKey);
    return v ? JSON.parse(v) : undefined;
  }

  async recent(limit: number): Promise<string[]> {
    return this.redis.zrevrange(`${this.prefix}orders:by-time`, 0, Math.max(0, limit - 1));
  }
}
