import type { CanonicalOrder } from '../../canonical/order.js';
import type { StoreDb } from './connect.js';
import { skusOf } from './projection.js';

/** An order read from an old system's export, ready to store. */
export interface HistoricalOrder {
  order: CanonicalOrder;
  /** The source rows it was mapped from, as read. */
  sourceRows: Record<string, unknown>[];
  /** Its first source row. */
  row: number;
}

export interface ImportCheckpoint {
  importKey: string;
  rowsDone: number;
  imported: number;
  rejected: number;
  finishedAt: Date | null;
}

export interface RejectRow {
  row: number;
  field: string;
  reason: string;
}

/** Opens (or finds) the checkpoint of one file's import; returns where it stands. */
export async function openCheckpoint(store: StoreDb, o: { importKey: string; file: string; channel: string; mapping: string }): Promise<ImportCheckpoint> {
  await store.db.insertInto('import_checkpoints').values({ import_key: o.importKey, file: o.file, channel: o.channel, mapping: o.mapping }).onConflict((oc) => oc.column('import_key').doNothing()).execute();
  const r = await store.db.selectFrom('import_checkpoints').select(['rows_done', 'imported', 'rejected', 'finished_at']).where('import_key', '=', o.importKey).executeTakeFirstOrThrow();
  return { importKey: o.importKey, rowsDone: r.rows_done, imported: r.imported, rejected: r.rejected, finishedAt: r.finished_at };
}

/**
 * Stores one batch and moves the checkpoint to `rowsDone` in one transaction, so a crash leaves
 * either both or neither: a resumed import starts after the last committed row and never stores
 * a row twice. An order already in the store (same channel and id) is not replaced: it comes back
 * as a rejection, committed with the batch like the others.
 */
export async function commitBatch(store: StoreDb, importKey: string, mapping: string, orders: HistoricalOrder[], rejects: RejectRow[], rowsDone: number): Promise<{ imported: number; rejects: RejectRow[] }> {
  return store.db.transaction().execute(async (trx) => {
    let inserted = new Set<string>();
    if (orders.length) {
      const rows = orders.map((h) => {
        const o = h.order;
        return {
          channel: o.source.channel,
          platform_order_id: o.source.platformOrderId,
          platform: o.source.platform,
          shop: o.source.shop,
          status: o.status,
          canonical: JSON.stringify(o),
          source_rows: JSON.stringify(h.sourceRows),
          currency: o.currency,
          goods_minor: o.totals.goods.minor,
          freight_minor: o.totals.freight.minor,
          discount_minor: o.totals.discount.minor,
          paid_minor: o.totals.paid.minor,
          created_at: o.createdAt,
          paid_at: o.paidAt ?? null,
          skus: skusOf(o),
          import_key: importKey,
          source_row: h.row,
          mapping,
        };
      });
      const done = await trx
        .insertInto('historical_orders')
        .values(rows)
        .onConflict((oc) => oc.columns(['channel', 'platform_order_id']).doNothing())
        .returning(['channel', 'platform_order_id'])
        .execute();
      inserted = new Set(done.map((d) => `${d.channel}\n${d.platform_order_id}`));
    }
    const conflicts = orders
      .filter((h) => !inserted.has(`${h.order.source.channel}\n${h.order.source.platformOrderId}`))
      .map((h) => ({ row: h.row, field: '订单编号', reason: `order ${h.order.source.platformOrderId} of channel ${h.order.source.channel} is already in the store` }));
    const allRejects = [...rejects, ...conflicts].sort((a, b) => a.row - b.row);
    if (allRejects.length) await trx.insertInto('import_rejects').values(allRejects.map((r) => ({ import_key: importKey, ...r }))).execute();
    await trx
      .updateTable('import_checkpoints')
      .set((eb) => ({
        rows_done: rowsDone,
        imported: eb('imported', '+', inserted.size),
        rejected: eb('rejected', '+', allRejects.length),
        updated_at: new Date().toISOString(),
      }))
      .where('import_key', '=', importKey)
      .execute();
    return { imported: inserted.size, rejects: allRejects };
  });
}

export async function finishCheckpoint(store: StoreDb, importKey: string): Promise<void> {
  await store.db.updateTable('import_checkpoints').set({ finished_at: new Date().toISOString() }).where('import_key', '=', importKey).execute();
}

/** Every rejection of one import, in row order (the reject report of a real run). */
export async function* readRejects(store: StoreDb, importKey: string): AsyncGenerator<RejectRow> {
  let after = -1;
  for (;;) {
    const batch = await store.db.selectFrom('import_rejects').select(['row', 'field', 'reason']).where('import_key', '=', importKey).where('row', '>', after).orderBy('row').limit(1000).execute();
    // Rows are unique per import except for a row that has no order id; keyset on row is enough.
    for (const r of batch) yield r;
    const last = batch.at(-1);
    if (!last || batch.length < 1000) return;
    after = last.row;
  }
}
