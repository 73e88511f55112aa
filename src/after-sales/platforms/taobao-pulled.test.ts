import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { ChannelConfig } from '../../config/schema.js';
import { taobaoPulledCase } from './taobao-pulled.js';

function channel(id: string): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id, adapter: 'youzan', shop: 'tb-shop', connector: 'c', mapping: 'youzan/order.v1', currency: 'CNY' }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}
const row = { refund_id: '7000000000000000123', tid: '4012345678901234567', oid: '4012345678901234568', status: 'WAIT_BUYER_RETURN_GOODS', refund_fee: '59.90', has_good_return: true, reason: '七天无理由', created: '2026-12-05 09:00:00', modified: '2026-12-05 10:00:00' };

describe('taobao pulled refunds', () => {
  it('a refund with a return opens a return-and-refund case keyed by refund_id (the TMC key too), on the trade and its sub-order', () => {
    expect(taobaoPulledCase({ channel: channel('tb-main'), record: row })).toEqual({
      caseKey: 'after-sales:taobao:7000000000000000123',
      platform: 'taobao',
      channel: 'tb-main',
      shop: 'tb-shop',
      platformCaseId: '7000000000000000123',
      orderKey: 'tb-main:4012345678901234567',
      type: 'return_and_refund',
      lines: [{ lineId: '4012345678901234568', sku: null, qty: 0 }],
      amount: { minor: 5990, currency: 'CNY' },
      reason: '七天无理由',
      openedAt: '2026-12-05T09:00:00+08:00',
      openedBy: { kind: 'platform', actor: 'taobao' },
      first: { messageId: 'taobao-pull:7000000000000000123:WAIT_BUYER_RETURN_GOODS:2026-12-05 10:00:00', status: 'awaiting_return', platformStatus: 'WAIT_BUYER_RETURN_GOODS', at: '2026-12-05T10:00:00+08:00' },
    });
  });
  it.each([
    ['WAIT_SELLER_AGREE', 'requested'],
    ['WAIT_SELLER_CONFIRM_GOODS', 'return_shipped'],
    ['SELLER_REFUSE_BUYER', 'refused'],
    ['CLOSED', 'closed'],
    ['SUCCESS', 'refunded'],
    ['WAIT_SELLER_CONSIGN_GOODS', 'updated'],
  ])('%s is %s', (status, expected) => {
    expect(taobaoPulledCase({ channel: channel('tb'), record: { ...row, status } })).toMatchObject({ first: { status: expected } });
  });
  it('no return: refund only; a refund id rounded past 2^53 or missing is an error naming it', () => {
    expect(taobaoPulledCase({ channel: channel('tb'), record: { ...row, has_good_return: 'false' } })).toMatchObject({ type: 'refund_only' });
    expect((taobaoPulledCase({ channel: channel('tb'), record: { ...row, refund_id: 7e18 } }) as Error).message).toMatch(/^taobao refund: refund_id: /);
    expect((taobaoPulledCase({ channel: channel('tb'), record: { ...row, tid: undefined } }) as Error).message).toMatch(/tid: /);
  });
});
