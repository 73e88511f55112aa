import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { JdTransport } from '../transport.js';
import { pullOrders } from './order-pull.js';

const URL_ = 'https://jd.test/routerjson';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new JdTransport({ appKey: 'a', appSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const deps = { transport, pageSize: 2, orderStates: ['WAIT_SELLER_STOCK_OUT', 'TRADE_CANCELED'] };
const window = { start: '2024-05-01T01:30:00Z', end: '2024-05-01T02:00:00Z' };
const IDS = ['300000000001', '300000000002', '300000000003'];
const Biz = z.object({ page: z.string(), page_size: z.string(), dateType: z.number(), start_date: z.string(), end_date: z.string(), order_state: z.string(), optional_fields: z.string() });

describe('jd order.pull', () => {
  it('dateType 0, GMT+8 window, page 1 for the total then 2 and back; orders handed over as returned', async () => {
    const seen: z.output<typeof Biz>[] = [];
    server.use(
      http.post(URL_, async ({ request }) => {
        const biz = Biz.parse(JSON.parse(new URLSearchParams(await request.text()).get('360buy_param_json') ?? '{}'));
        seen.push(biz);
        const page = Number(biz.page);
        const list = IDS.slice((page - 1) * 2, page * 2).map((orderId) => ({ orderId, orderState: 'WAIT_SELLER_STOCK_OUT', itemInfoList: [] }));
        return HttpResponse.json({ jingdong_pop_order_search_responce: { code: '0', searchorderinfo_result: { apiResult: { success: true }, orderTotal: IDS.length, orderInfoList: list } } });
      }),
    );
    const a = await pullOrders(deps, { window }, testContext());
    expect(seen.map((b) => b.page)).toEqual(['1', '2']);
    expect(seen[0]).toMatchObject({ dateType: 0, start_date: '2024-05-01 09:30:00', end_date: '2024-05-01 10:00:00', order_state: 'WAIT_SELLER_STOCK_OUT,TRADE_CANCELED' });
    expect(seen[0]?.optional_fields).toContain('itemInfoList');
    expect(a).toEqual({ orders: [{ orderId: IDS[2], orderState: 'WAIT_SELLER_STOCK_OUT', itemInfoList: [] }], nextPage: 1, highWater: null });
    const b = await pullOrders(deps, { window, page: 1 }, testContext());
    expect([b.orders.length, b.nextPage, b.highWater]).toEqual([2, null, '2024-05-01T02:00:00.000Z']);
  });
  it('apiResult.success=false is rejected unless it says the system is busy', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ jingdong_pop_order_search_responce: { code: '0', searchorderinfo_result: { apiResult: { success: false, chineseErr: '参数错误', englishErr: 'invalid param' } } } })));
    const e1 = await pullOrders(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && e1.retryable).toBe(false);
    server.use(http.post(URL_, () => HttpResponse.json({ jingdong_pop_order_search_responce: { code: '0', searchorderinfo_result: { apiResult: { success: false, chineseErr: '系统繁忙' } } } })));
    const e2 = await pullOrders(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
  });
});
