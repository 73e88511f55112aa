import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Why a parcel is listed for follow-up. */
export const STALL_REASON = { NO_CHANGE: 'no_change', CARRIER_PROBLEM: 'carrier_problem', GIVEN_UP: 'given_up' } as const;
export type StallReason = (typeof STALL_REASON)[keyof typeof STALL_REASON];

const Parcel = z.object({
  waybillNo: z.string().min(1),
  workflowId: z.string().min(1),
  shipperCode: z.string().min(1),
  registeredAt: z.coerce.number().int(),
  /** Epoch ms of the newest trace seen; absent until the first. */
  lastChangeAt: z.coerce.number().int().optional(),
  traceCount: z.coerce.number().int().default(0),
  lastTrace: z.string().optional(),
  carrierState: z.string().optional(),
  pickedUpSent: z.enum(['0', '1']).default('0'),
  stalled: z.enum(STALL_REASON).optional(),
  stalledAt: z.coerce.number().int().optional(),
});
export type Parcel = z.infer<typeof Parcel>;

/** What GET /api/tracking/stalled lists. */
export const StalledParcel = z
  .object({
    waybillNo: z.string(),
    orderKey: z.string(),
    shipperCode: z.string(),
    reason: z.enum(STALL_REASON),
    since: z.string(),
    lastChangeAt: z.string().nullable(),
    lastTrace: z.string().nullable(),
    carrierState: z.string().nullable(),
  })
  .meta({ id: 'StalledParcel' });
export type StalledParcel = z.infer<typeof StalledParcel>;

/** The lifecycle's workflow id is `order:<orderKey>` (src/intake). */
export const orderKeyOf = (workflowId: string) => workflowId.replace(/^order:/, '');

/**
 * The parcels the robot follows, in Redis: one hash per waybill, a sorted set of when each is
 * next due, and the stalled list. Registering is idempotent (a retried activity or a second
 * report of the same waybill changes nothing).
 */
export class ParcelStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(rest: string): string {
    return `${this.prefix}track:${rest}`;
  }

  async register(p: { waybillNo: string; workflowId: string; shipperCode: string }, now: number): Promise<boolean> {
    const key = this.k(`parcel:${p.waybillNo}`);
    const res = await this.redis
      .multi()
      .hsetnx(key, 'workflowId', p.workflowId)
      .hsetnx(key, 'waybillNo', p.waybillNo)
      .hsetnx(key, 'shipperCode', p.shipperCode)
      .hsetnx(key, 'registeredAt', String(now))
      .zadd(this.k('due'), 'NX', now, p.waybillNo)
      .exec();
    return res?.[0]?.[1] === 1;
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k('due'), '-inf', now, 'LIMIT', 0, limit);
  }

  async get(waybillNo: string): Promise<Parcel | null> {
    const h = await this.redis.hgetall(this.k(`parcel:${waybillNo}`));
    const r = Parcel.safeParse(h);
    return r.success ? r.data : null;
  }

  async update(waybillNo: string, fields: Partial<Record<keyof Parcel, string | number>>, nextDue: number | null): Promise<void> {
    const m = this.redis.multi();
    const set = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (set.length) m.hset(this.k(`parcel:${waybillNo}`), Object.fromEntries(set.map(([k, v]) => [k, String(v)])));
    if (nextDue === null) m.zrem(this.k('due'), waybillNo).expire(this.k(`parcel:${waybillNo}`), 30 * 86_400);
    else m.zadd(this.k('due'), nextDue, waybillNo);
    await m.exec();
  }

  async markStalled(waybillNo: string, reason: StallReason, at: number): Promise<void> {
    await this.redis.multi().hset(this.k(`parcel:${waybillNo}`), { stalled: reason, stalledAt: String(at) }).zadd(this.k('stalled'), at, waybillNo).exec();
  }

  async clearStalled(waybillNo: string): Promise<void> {
    await this.redis.multi().hdel(this.k(`parcel:${waybillNo}`), 'stalled', 'stalledAt').zrem(this.k('stalled'), waybillNo).exec();
  }

  /** Drops a parcel whose order is gone (workflow closed or unknown). */
  async forget(waybillNo: string): Promise<void> {
    await this.redis.multi().zrem(this.k('due'), waybillNo).zrem(this.k('stalled'), waybillNo).del(this.k(`parcel:${waybillNo}`)).exec();
  }

  async stalledCount(): Promise<number> {
    return this.redis.zcard(this.k('stalled'));
  }

  async listStalled(limit: number): Promise<StalledParcel[]> {
    const nos = await this.redis.zrange(this.k('stalled'), 0, limit - 1);
    const out: StalledParcel[] = [];
    for (const no of nos) {
      const p = await this.get(no);
      if (!p?.stalled) continue;
      out.push({
        waybillNo: p.waybillNo,
        orderKey: orderKeyOf(p.workflowId),
        shipperCode: p.shipperCode,
        reason: p.stalled,
        since: new Date(p.stalledAt ?? p.registeredAt).toISOString(),
        lastChangeAt: p.lastChangeAt ? new Date(p.lastChangeAt).toISOString() : null,
        lastTrace: p.lastTrace ?? null,
        carrierState: p.carrierState ?? null,
      });
    }
    return out;
  }
}
