import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { DouyinTransport } from '../transport.js';
import { getOrder } from './order-get.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new DouyinTransport({ appKey: 'k', appSecret: 's', accessToken: 't', baseUrl: 'https://dy.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });

describe('douyin order.get', () => {
  it('reads order.orderDetail by shop_order_id, id exact beyond 2^53, in the shape order.pull returns', async () => {
    let asked: unknown;
    server.use(
      http.post('https://dy.test/order/orderDetail', async ({ request }) => {
        asked = JSON.parse(await request.text());
        return HttpResponse.text('{"err_no":0,"code":10000,"data":{"shop_order_detail":{"order_id":6912345678901234567,"order_status":2}}}');
      }),
    );
    const out = await getOrder(transport, { orderId: '6912345678901234567' }, testContext());
    expect(asked).toEqual({ shop_order_id: '6912345678901234567' });
    expect(out).toEqual({ data: { shop_order_detail: { order_id: '6912345678901234567', order_status: 2 } } });
  });
  it('refuses a bad input and a business error without retry; a rate limit is retryable', async () => {
    await expect(getOrder(transport, { orderId: 'abc' }, testContext())).rejects.toMatchObject({ retryable: false });
    server.use(http.post('https://dy.test/order/orderDetail', () => HttpResponse.json({ err_no: 1, code: 40004, msg: '参数不合法', sub_code: 'isv.parameter-invalid' })));
    const e1 = await getOrder(transport, { orderId: '1' }, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && !e1.retryable).toBe(true);
    server.use(http.post('https://dy.test/order/orderDetail', () => HttpResponse.json({ err_no: 1, code: 90000, msg: '请求过于频繁' })));
    const e2 = await getOrder(transport, { orderId: '1' }, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
  });
});
