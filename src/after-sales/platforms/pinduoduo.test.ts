import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { ChannelConfig } from '../../config/schema.js';
import { pinduoduoPulledCase } from './pinduoduo.js';

function channel(id: string): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id, adapter: 'youzan', shop: 'pdd-shop', connector: 'c', mapping: 'youzan/order.v1', currency: 'CNY' }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}

const row = { id: 9100000001, order_sn: '261205-000000000000001', after_sales_type: 3, after_sales_status: 3, refund_amount: '59.90', sku_id: '1200000000001', goods_number: 2, updated_time: '2026-12-05 10:00:00' };

describe('pinduoduo pulled after-sales', () => {
  it('a 退货退款 row opens a return-and-refund case keyed by the after-sales id, on the order and its sku_id line', () => {
    expect(pinduoduoPulledCase({ channel: channel('pdd-main'), record: row })).toEqual({
      caseKey: 'after-sales:pinduoduo:9100000001',
      platform: 'pinduoduo',
      channel: 'pdd-main',
      shop: 'pdd-shop',
      platformCaseId: '9100000001',
      orderKey: 'pdd-main:261205-000000000000001',
      type: 'return_and_refund',
      lines: [{ lineId: '1200000000001', sku: null, qty: 2 }],
      amount: { minor: 5990, currency: 'CNY' },
      reason: null,
      openedAt: '2026-12-05T10:00:00+08:00',
      openedBy: { kind: 'platform', actor: 'pinduoduo' },
      first: { messageId: 'pinduoduo-pull:9100000001:3:2026-12-05 10:00:00', status: 'requested', platformStatus: 'after_sales_status 3', at: '2026-12-05T10:00:00+08:00' },
    });
  });

  it.each([
    [4, 'agreed'],
    [6, 'refused'],
    [7, 'awaiting_return'],
    [10, 'refunded'],
    [11, 'closed'],
    [9, 'closed'],
    [8, 'updated'],
  ])('after_sales_status %s is %s', (s, status) => {
    expect(pinduoduoPulledCase({ channel: channel('pdd'), record: { ...row, after_sales_status: s } })).toMatchObject({ first: { status } });
  });

  it('refund done carries the amount; the same row read twice is the same message, a new status a new one', () => {
    const a = pinduoduoPulledCase({ channel: channel('pdd'), record: { ...row, after_sales_status: 10 } });
    expect(a).toMatchObject({ first: { refund: { minor: 5990, currency: 'CNY' } } });
    const b = pinduoduoPulledCase({ channel: channel('pdd'), record: { ...row, after_sales_status: 10 } });
    const c = pinduoduoPulledCase({ channel: channel('pdd'), record: row });
    expect([(a as { first: { messageId: string } }).first.messageId === (b as { first: { messageId: string } }).first.messageId, (a as { first: { messageId: string } }).first.messageId === (c as { first: { messageId: string } }).first.messageId]).toEqual([true, false]);
  });

  it.each([
    [{ ...row, id: undefined }, /^pdd refund: id: /],
    [{ ...row, order_sn: '' }, /^pdd refund: order_sn: /],
    [{ ...row, id: 2 ** 60 }, /id: unsafe integer id/],
    [{ ...row, after_sales_status: 'x' }, /after_sales_status: /],
  ])('a row that cannot be read is an error naming its field (%#)', (record, msg) => {
    const r = pinduoduoPulledCase({ channel: channel('pdd'), record });
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(msg);
  });

  it('2 仅退款, 4 换货, 5 补寄', () => {
    expect([2, 4, 5].map((t) => (pinduoduoPulledCase({ channel: channel('pdd'), record: { ...row, after_sales_type: t } }) as { type: string }).type)).toEqual(['refund_only', 'exchange', 'reissue']);
  });
});
