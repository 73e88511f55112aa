import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { DouyinTransport } from '../transport.js';
import { confirmShipment } from './shipment-confirm.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new DouyinTransport({ appKey: 'k', appSecret: 's', accessToken: 't', baseUrl: 'https://dy.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });

describe('douyin shipment.confirm', () => {
  it('sends order.logisticsAdd with order id, company code and tracking number', async () => {
    let sent: unknown;
    server.use(
      http.post('https://dy.test/order/logisticsAdd', async ({ request }) => {
        sent = JSON.parse(await request.text());
        return HttpResponse.json({ err_no: 0, code: 10000, msg: 'success', data: {} });
      }),
    );
    await expect(confirmShipment(transport, { orderId: '6912345678901234567', trackingNumber: 'SF1', carrierCode: 'shunfeng' }, testContext())).resolves.toEqual({ confirmed: true });
    expect(sent).toEqual({ company_code: 'shunfeng', logistics_code: 'SF1', order_id: '6912345678901234567' });
  });
  it('a refusal is rejected, an unavailable service retryable, bad input rejected before any call', async () => {
    server.use(http.post('https://dy.test/order/logisticsAdd', () => HttpResponse.json({ err_no: 1, code: 50002, msg: '业务处理失败', sub_code: 'isv.business-failed', sub_msg: '订单状态不允许发货' })));
    const e1 = await confirmShipment(transport, { orderId: '1', trackingNumber: 'x', carrierCode: 'y' }, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && e1.retryable).toBe(false);
    server.use(http.post('https://dy.test/order/logisticsAdd', () => HttpResponse.json({ err_no: 1, code: 20000, msg: '服务不可用' })));
    const e2 = await confirmShipment(transport, { orderId: '1', trackingNumber: 'x', carrierCode: 'y' }, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
    const e3 = await confirmShipment(transport, { orderId: '1', carrierCode: 'y' }, testContext()).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && e3.code).toBe('invalid_input');
  });
});
