import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { DouyinTransport } from '../transport.js';
import { pullOrders } from './order-pull.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new DouyinTransport({ appKey: 'k', appSecret: 's', accessToken: 't', baseUrl: 'https://dy.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const window = { start: '2024-05-01T01:30:00Z', end: '2024-05-01T02:00:00Z' };
const IDS = Array.from({ length: 7 }, (_, i) => `691234567890123456${i}`);

function api(pages: number[], details: string[]) {
  return [
    http.post('https://dy.test/order/searchList', async ({ request }) => {
      const p = z.object({ page: z.number(), size: z.number(), update_time_start: z.number(), update_time_end: z.number() }).parse(JSON.parse(await request.text()));
      pages.push(p.page);
      expect([p.update_time_start, p.update_time_end]).toEqual([1714527000, 1714528800]);
      const slice = IDS.slice(p.page * p.size, (p.page + 1) * p.size);
      return HttpResponse.text(`{"err_no":0,"code":10000,"data":{"total":${IDS.length},"shop_order_list":[${slice.map((id) => `{"order_id":${id}}`).join(',')}]}}`);
    }),
    http.post('https://dy.test/order/orderDetail', async ({ request }) => {
      const p = z.object({ shop_order_id: z.string() }).parse(JSON.parse(await request.text()));
      details.push(p.shop_order_id);
      return HttpResponse.json({ err_no: 0, code: 10000, data: { shop_order_detail: { order_id: p.shop_order_id, sku_order_list: [] } } });
    }),
  ];
}

describe('douyin order.pull', () => {
  it('page 0 for the total, then the last page, backwards to 0; ids exact; data wrapper kept', async () => {
    const pages: number[] = [];
    const details: string[] = [];
    server.use(...api(pages, details));
    const deps = { transport, pageSize: 3 };
    const ctx = testContext();
    const a = await pullOrders(deps, { window }, ctx);
    expect(pages).toEqual([0, 2]);
    // One rate-limit token per request: the two list requests and the page's one detail.
    expect(ctx.limited).toEqual(['order.searchList', 'order.searchList', 'order.orderDetail']);
    expect(a.nextPage).toBe(1);
    expect(a.highWater).toBeNull();
    expect(a.orders).toEqual([{ data: { shop_order_detail: { order_id: IDS[6], sku_order_list: [] } } }]);
    const b = await pullOrders(deps, { window, page: 1 }, testContext());
    const c = await pullOrders(deps, { window, page: 0 }, testContext());
    expect([b.nextPage, c.nextPage, c.highWater]).toEqual([0, null, '2024-05-01T02:00:00.000Z']);
    expect(details.sort()).toEqual([...IDS].sort());
  });
  it('a rate-limit answer is retryable, a business refusal is not', async () => {
    server.use(http.post('https://dy.test/order/searchList', () => HttpResponse.json({ err_no: 1, code: 90000, msg: '请求过于频繁，请稍后重试' })));
    const e1 = await pullOrders({ transport, pageSize: 100 }, { window }, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && e1.retryable).toBe(true);
    server.use(http.post('https://dy.test/order/searchList', () => HttpResponse.json({ err_no: 1, code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid' })));
    const e2 = await pullOrders({ transport, pageSize: 100 }, { window }, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(false);
  });
});
