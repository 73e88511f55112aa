import { sql } from 'kysely';
import type { Logger } from '../../logger.js';
import type { StoreDb } from './connect.js';

/** One inbound payload and the context it was mapped in. */
export interface RawPayload {
  receivedAt: string;
  channel: string;
  platform: string;
  shop: string;
  currency: string;
  /** The mapping the channel used when it arrived. */
  mapping: string;
  body: string;
}

export interface StoredRawPayload extends RawPayload {
  id: string;
}

export interface RecorderOptions {
  /** Rows per insert. */
  maxBatch?: number;
  /** Longest a payload waits in memory before its batch is written. */
  flushMs?: number;
  /** Payloads held while the database is slow; past it new ones are counted and not kept. */
  maxBuffered?: number;
  logger: Logger;
}

/**
 * Keeps inbound payloads off the intake's hot path: `record` only appends to a buffer, and one
 * multi-row insert a batch writes them in the background. This is a retention copy for mapping
 * diffs, not the order (Temporal holds that): when the database is down or slow past
 * `maxBuffered`, payloads are not kept, and each flush logs how many.
 */
export class RawPayloadRecorder {
  private buffer: RawPayload[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly maxBatch: number;
  private readonly flushMs: number;
  private readonly maxBuffered: number;
  /** Payloads written and not kept (for tests and metrics). */
  readonly counts = { written: 0, notKept: 0 };

  constructor(
    private readonly store: StoreDb,
    private readonly o: RecorderOptions,
  ) {
    this.maxBatch = o.maxBatch ?? 500;
    this.flushMs = o.flushMs ?? 250;
    this.maxBuffered = o.maxBuffered ?? 20_000;
  }

  record(p: RawPayload): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      this.counts.notKept++;
      return;
    }
    this.buffer.push(p);
    if (this.buffer.length >= this.maxBatch) this.schedule(0);
    else this.schedule(this.flushMs);
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** Writes everything buffered so far (also what `close` does). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeAll());
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    if (this.dropped) {
      this.o.logger.warn({ notKept: this.dropped }, 'raw payloads not kept for mapping diffs: the buffer was full (database slow or down)');
      this.dropped = 0;
    }
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, this.maxBatch);
      try {
        await this.store.db
          .insertInto('raw_payloads')
          .values(batch.map((p) => ({ received_at: p.receivedAt, channel: p.channel, platform: p.platform, shop: p.shop, currency: p.currency, mapping: p.mapping, body: p.body })))
          .execute();
        this.counts.written += batch.length;
      } catch (err) {
        this.counts.notKept += batch.length;
        this.o.logger.warn({ notKept: batch.length, err: err instanceof Error ? err.message : String(err) }, 'raw payloads not kept for mapping diffs: the insert failed');
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

/** Deletes payloads received before `before`; returns how many. */
export async function purgeRawPayloads(store: StoreDb, before: Date): Promise<number> {
  const r = await store.db.deleteFrom('raw_payloads').where('received_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Kept payloads received since `since` (of one channel), oldest first, read in keyset batches. */
export async function* readRawPayloads(store: StoreDb, o: { since: Date; channel?: string | undefined; batch?: number; afterId?: string | undefined }): AsyncGenerator<StoredRawPayload> {
  let after = o.afterId ?? '0';
  const size = o.batch ?? 200;
  for (;;) {
    let q = store.db
      .selectFrom('raw_payloads')
      .select(['id', 'received_at', 'channel', 'platform', 'shop', 'currency', 'mapping', 'body'])
      .where('received_at', '>=', o.since)
      .where(sql<boolean>`id > ${after}::bigint`)
      .orderBy('id')
      .limit(size);
    if (o.channel) q = q.where('channel', '=', o.channel);
    const rows = await q.execute();
    for (const r of rows) yield { id: String(r.id), receivedAt: r.received_at.toISOString(), channel: r.channel, platform: r.platform, shop: r.shop, currency: r.currency, mapping: r.mapping, body: r.body };
    const last = rows.at(-1);
    if (!last || rows.length < size) return;
    after = String(last.id);
  }
}
