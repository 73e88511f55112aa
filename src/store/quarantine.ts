import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const QuarantineEntry = z
  .object({
    id: z.string(),
    channel: z.string(),
    adapter: z.string(),
    mappingId: z.string(),
    receivedAt: z.string(),
    deliveryId: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).default([]) }),
    attempts: z.number().int(),
    lastAttemptAt: z.string(),
    /** The raw body exactly as received, so a replay maps the same bytes the platform sent. */
    rawBody: z.string(),
  })
  .meta({ id: 'QuarantineEntry' });
export type QuarantineEntry = z.infer<typeof QuarantineEntry>;
export const QuarantineSummary = QuarantineEntry.omit({ rawBody: true }).meta({ id: 'QuarantineSummary' });
export type QuarantineSummary = z.infer<typeof QuarantineSummary>;

/**
 * Payloads that were accepted from a platform but failed mapping or validation. Kept in Redis
 * (append-only persistence) until replayed or discarded, never dropped.
 */
export class QuarantineStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string) {
    return `${this.prefix}quarantine:${id}`;
  }

  async put(e: Omit<QuarantineEntry, 'id' | 'attempts' | 'lastAttemptAt'>): Promise<QuarantineEntry> {
    const entry: QuarantineEntry = { ...e, id: randomUUID(), attempts: 1, lastAttemptAt: e.receivedAt };
    await this.redis.multi().set(this.key(entry.id), JSON.stringify(entry)).zadd(`${this.prefix}quarantine:index`, Date.parse(e.receivedAt), entry.id).exec();
    return entry;
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    const v = await this.redis.get(this.key(id));
    if (!v) return undefined;
    const r = QuarantineEntry.safeParse(JSON.parse(v));
    return r.success ? r.data : undefined;
  }

  async list(opts: { limit: number; channel?: string | undefined }): Promise<QuarantineSummary[]> {
    const ids = await this.redis.zrevrange(`${this.prefix}quarantine:index`, 0, 999);
    if (!ids.length) return [];
    const vals = await this.redis.mget(ids.map((i) => this.key(i)));
    const out: QuarantineSummary[] = [];
    for (const v of vals) {
      if (!v) continue;
      const r = QuarantineEntry.safeParse(JSON.parse(v));
      if (!r.success) continue;
      if (opts.channel && r.data.channel !== opts.channel) continue;
      const { rawBody: _raw, ...summary } = r.data;
      out.push(summary);
      if (out.length >= opts.limit) break;
    }
    return out;
  }

  async recordFailedAttempt(id: string, error: QuarantineEntry['error'], at: string): Promise<void> {
    const e = await this.get(id);
    if (!e) return;
    await this.redis.set(this.key(id), JSON.stringify({ ...e, error, attempts: e.attempts + 1, lastAttemptAt: at }));
  }

  /** Removes an entry (after a successful replay or a discard), keeping an audit record. */
  async remove(id: string, audit: { action: 'replayed' | 'discarded'; by: string; at: string; orderKey?: string }): Promise<boolean> {
    const res = await this.redis
      .multi()
      .del(this.key(id))
      .zrem(`${this.prefix}quarantine:index`, id)
      .rpush(`${this.prefix}audit:quarantine`, JSON.stringify({ id, ...audit }))
      .exec();
    return res?.[0]?.[1] === 1;
  }

  async count(): Promise<number> {
    return this.redis.zcard(`${this.prefix}quarantine:index`);
  }
}
