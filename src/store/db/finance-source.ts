import { sql } from 'kysely';
import { CanonicalOrder } from '../../canonical/order.js';
import { FinanceSourceError, type FinanceOrderSource, type FinanceRange } from '../../finance/source.js';
import type { StoreDb } from './connect.js';

const BATCH = 500;

/**
 * The reconciliation's orders from the order store: every order paid in the range, then every
 * order paid outside it (or never) that carries a line refund, since a refund counts in the month
 * it was paid out. The second pass reads all refunded orders received before the range's end and
 * lets the reconciliation keep those whose refunds fall in it (extra orders are harmless): exact,
 * and cheap while refunded orders are a small share. Keyset batches: a month never sits in memory.
 */
export class StoreFinanceSource implements FinanceOrderSource {
  constructor(private readonly store: StoreDb) {}

  async *orders(range: FinanceRange): AsyncIterable<CanonicalOrder> {
    yield* this.pass(range, 'paid');
    yield* this.pass(range, 'refunded');
    yield* this.historical(range, 'paid');
    yield* this.historical(range, 'refunded');
  }

  /**
   * Imported orders (historical_orders), by the same two passes. An imported order the lifecycle
   * also has (same channel and id) is the lifecycle's: counted once, from its projection.
   */
  private async *historical(range: FinanceRange, which: 'paid' | 'refunded'): AsyncIterable<CanonicalOrder> {
    let after: [string, string] = ['', ''];
    for (;;) {
      let q = this.store.db
        .selectFrom('historical_orders as h')
        .select(['h.channel', 'h.platform_order_id', 'h.canonical'])
        .where(sql<boolean>`(h.channel, h.platform_order_id) > (${after[0]}, ${after[1]})`)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('orders as o').select('o.workflow_id').whereRef('o.channel', '=', 'h.channel').whereRef('o.platform_order_id', '=', 'h.platform_order_id'))));
      if (which === 'paid') q = q.where('h.paid_at', '>=', range.from).where('h.paid_at', '<', range.to);
      else
        q = q
          .where((eb) => eb.or([eb('h.paid_at', 'is', null), eb('h.paid_at', '<', range.from), eb('h.paid_at', '>=', range.to)]))
          .where('h.created_at', '<', range.to)
          .where(sql<boolean>`jsonb_path_exists(h.canonical, '$.lines[*].refunds[*]')`);
      const rows = await q.orderBy('h.channel').orderBy('h.platform_order_id').limit(BATCH).execute();
      for (const r of rows) {
        const o = CanonicalOrder.safeParse(r.canonical);
        if (!o.success) throw new FinanceSourceError(`historical order ${r.channel}:${r.platform_order_id}: ${o.error.issues[0]?.path.join('.') ?? ''} ${o.error.issues[0]?.message ?? 'invalid'}`);
        yield o.data;
      }
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) return;
      after = [last.channel, last.platform_order_id];
    }
  }

  private async *pass(range: FinanceRange, which: 'paid' | 'refunded'): AsyncIterable<CanonicalOrder> {
    let after = '';
    for (;;) {
      let q = this.store.db.selectFrom('orders').select(['workflow_id', 'canonical']).where('workflow_id', '>', after);
      if (which === 'paid') q = q.where('paid_at', '>=', range.from).where('paid_at', '<', range.to);
      else
        q = q
          .where((eb) => eb.or([eb('paid_at', 'is', null), eb('paid_at', '<', range.from), eb('paid_at', '>=', range.to)]))
          .where('received_at', '<', range.to)
          .where(sql<boolean>`jsonb_path_exists(canonical, '$.lines[*].refunds[*]')`);
      const rows = await q.orderBy('workflow_id').limit(BATCH).execute();
      for (const r of rows) {
        const o = CanonicalOrder.safeParse(r.canonical);
        // A stored order that no longer parses would be left out silently: stop and name it.
        if (!o.success) throw new FinanceSourceError(`stored order ${r.workflow_id}: ${o.error.issues[0]?.path.join('.') ?? ''} ${o.error.issues[0]?.message ?? 'invalid'}`);
        yield o.data;
      }
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) return;
      after = last.workflow_id;
    }
  }
}
