import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import type { WeChatSandbox } from '../sandbox.js';
import type { WeChatTransport } from '../transport.js';
import { sandboxTransport } from './operations.test-helper.js';
import { getOrder } from './order-get.js';
import { pullOrders } from './order-pull.js';

let sb: WeChatSandbox;
let transport: WeChatTransport;
const now = Date.now();
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  for (let i = 1; i <= 3; i++) sb.placeOrder({ id: `370511505847120${9100 + i}`, lines: [{ sku: `SKU-${i}`, qty: 1, price: 1000 * i }], modifiedAt: new Date(now - i * 60_000) });
  sb.placeOrder({ id: '3705115058471200001', lines: [{ sku: 'OLD', qty: 1, price: 100 }], modifiedAt: new Date(now - 3 * 3600_000) });
});
afterAll(() => sb.close());
const window = { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() };

describe('wechat-channels order.pull / order.get', () => {
  it('pages through the window with next_key and fetches each order in full', async () => {
    const ctx = testContext();
    const first = await pullOrders({ transport, pageSize: 2 }, { window }, ctx);
    expect(first.orders.length).toBe(2);
    expect(typeof first.nextPage).toBe('string');
    expect(first.highWater).toBeNull();
    const second = await pullOrders({ transport, pageSize: 2 }, { window, page: first.nextPage }, ctx);
    expect(second.nextPage).toBeNull();
    expect(second.highWater).toBe(new Date(window.end).toISOString());
    const ids = [...first.orders, ...second.orders].map((o) => (o as { order: { order_id: string } }).order.order_id).sort();
    // int64 ids beyond 2^53 arrive exact, as strings; the order outside the window is not read.
    expect(ids).toEqual(['3705115058471209101', '3705115058471209102', '3705115058471209103']);
    expect(ctx.beats).toBe(3);
  });
  it('refuses a window longer than a day and a reversed one before any call, naming the field', async () => {
    const before = sb.server.requestCount;
    const long = pullOrders({ transport, pageSize: 2 }, { window: { start: new Date(now - 2 * 86400_000).toISOString(), end: window.end } }, testContext());
    await expect(long).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('window') });
    await expect(pullOrders({ transport, pageSize: 2 }, { window: { start: window.end, end: window.start } }, testContext())).rejects.toBeInstanceOf(AdapterError);
    expect(sb.server.requestCount).toBe(before);
  });
  it('order.get returns {order} for the mapping; an unknown order is rejected, a busy platform retryable', async () => {
    const got = await getOrder(transport, { orderId: '3705115058471209101' }, testContext());
    expect(got.order.order_detail.product_infos[0]).toMatchObject({ sku_code: 'SKU-1', sku_cnt: 1, sale_price: 1000 });
    await expect(getOrder(transport, { orderId: '1' }, testContext())).rejects.toMatchObject({ code: 'wechat_100002', retryable: false });
    sb.failNext({ errcode: -1, errmsg: 'system error' }, { path: '/channels/ec/order/get' });
    await expect(getOrder(transport, { orderId: '3705115058471209101' }, testContext())).rejects.toMatchObject({ retryable: true });
  });
  it('gets a new token after the platform revoked the old one', async () => {
    const before = sb.state().tokensIssued;
    sb.revokeTokens();
    await expect(getOrder(transport, { orderId: '3705115058471209101' }, testContext())).resolves.toBeDefined();
    expect(sb.state().tokensIssued).toBe(before + 1);
  });
});
