import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { JdTransport } from '../transport.js';
import { confirmShipment } from './shipment-confirm.js';

const URL_ = 'https://jd.test/routerjson';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new JdTransport({ appKey: 'a', appSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const input = { orderId: '300000000001', trackingNumber: 'JDV0001', carrierCode: '467' };

describe('jd shipment.confirm', () => {
  it('sends orderId (a number), logiCoprId, logiNo and accepts success', async () => {
    let biz = '';
    server.use(
      http.post(URL_, async ({ request }) => {
        const f = new URLSearchParams(await request.text());
        biz = f.get('360buy_param_json') ?? '';
        return HttpResponse.json({ jingdong_pop_order_shipment_responce: { code: '0', sopjosshipment_result: { success: true } } });
      }),
    );
    await expect(confirmShipment(transport, input, testContext())).resolves.toEqual({ confirmed: true });
    expect(JSON.parse(biz)).toEqual({ orderId: 300000000001, logiCoprId: '467', logiNo: 'JDV0001' });
  });
  it('success=false is rejected with its errorCode', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ jingdong_pop_order_shipment_responce: { code: '0', sopjosshipment_result: { success: false, errorCode: 10400002, chineseErr: '订单已出库' } } })));
    const err = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.retryable, err.code]).toEqual([false, 'jd_business_10400002']);
  });
});
