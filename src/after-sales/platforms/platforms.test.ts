import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { ChannelConfig } from '../../config/schema.js';
import { douyinCase } from './douyin.js';
import { shopifyRefundCase } from './shopify.js';
import { youzanCase } from './youzan.js';
import { taobaoCase } from './taobao.js';
import { parseTmcMessage } from '../../../adapters/taobao/tmc.js';

function channel(id: string, currency = 'CNY'): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id, adapter: 'youzan', shop: 'shop-1', connector: 'c', mapping: 'youzan/order.v1', currency }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}

describe('douyin after-sales tags', () => {
  const data = { aftersale_id: '7300000000000000001', p_id: '6900000000000000001', s_id: '6900000000000000002', shop_id: 12345, aftersale_type: 0, aftersale_status: 6, refund_amount: 5990, update_time: 1_765_000_000 };
  const ev = (tag: string, d: unknown = data) => ({ messageId: `m-${tag}`, topic: tag, orderId: null, payload: { tag, data: d } });

  it('tag 200 opens a return-and-refund case on the parent order, keyed by the after-sales id', () => {
    expect(douyinCase({ channel: channel('dy-main'), event: ev('200') })).toMatchObject({
      caseKey: 'after-sales:douyin:7300000000000000001',
      orderKey: 'dy-main:6900000000000000001',
      type: 'return_and_refund',
      lines: [{ lineId: '6900000000000000002', sku: null }],
      amount: { minor: 5990, currency: 'CNY' },
      shop: '12345',
      openedAt: '2025-12-06T13:46:40+08:00',
      first: { messageId: 'm-200', status: 'requested', platformStatus: 'tag 200 status 6' },
    });
  });

  it.each([
    ['202', 'awaiting_return'],
    ['203', 'return_shipped'],
    ['206', 'refunded'],
    ['207', 'closed'],
    ['225', 'refunded'],
    ['211', 'updated'],
  ])('tag %s is %s', (tag, status) => {
    expect(douyinCase({ channel: channel('dy'), event: ev(tag) })).toMatchObject({ first: { status } });
  });

  it.each([
    [1, 'refund_only'],
    [3, 'exchange'],
    [7, 'reissue'],
    [99, 'complaint'],
  ])('aftersale_type %s is %s', (t, type) => {
    expect(douyinCase({ channel: channel('dy'), event: ev('200', { ...data, aftersale_type: t }) })).toMatchObject({ type });
  });

  it('leaves order tags alone and names the missing field of a bad after-sales message', () => {
    expect(douyinCase({ channel: channel('dy'), event: ev('101', { p_id: '1' }) })).toBeNull();
    const bad = douyinCase({ channel: channel('dy'), event: ev('200', { p_id: '1' }) });
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toMatch(/^douyin tag 200 data: aftersale_id: /);
  });
});

describe('youzan refund pushes', () => {
  const ev = (type: string, msg: Record<string, unknown>) => ({ messageId: `y-${type}`, topic: type, orderId: 'E1', payload: { type, order: msg } });
  it('trade_refund_BuyerCreated opens a case with the refund in fen and the sub-orders as lines', () => {
    const c = youzanCase({ channel: channel('yz-main'), event: ev('trade_refund_BuyerCreated', { tid: 'E2026', oids: '111,222', refund_id: '201912', refunded_fee: '12.30', refund_type: 'REFUND_AND_RETURN', refund_reason: '质量问题' }) });
    expect(c).toMatchObject({ caseKey: 'after-sales:youzan:201912', orderKey: 'yz-main:E2026', type: 'return_and_refund', amount: { minor: 1230, currency: 'CNY' }, lines: [{ lineId: '111' }, { lineId: '222' }], reason: '质量问题', first: { status: 'requested' } });
  });
  it('RefundSuccess is the refund done; order pushes are not cases', () => {
    expect(youzanCase({ channel: channel('yz'), event: ev('trade_refund_RefundSuccess', { tid: 'E1', refund_id: 9 }) })).toMatchObject({ first: { status: 'refunded' }, type: 'refund_only' });
    expect(youzanCase({ channel: channel('yz'), event: ev('trade_TradePaid', { tid: 'E1' }) })).toBeNull();
    expect((youzanCase({ channel: channel('yz'), event: ev('trade_refund_RefundSuccess', { refund_id: 9 }) }) as Error).message).toMatch(/tid: /);
  });
});

