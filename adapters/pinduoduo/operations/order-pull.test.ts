import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { PddTransport } from '../transport.js';
import { pullOrders } from './order-pull.js';

const URL_ = 'https://pdd.test/api/router';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const NOW = new Date('2024-05-01T02:00:00Z');
const transport = new PddTransport({ clientId: 'c', clientSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => NOW });
const deps = { transport, pageSize: 2, now: () => NOW };
const window = { start: '2024-05-01T01:27:00Z', end: '2024-05-01T01:57:00Z' };
const SNS = ['240501-000000000000001', '240501-000000000000002', '240501-000000000000003', '240501-000000000000004', '240501-000000000000005'];

function api(calls: URLSearchParams[]) {
  return http.post(URL_, async ({ request }) => {
    const f = new URLSearchParams(await request.text());
    calls.push(f);
    if (f.get('type') === 'pdd.order.number.list.increment.get') {
      const page = Number(f.get('page'));
      const size = Number(f.get('page_size'));
      return HttpResponse.json({ order_sn_increment_get_response: { total_count: SNS.length, has_next: false, order_sn_list: SNS.slice((page - 1) * size, page * size).map((order_sn) => ({ order_sn })) } });
    }
    return HttpResponse.json({ order_info_get_response: { order_info: { order_sn: f.get('order_sn'), item_list: [] } } });
  });
}

describe('pinduoduo order.pull', () => {
  it('unix-second window, page 1 for the count then 3, 2, 1; details per order_sn', async () => {
    const calls: URLSearchParams[] = [];
    server.use(api(calls));
    const ctx = testContext();
    const a = await pullOrders(deps, { window }, ctx);
    // One rate-limit token per request, named by its type: two lists, one detail per order_sn.
    expect(ctx.limited).toEqual(calls.map((c) => c.get('type')));
    expect(ctx.limited).toEqual(['pdd.order.number.list.increment.get', 'pdd.order.number.list.increment.get', 'pdd.order.information.get']);
    const lists = calls.filter((c) => c.get('type') === 'pdd.order.number.list.increment.get');
    expect(lists.map((c) => c.get('page'))).toEqual(['1', '3']);
    expect([lists[0]?.get('start_updated_at'), lists[0]?.get('end_updated_at'), lists[0]?.get('order_status'), lists[0]?.get('refund_status')]).toEqual(['1714526820', '1714528620', '5', '5']);
    expect(a).toEqual({ orders: [{ order_info_get_response: { order_info: { order_sn: SNS[4], item_list: [] } } }], nextPage: 2, highWater: null });
    const b = await pullOrders(deps, { window, page: 2 }, testContext());
    const c = await pullOrders(deps, { window, page: 1 }, testContext());
    expect([b.orders.length, b.nextPage, c.orders.length, c.nextPage, c.highWater]).toEqual([2, 1, 2, null, '2024-05-01T01:57:00.000Z']);
  });
  it('refuses a window closer than 3 minutes to now and one longer than 30 minutes', async () => {
    for (const w of [{ start: '2024-05-01T01:30:00Z', end: '2024-05-01T01:58:00Z' }, { start: '2024-05-01T01:00:00Z', end: '2024-05-01T01:31:00Z' }]) {
      const err = await pullOrders(deps, { window: w }, testContext()).catch((e: unknown) => e);
      expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['invalid_input', false]);
    }
  });
  it('PDD error bodies map through', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { error_code: 52101, error_msg: '服务繁忙' } })));
    const err = await pullOrders(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && err.retryable).toBe(true);
  });
});
