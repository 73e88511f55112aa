import { sql } from 'kysely';
import type { StoreDb } from '../store/db/connect.js';
import type { ChannelMode } from './mode.js';

export interface ShadowWrite {
  idempotencyKey: string;
  recordedAt: string;
  workflowId: string;
  channel: string;
  connector: string;
  capability: string;
  /** The request as it would have been sent: after the outbound mapping, PII as the platform sent it. */
  request: unknown;
  answer: unknown;
}

/** The shadow run's side of the order store: the pinned mode of each order and the recorded writes. */
export class ShadowRecorder {
  constructor(private readonly store: StoreDb) {}

  /**
   * The mode this order's writes use: the one pinned at its first write, or `current` (then pinned).
   * One statement, so two attempts racing pin one mode.
   */
  async pin(workflowId: string, channel: string, current: ChannelMode): Promise<string> {
    const r = await sql<{ mode: string }>`
      insert into order_write_modes (workflow_id, channel, mode) values (${workflowId}, ${channel}, ${current})
      on conflict (workflow_id) do update set workflow_id = excluded.workflow_id
      returning mode`.execute(this.store.db);
    return r.rows[0]?.mode ?? current;
  }

  /** Records a write once per idempotency key (a retried attempt records nothing more). */
  async record(w: ShadowWrite): Promise<void> {
    await this.store.db
      .insertInto('shadow_writes')
      .values({ idempotency_key: w.idempotencyKey, recorded_at: w.recordedAt, workflow_id: w.workflowId, channel: w.channel, connector: w.connector, capability: w.capability, request: JSON.stringify(w.request), answer: JSON.stringify(w.answer) })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }

  /** Recorded writes, oldest first, of one channel and/or order, in a time window. */
  async list(q: { channel?: string | undefined; workflowId?: string | undefined; since?: Date | undefined; until?: Date | undefined; limit?: number }): Promise<ShadowWrite[]> {
    let query = this.store.db.selectFrom('shadow_writes').selectAll().orderBy('id').limit(q.limit ?? 10_000);
    if (q.channel) query = query.where('channel', '=', q.channel);
    if (q.workflowId) query = query.where('workflow_id', '=', q.workflowId);
    if (q.since) query = query.where('recorded_at', '>=', q.since);
    if (q.until) query = query.where('recorded_at', '<', q.until);
    const rows = await query.execute();
    return rows.map((r) => ({ idempotencyKey: r.idempotency_key, recordedAt: r.recorded_at.toISOString(), workflowId: r.workflow_id, channel: r.channel, connector: r.connector, capability: r.capability, request: r.request, answer: r.answer }));
  }
}
