import { describe, expect, it } from 'vitest';
import { CanonicalOrder } from '../canonical/order.js';
import { withCaseRefunds, type CaseRefund } from './case-refunds.js';

const cny = (minor: number) => ({ minor, currency: 'CNY' });
const line = (lineId: string, own?: number) => ({ lineId, merchantSku: `SKU-${lineId}`, title: lineId, quantity: 1, unitPrice: cny(1000), lineTotal: cny(1000), discount: cny(0), refundStatus: 'refunded', ...(own ? { refunds: [{ refundId: `own-${lineId}`, amount: cny(own), refundedAt: '2026-11-02T10:00:00+08:00' }] } : {}) });
const order = (...lines: ReturnType<typeof line>[]) =>
  CanonicalOrder.parse({
    schemaVersion: 1,
    source: { platform: 'taobao', channel: 'tb-main', shop: 's', platformOrderId: 'T9', receivedAt: '2026-11-01T10:00:00+08:00' },
    status: 'paid',
    platformStatus: 'WAIT_SELLER_SEND_GOODS',
    orderType: 'normal',
    createdAt: '2026-11-01T10:00:00+08:00',
    paidAt: '2026-11-01T10:00:00+08:00',
    currency: 'CNY',
    totals: { goods: cny(2000), freight: cny(0), discount: cny(0), paid: cny(2000) },
    lines,
    recipient: { name: { masked: '张*' }, phone: { masked: '138****0000' } },
    address: { country: 'CN', province: null, city: null, district: null },
  });
const refund = (caseKey: string, lineIds: string[], minor: number, currency = 'CNY'): CaseRefund => ({ caseKey, platformCaseId: caseKey, lineIds, amount: { minor, currency }, refundedAt: '2026-11-03T10:00:00+08:00' });
const amounts = (o: CanonicalOrder) => o.lines.map((l) => [l.lineId, (l.refunds ?? []).map((r) => r.amount.minor)]);

describe('case refunds added to an order for finance', () => {
  it('fills a line without an amount and leaves a line with its own amount as the platform gave it', () => {
    const merged = withCaseRefunds(order(line('L1', 300), line('L2')), [refund('c1', ['L1'], 1000), refund('c2', ['L2'], 700)]);
    expect(amounts(merged)).toEqual([
      ['L1', [300]],
      ['L2', [700]],
    ]);
    expect(merged.lines[1]?.refunds?.[0]).toEqual({ refundId: 'c2', amount: cny(700), refundedAt: '2026-11-03T10:00:00+08:00' });
  });

  it('puts a case naming no line of the order on its first line, unless a line already has its own amounts', () => {
    expect(amounts(withCaseRefunds(order(line('L1'), line('L2')), [refund('c1', [], 500), refund('c2', ['X'], 200)]))).toEqual([
      ['L1', [500, 200]],
      ['L2', []],
    ]);
    expect(amounts(withCaseRefunds(order(line('L1'), line('L2', 400)), [refund('c1', [], 500)]))).toEqual([
      ['L1', []],
      ['L2', [400]],
    ]);
  });

  it('leaves out a case in another currency than the order', () => {
    expect(amounts(withCaseRefunds(order(line('L1')), [refund('c1', ['L1'], 500, 'USD')]))).toEqual([['L1', []]]);
  });
});
