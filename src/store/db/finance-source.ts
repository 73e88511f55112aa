import { sql } from 'kysely';
import { CanonicalOrder } from '../../canonical/order.js';
import { FinanceSourceError, type FinanceOrderSource, type FinanceRange } from '../../finance/source.js';
import { z } from 'zod';
import { withCaseRefunds, type CaseRefund } from '../../finance/case-refunds.js';
import type { StoreDb } from './connect.js';

const BATCH = 500;
const LineIds = z.array(z.string());

/**
 * The reconciliation's orders from the order store: every order paid in the range, then every
 * order paid outside it (or never) that carries a line refund, since a refund counts in the month
 * it was paid out. The second pass reads all refunded orders received before the range's end and
 * lets the reconciliation keep those whose refunds fall in it (extra orders are harmless): exact,
 * and cheap while refunded orders are a small share. Keyset batches: a month never sits in memory.
 * Refunds after-sales cases recorded (order_refunds) are added to lines without amounts of their
 * own (src/finance/case-refunds.ts): Taobao and Pinduoduo orders give a refund status only.
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

  /** The refunds after-sales cases recorded for a batch of orders (order_refunds), by workflow id. */
  private async caseRefunds(workflowIds: string[]): Promise<Map<string, CaseRefund[]>> {
    const out = new Map<string, CaseRefund[]>();
    if (!workflowIds.length) return out;
    const rows = await this.store.db.selectFrom('order_refunds').selectAll().where('workflow_id', 'in', workflowIds).execute();
    for (const r of rows) {
      const lineIds = LineIds.safeParse(r.line_ids);
      if (!lineIds.success) throw new FinanceSourceError(`order refund of case ${r.case_key}: line_ids: ${lineIds.error.issues[0]?.message ?? 'invalid'}`);
      const list = out.get(r.workflow_id) ?? [];
      list.push({ caseKey: r.case_key, platformCaseId: r.platform_case_id, lineIds: lineIds.data, amount: { minor: r.amount_minor, currency: r.currency }, refundedAt: r.refunded_at.toISOString() });
      out.set(r.workflow_id, list);
    }
    return out;
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
          .where((eb) => eb.or([sql<boolean>`jsonb_path_exists(canonical, '$.lines[*].refunds[*]')`, eb.exists(eb.selectFrom('order_refunds as r').select('r.case_key').whereRef('r.workflow_id', '=', 'orders.workflow_id'))]));
      const rows = await q.orderBy('workflow_id').limit(BATCH).execute();
      const cases = await this.caseRefunds(rows.map((r) => r.workflow_id));
      for (const r of rows) {
        const o = CanonicalOrder.safeParse(r.canonical);
        // A stored order that no longer parses would be left out silently: stop and name it.
        if (!o.success) throw new FinanceSourceError(`stored order ${r.workflow_id}: ${o.error.issues[0]?.path.join('.') ?? ''} ${o.error.issues[0]?.message ?? 'invalid'}`);
        yield withCaseRefunds(o.data, cases.get(r.workflow_id) ?? []);
      }
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) return;
      after = last.workflow_id;
    }
  }
}