describe('shopify refunds/create', () => {
  const refund = { id: 509562969, order_id: 450789469, created_at: '2026-12-05T10:00:00-05:00', note: 'wrong size', refund_line_items: [{ line_item_id: 703073504, quantity: 1, restock_type: 'return', line_item: { sku: 'IPOD' } }], transactions: [{ kind: 'refund', status: 'success', amount: '41.94', currency: 'USD' }] };
  it('a paid refund with goods coming back: refunded, waiting for the return', () => {
    expect(shopifyRefundCase(channel('shop', 'USD'), refund, 'wh-1')).toMatchObject({ caseKey: 'after-sales:shopify:509562969', orderKey: 'shop:450789469', type: 'return_and_refund', returnExpected: true, amount: { minor: 4194, currency: 'USD' }, lines: [{ lineId: '703073504', sku: 'IPOD', qty: 1 }], first: { messageId: 'wh-1', status: 'refunded' } });
  });
  it('no restock: refund only; a failed transaction is no refund yet', () => {
    const c = shopifyRefundCase(channel('shop', 'USD'), { ...refund, refund_line_items: [{ line_item_id: 1, quantity: 1, restock_type: 'no_restock' }], transactions: [{ kind: 'refund', status: 'failure', amount: '1.00' }] }, null);
    expect(c).toMatchObject({ type: 'refund_only', amount: null, first: { status: 'requested', messageId: 'refund-509562969' } });
    expect(c).not.toHaveProperty('returnExpected');
  });
});

describe('taobao TMC refund messages', () => {
  // `content` as TMC sends it: a JSON string whose ids may be bare integers beyond 2^53.
  const tmc = (topic: string, content: Record<string, unknown> | string) => {
    const r = parseTmcMessage(JSON.stringify({ id: '9001', topic, pub_time: '2026-12-05 10:00:00', user_nick: 'shop', content: typeof content === 'string' ? content : JSON.stringify(content) }));
    if (!r.ok) throw new Error(r.reason);
    return r.event;
  };
  it('RefundCreated with a return bill opens a return-and-refund case on the trade, the sub-order as its line', () => {
    const ev = tmc('taobao_refund_RefundCreated', '{"tid": 3000000000000000001, "oid": 3000000000000000002, "refund_id": 77001, "refund_fee": "59.90", "bill_type": "return_bill", "refund_phase": "aftersale"}');
    expect(taobaoCase({ channel: channel('tb-main'), event: ev })).toMatchObject({ caseKey: 'after-sales:taobao:77001', orderKey: 'tb-main:3000000000000000001', type: 'return_and_refund', lines: [{ lineId: '3000000000000000002' }], amount: { minor: 5990 }, first: { messageId: '9001', status: 'requested' } });
  });
  it('RefundSuccess is the refund done; trade topics are not cases; a message without refund_id names it', () => {
    expect(taobaoCase({ channel: channel('tb'), event: tmc('taobao_refund_RefundSuccess', { tid: 1, refund_id: 2 }) })).toMatchObject({ first: { status: 'refunded' }, type: 'refund_only' });
    expect(taobaoCase({ channel: channel('tb'), event: tmc('taobao_trade_TradeBuyerPay', { tid: 1 }) })).toBeNull();
    expect((taobaoCase({ channel: channel('tb'), event: tmc('taobao_refund_RefundClosed', { tid: 1 }) }) as Error).message).toMatch(/refund_id: /);
  });
});
