import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { ChannelConfig } from '../../config/schema.js';
import { jdPulledCase } from './jd.js';

function channel(): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id: 'jd-main', adapter: 'youzan', shop: 'jd-shop', connector: 'c', mapping: 'youzan/order.v1', currency: 'CNY' }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}

const row = { serviceId: 1900000001, orderId: 300223456789, skuId: 100000000001, serviceCount: 1, customerExpect: 10, serviceStatus: 10, updateTime: '2026-12-05 10:00:00' };
const read = (record: unknown) => jdPulledCase({ channel: channel(), record });

describe('jd pulled after-sales (jingdong.asc.query.list)', () => {
  it('a return request opens a return-and-refund case keyed by the serviceId, on the order and its skuId line', () => {
    expect(read(row)).toEqual({
      caseKey: 'after-sales:jd:1900000001',
      platform: 'jd',
      channel: 'jd-main',
      shop: 'jd-shop',
      platformCaseId: '1900000001',
      orderKey: 'jd-main:300223456789',
      type: 'return_and_refund',
      lines: [{ lineId: '100000000001', sku: null, qty: 1 }],
      amount: null,
      reason: null,
      openedAt: '2026-12-05T10:00:00+08:00',
      openedBy: { kind: 'platform', actor: 'jd' },
      first: { messageId: 'jd-pull:1900000001:10:2026-12-05 10:00:00', status: 'requested', platformStatus: 'serviceStatus 10', at: '2026-12-05T10:00:00+08:00' },
    });
  });

  it.each([
    [20, 10, 'refused'],
    [22, 10, 'updated'],
    [31, 10, 'updated'],
    [34, 10, 'agreed'],
    [50, 10, 'refunded'],
    [50, 20, 'closed'],
    [60, 10, 'closed'],
    [77, 10, 'updated'],
  ])('serviceStatus %s (customerExpect %s) is %s', (serviceStatus, customerExpect, status) => {
    expect(read({ ...row, serviceStatus, customerExpect })).toMatchObject({ first: { status } });
  });

  it('an epoch-millisecond updateTime is read as that instant', () => {
    expect(read({ ...row, updateTime: Date.parse('2026-12-05T02:00:00Z') })).toMatchObject({ openedAt: '2026-12-05T02:00:00.000Z' });
  });

  it.each([
    [{ ...row, serviceId: undefined }, /^jd after-sales service: serviceId: /],
    [{ ...row, orderId: 'x1' }, /orderId: digits/],
    [{ ...row, serviceStatus: 'x' }, /serviceStatus: /],
    [{ ...row, updateTime: 'yesterday' }, /updateTime: not a time/],
  ])('a row that cannot be read is an error naming its field (%#)', (record, msg) => {
    const r = read(record);
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(msg);
  });
});
