import type { Redis } from 'ioredis';
import { z } from 'zod';

export const DecisionRequest = z
  .object({
    orderKey: z.string(),
    workflowId: z.string(),
    /** Machine-readable reason: address_unmatched, order_frequency, sku_unknown, insufficient_stock, compensation_failed... */
    reason: z.string(),
    level: z.number().int().nullable(),
    message: z.string(),
    since: z.string(),
    /** What the operator may do. */
    actions: z.array(z.enum(['approve', 'reject', 'edit'])),
  })
  .meta({ id: 'DecisionRequest' });
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/**
 * The pending-decision queue: held orders and why. Written by workflow activities (idempotent
 * per order), read by GET /api/decisions; the workflow itself holds the authoritative state.
 */
export class DecisionQueue {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key() {
    return `${this.prefix}decisions`;
  }

  async put(d: DecisionRequest): Promise<void> {
    await this.redis.hset(this.key, d.orderKey, JSON.stringify(d));
  }

  async clear(orderKey: string): Promise<void> {
    await this.redis.hdel(this.key, orderKey);
  }

  async list(): Promise<DecisionRequest[]> {
    const all = await this.redis.hvals(this.key);
    const out: DecisionRequest[] = [];
    for (const v of all) {
      const r = DecisionRequest.safeParse(JSON.parse(v));
      if (r.success) out.push(r.data);
    }
    return out.sort((a, b) => a.since.localeCompare(b.since));
  }

  async get(orderKey: string): Promise<DecisionRequest | undefined> {
    const v = await this.redis.hget(this.key, orderKey);
    if (!v) return undefined;
    const r = DecisionRequest.safeParse(JSON.parse(v));
    return r.success ? r.data : undefined;
  }
}
