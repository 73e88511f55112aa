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

/** Quarantine ids are the UUIDs `put` makes; anything else never names an entry. */
export const QuarantineId = z.uuid();

/**
 * Payloads that were accepted from a platform but failed mapping or validation. Kept in Redis
 * (append-only persistence) until replayed, discarded, or past the retention, never dropped
 * silently. Entries live under `quarantine:entry:<id>` and the index at `quarantine:index`, so no
 * id can name the index (a discard of the id "index" once deleted it).
 */
export class QuarantineStore {
  private readonly retentionSeconds: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    opts: { retentionSeconds?: number } = {},
  ) {
    this.retentionSeconds = opts.retentionSeconds ?? 30 * 24 * 3600;
  }

  private key(id: string) {
    return `${this.prefix}quarantine:entry:${id}`;
  }

  /** Where entries were kept before the namespaces were split; still read, so none is stranded. */
  private legacyKey(id: string) {
    return `${this.prefix}quarantine:${id}`;
  }

  private get indexKey() {
    return `${this.prefix}quarantine:index`;
  }

  private parse(v: string | null): QuarantineEntry | undefined {
    if (!v) return undefined;
    const r = QuarantineEntry.safeParse(JSON.parse(v));
    return r.success ? r.data : undefined;
  }

  /** Drops index members past the retention (their entries expired with their TTL). */
  private async prune(): Promise<void> {
    await this.redis.zremrangebyscore(this.indexKey, '-inf', `(${Date.now() - this.retentionSeconds * 1000}`);
  }

  async put(e: Omit<QuarantineEntry, 'id' | 'attempts' | 'lastAttemptAt'>): Promise<QuarantineEntry> {
    const entry: QuarantineEntry = { ...e, id: randomUUID(), attempts: 1, lastAttemptAt: e.receivedAt };
    await this.redis.multi().set(this.key(entry.id), JSON.stringify(entry), 'EX', this.retentionSeconds).zadd(this.indexKey, Date.now(), entry.id).exec();
    return entry;
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    if (!QuarantineId.safeParse(id).success) return undefined;
    return this.parse(await this.redis.get(this.key(id))) ?? this.parse(await this.redis.get(this.legacyKey(id)));
  }

  async list(opts: { limit: number; channel?: string | undefined }): Promise<QuarantineSummary[]> {
    await this.prune();
    const ids = (await this.redis.zrevrange(this.indexKey, 0, 999)).filter((i) => QuarantineId.safeParse(i).success);
    if (!ids.length) return [];
    const vals = await this.redis.mget(ids.map((i) => this.key(i)));
    const legacy = await this.redis.mget(ids.map((i) => this.legacyKey(i)));
    const out: QuarantineSummary[] = [];
    for (const [i, v] of vals.entries()) {
      const e = this.parse(v) ?? this.parse(legacy[i] ?? null);
      if (!e) continue;
      if (opts.channel && e.channel !== opts.channel) continue;
      const { rawBody: _raw, ...summary } = e;
      out.push(summary);
      if (out.length >= opts.limit) break;
    }
    return out;
  }

  async recordFailedAttempt(id: string, error: QuarantineEntry['error'], at: string): Promise<void> {
    const e = await this.get(id);
    if (!e) return;
    // KEEPTTL: a replay attempt does not extend the retention.
    await this.redis.set(this.key(id), JSON.stringify({ ...e, error, attempts: e.attempts + 1, lastAttemptAt: at }), 'KEEPTTL');
  }

  /** Removes an entry (after a successful replay or a discard), keeping an audit record. */
  async remove(id: string, audit: { action: 'replayed' | 'discarded'; by: string; at: string; orderKey?: string }): Promise<boolean> {
    if (!QuarantineId.safeParse(id).success) return false;
    const res = await this.redis
      .multi()
      .del(this.key(id), this.legacyKey(id))
      .zrem(this.indexKey, id)
      .rpush(`${this.prefix}audit:quarantine`, JSON.stringify({ id, ...audit }))
      .exec();
    const deleted = res?.[0]?.[1];
    return typeof deleted === 'number' && deleted > 0;
  }

  async count(): Promise<number> {
    await this.prune();
    return this.redis.zcard(this.indexKey);
  }
}
