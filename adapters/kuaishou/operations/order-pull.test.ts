import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import type { KuaishouSandbox } from '../sandbox.js';
import type { KuaishouTransport } from '../transport.js';
import { sandboxTransport } from './operations.test-helper.js';
import { getOrder } from './order-get.js';
import { pullOrders } from './order-pull.js';

let sb: KuaishouSandbox;
let transport: KuaishouTransport;
const now = Date.now();
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  for (let i = 1; i <= 3; i++) sb.placeOrder({ id: `201560025620985${1000 + i}`, lines: [{ sku: `SKU-${i}`, qty: 1, price: 1000 * i }], modifiedAt: new Date(now - i * 60_000) });
  sb.placeOrder({ id: '2015600256209850001', lines: [{ sku: 'OLD', qty: 1, price: 100 }], modifiedAt: new Date(now - 5 * 3600_000) });
});
afterAll(() => sb.close());
const window = { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() };

describe('kuaishou order.pull / order.get', () => {
  it('follows the cursor until "nomore"; every row is a whole order with exact int64 ids', async () => {
    const first = await pullOrders({ transport, pageSize: 2 }, { window }, testContext());
    expect(first.orders.length).toBe(2);
    expect(typeof first.nextPage).toBe('string');
    const second = await pullOrders({ transport, pageSize: 2 }, { window, page: first.nextPage }, testContext());
    expect(second.nextPage).toBeNull();
    expect(second.highWater).toBe(new Date(window.end).toISOString());
    const ids = [...first.orders, ...second.orders].map((o) => (o as { orderBaseInfo: { oid: string } }).orderBaseInfo.oid).sort();
    expect(ids).toEqual(['2015600256209851001', '2015600256209851002', '2015600256209851003']);
  });
  it('refuses a window longer than a day before any call, naming the field', async () => {
    const before = sb.server.requestCount;
    await expect(pullOrders({ transport, pageSize: 2 }, { window: { start: new Date(now - 2 * 86400_000).toISOString(), end: window.end } }, testContext())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('window') });
    expect(sb.server.requestCount).toBe(before);
  });
  it('order.get returns the detail document; an unknown order is rejected, a QPS limit retryable', async () => {
    const got = await getOrder(transport, { orderId: '2015600256209851001' }, testContext());
    expect(got).toMatchObject({ orderBaseInfo: { oid: '2015600256209851001', totalFee: 1000 }, orderItemInfo: { skuNick: 'SKU-1' } });
    await expect(getOrder(transport, { orderId: '1' }, testContext())).rejects.toMatchObject({ code: 'kuaishou_100', retryable: false });
    sb.failNext({ result: 803, error_msg: 'Exceed qps limit, KEY [apiId:open.order.detail]' }, { method: 'open.order.detail' });
    await expect(getOrder(transport, { orderId: '2015600256209851001' }, testContext())).rejects.toMatchObject({ retryable: true });
  });
});
