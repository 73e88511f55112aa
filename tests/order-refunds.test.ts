import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { CanonicalOrder } from '../src/canonical/order.js';
import { FinanceConfig } from '../src/finance/config.js';
import { NOTE, reconcile, type DetailRow } from '../src/finance/reconcile.js';
import { createLogger } from '../src/logger.js';
import { OrderRefundRecord, recordOrderRefund } from '../src/store/db/order-refunds.js';
import { OrderStore } from '../src/store/db/order-store.js';
import type { OrderProjection } from '../src/store/db/projection.js';
import { canonicalOrder } from './support/lifecycle-builders.js';
import { testSchema } from './support/store.js';

/**
 * Taobao/Pinduoduo orders say a line was refunded but not how much; the after-sales case records
 * the amount (order_refunds) and the reconciliation counts it, on real PostgreSQL, totals by hand.
 */
const logger = createLogger({ level: 'silent' });
const cny = (minor: number) => ({ minor, currency: 'CNY' });

let store: OrderStore;
beforeAll(async () => {
  store = await OrderStore.open({ url: inject('hubDatabaseUrl'), schema: testSchema(), logger });
});
afterAll(async () => {
  await store?.close();
});

/** The builder's order (L1 29,900 + L2 9,900 = 39,800 paid), paid at `paidAt`, lines refunded as given. */
function order(paidAt: string, lines: Record<string, { status: 'refunded' | 'none'; own?: { minor: number; at: string } }>): CanonicalOrder {
  const o = canonicalOrder({ channel: 'tb-fin' });
  return {
    ...o,
    source: { ...o.source, receivedAt: paidAt },
    paidAt,
    lines: o.lines.map((l) => {
      const s = lines[l.lineId];
      if (!s) return l;
      return { ...l, refundStatus: s.status, ...(s.own ? { refunds: [{ refundId: `own-${l.lineId}`, amount: cny(s.own.minor), refundedAt: s.own.at }] } : {}) };
    }),
  };
}

const wf = (o: CanonicalOrder) => `order:tb-fin:${o.source.platformOrderId}`;
async function save(o: CanonicalOrder): Promise<void> {
  const p: OrderProjection = { workflowId: wf(o), seq: 1, orderKey: `tb-fin:${o.source.platformOrderId}`, state: 'paid', platformStatus: o.platformStatus, order: o, timeline: [], hold: null, waybillNo: null, carrier: null, confirmedWaybill: null, at: o.paidAt ?? '' };
  await store.project(p);
}
const caseRefund = (o: CanonicalOrder, caseKey: string, lineIds: string[], minor: number, refundedAt: string): OrderRefundRecord => ({ workflowId: wf(o), caseKey, platformCaseId: caseKey.split(':').at(-1) ?? null, lineIds, amount: cny(minor), refundedAt });

async function month(m: string): Promise<{ summary: Awaited<ReturnType<typeof reconcile>>; rows: DetailRow[] }> {
  const rows: DetailRow[] = [];
  const summary = await reconcile(store.financeSource(), { month: m, config: FinanceConfig.parse({}) }, (r) => void rows.push(r));
  return { summary, rows };
}

describe('finance counts refunds recorded by after-sales cases (real PostgreSQL)', () => {
  // A: paid in November, both lines refunded on the platform, amounts only from two cases:
  //    L1 29,900 on 2026-11-30 23:30 +08:00 (November), L2 9,900 on 2026-12-01 00:10 +08:00
  //    (still 30 November in UTC: December at the accounting offset).
  const a = order('2026-11-10T10:00:00+08:00', { L1: { status: 'refunded' }, L2: { status: 'refunded' } });
  // B: paid in October, L1 carries its own refund of 500 on 5 November; a case for the same line
  //    reports 29,900: the order's own amount is counted, never both.
  const b = order('2026-10-20T10:00:00+08:00', { L1: { status: 'refunded', own: { minor: 500, at: '2026-11-05T12:00:00+08:00' } } });
  // C: paid in November, L1 refunded, no case recorded yet: flagged, nothing counted.
  const c = order('2026-11-12T10:00:00+08:00', { L1: { status: 'refunded' } });
  // D: paid in October, a case naming no line refunds 9,900 on 15 November: a refund-only row.
  const d = order('2026-10-25T10:00:00+08:00', { L2: { status: 'refunded' } });

  beforeAll(async () => {
    for (const o of [a, b, c, d]) await save(o);
    const records = [
      caseRefund(a, 'after-sales:taobao:A1', ['L1'], 29_900, '2026-11-30T23:30:00+08:00'),
      caseRefund(a, 'after-sales:taobao:A2', ['L2'], 9_900, '2026-12-01T00:10:00+08:00'),
      caseRefund(b, 'after-sales:taobao:B1', ['L1'], 29_900, '2026-11-05T12:00:00+08:00'),
      caseRefund(d, 'after-sales:taobao:D1', [], 9_900, '2026-11-15T09:00:00+08:00'),
    ];
    for (const r of records) expect(await recordOrderRefund(store.db, OrderRefundRecord.parse(r))).toBe(true);
  });

  it('keeps one record per case: a retry with other figures changes nothing', async () => {
    expect(await recordOrderRefund(store.db, caseRefund(a, 'after-sales:taobao:A1', ['L1'], 1, '2026-11-01T00:00:00+08:00'))).toBe(false);
    const row = await store.db.db.selectFrom('order_refunds').selectAll().where('case_key', '=', 'after-sales:taobao:A1').executeTakeFirstOrThrow();
    expect([row.amount_minor, row.refunded_at.toISOString()]).toEqual([29_900, '2026-11-30T15:30:00.000Z']);
  });

  it('counts November: sales of A and C (2 x 39,800), refunds 29,900 (A) + 500 (B) + 9,900 (D); only C is flagged', async () => {
    const { summary, rows } = await month('2026-11');
    expect(summary.totals).toEqual([expect.objectContaining({ currency: 'CNY', orders: 2, received: 79_600n, refunds: 40_300n, net: 79_600n - 40_300n })]);
    expect(summary.refundsWithoutAmounts).toBe(1);
    const byOrder = (o: CanonicalOrder) => rows.filter((r) => r.platformOrderId === o.source.platformOrderId).map((r) => [r.day, r.received, r.refunds, r.note]);
    expect(byOrder(a)).toEqual([
      ['2026-11-10', 39_800n, 0n, ''],
      ['2026-11-30', 0n, 29_900n, ''],
    ]);
    expect(byOrder(b)).toEqual([['2026-11-05', 0n, 500n, '']]);
    expect(byOrder(c)).toEqual([['2026-11-12', 39_800n, 0n, NOTE.REFUND_WITHOUT_AMOUNT]]);
    expect(byOrder(d)).toEqual([['2026-11-15', 0n, 9_900n, '']]);
  });

  it('counts the refund paid out after local midnight on 30 November in December', async () => {
    const { summary, rows } = await month('2026-12');
    expect(rows.map((r) => [r.platformOrderId, r.day, r.refunds])).toEqual([[a.source.platformOrderId, '2026-12-01', 9_900n]]);
    expect(summary.totals).toEqual([expect.objectContaining({ currency: 'CNY', orders: 0, received: 0n, refunds: 9_900n })]);
  });

  it('refuses a record without an offset on its time or with a non-positive amount, naming the field', () => {
    const bad = OrderRefundRecord.safeParse({ ...caseRefund(a, 'k', [], 100, '2026-11-30T23:30:00'), amount: cny(0) });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['amount.minor', 'refundedAt']);
  });
});
