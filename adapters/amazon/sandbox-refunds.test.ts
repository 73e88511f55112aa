import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { ChannelConfig } from '../../src/config/schema.js';
import { amazonPulledCase } from '../../src/after-sales/platforms/amazon.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import amazon from './index.js';
import { sandbox, type AmazonSandbox } from './sandbox.js';

/** The real Amazon adapter's aftersales.pull against the SP-API sandbox over 127.0.0.1 (Finances listFinancialEvents), each refund read as its case. */
const HOUR = 3600_000;
const T0 = new Date(Date.now() - 10 * HOUR);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const ORDER = '111-0000009-0000001';

let sb: AmazonSandbox;
let a: AdapterInstance;

function channel(): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id: 'amz-us', adapter: 'youzan', shop: 'amz-shop', connector: 'c', mapping: 'youzan/order.v1', currency: 'USD' }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}

async function pullAll(start: Date, end: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  let page: string | undefined;
  for (let calls = 0; calls < 20; calls++) {
    const r = (await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { refunds: unknown[]; nextPage: string | null };
    out.push(...r.refunds);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
  throw new Error('more than 20 pages');
}

beforeAll(async () => {
  sb = await sandbox.start({ ordersPageSize: 2 });
  sb.placeOrder({ id: ORDER, currency: 'USD', lines: [{ sku: 'AMZ-RF-1', qty: 2, price: 1299 }, { sku: 'AMZ-RF-2', qty: 1, price: 500 }], updatedAt: at(0) });
  a = await amazon.create(amazon.configSchema.parse({ ...sb.connectorConfig(), timeoutMs: 2000 }), testDeps(new Date()));
});
afterAll(async () => {
  await a.close();
  await sb.close();
});

describe('amazon aftersales.pull (listFinancialEvents RefundEventList)', () => {
  it('lists every refund posted in the window over NextToken pages; each opens a refunded case on its order line', async () => {
    sb.refundOrder({ orderId: ORDER, sku: 'AMZ-RF-1', qty: 1, postedAt: at(10) });
    sb.refundOrder({ orderId: ORDER, sku: 'AMZ-RF-2', postedAt: at(11) });
    sb.refundOrder({ orderId: ORDER, sku: 'AMZ-RF-1', qty: 1, amount: 1000, postedAt: at(12) });
    sb.refundOrder({ orderId: ORDER, postedAt: at(90) }); // outside the window
    const rows = await pullAll(at(0), at(60));
    expect(rows).toHaveLength(3);
    const cases = rows.map((record) => amazonPulledCase({ channel: channel(), record }));
    const item = sb.state().orders.find((o) => o.id === ORDER)?.items.find((i) => i.sku === 'AMZ-RF-1')?.orderItemId;
    expect(cases[0]).toMatchObject({
      platform: 'amazon',
      orderKey: `amz-us:${ORDER}`,
      type: 'refund_only',
      lines: [{ lineId: item, sku: 'AMZ-RF-1', qty: 1 }],
      amount: { minor: 1299, currency: 'USD' },
      first: { status: 'refunded', refund: { minor: 1299, currency: 'USD' } },
    });
    expect(cases.map((c) => (c instanceof Error ? c.message : c.amount?.minor))).toEqual([1299, 500, 1000]);
    // Two refunds of the same line are two cases; the same refund read again is the same case and message.
    const keys = cases.map((c) => (c instanceof Error ? c.message : c.caseKey));
    expect(new Set(keys).size).toBe(3);
    const again = (await pullAll(at(0), at(60))).map((record) => amazonPulledCase({ channel: channel(), record }));
    expect(again).toEqual(cases);
  });

  it('refuses a window ending less than 2 minutes ago before any call; a refund event it cannot read names the field', async () => {
    const err = await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: new Date(Date.now() - HOUR).toISOString(), end: new Date().toISOString() } }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable, /PostedBefore/.test(err.message)]).toEqual(['invalid_input', false, true]);
    const good = sb.refundOrder({ orderId: ORDER, postedAt: at(200) });
    expect(amazonPulledCase({ channel: channel(), record: { ...good, PostedDate: 'monday' } })).toEqual(expect.objectContaining({ message: expect.stringMatching(/^amazon refund event: PostedDate: /) }));
    expect(amazonPulledCase({ channel: channel(), record: { ...good, ShipmentItemAdjustmentList: [] } })).toEqual(expect.objectContaining({ message: expect.stringMatching(/ShipmentItemAdjustmentList: /) }));
    const cents = { ...good, ShipmentItemAdjustmentList: [{ OrderItemId: '1', ItemChargeAdjustmentList: [{ ChargeType: 'Principal', ChargeAmount: { CurrencyCode: 'USD', CurrencyAmount: -1.234 } }] }] };
    expect(amazonPulledCase({ channel: channel(), record: cents })).toEqual(expect.objectContaining({ message: expect.stringMatching(/CurrencyAmount: .*more decimals/) }));
    expect(() => sb.refundOrder({ orderId: 'nope' })).toThrow(/orderId: no order nope/);
  });
});
