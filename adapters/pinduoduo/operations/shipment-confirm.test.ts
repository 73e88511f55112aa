import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { PddTransport } from '../transport.js';
import { confirmShipment } from './shipment-confirm.js';

const URL_ = 'https://pdd.test/api/router';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new PddTransport({ clientId: 'c', clientSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const input = { orderId: '240501-123456789012345', trackingNumber: 'YT123', carrierCode: 85 };

describe('pinduoduo shipment.confirm', () => {
  it('sends order_sn, logistics_id and tracking_number', async () => {
    let f: URLSearchParams | undefined;
    server.use(
      http.post(URL_, async ({ request }) => {
        f = new URLSearchParams(await request.text());
        return HttpResponse.json({ logistics_online_send_response: { is_success: true, request_id: 'r' } });
      }),
    );
    await expect(confirmShipment(transport, input, testContext())).resolves.toEqual({ confirmed: true });
    expect([f?.get('type'), f?.get('order_sn'), f?.get('logistics_id'), f?.get('tracking_number')]).toEqual(['pdd.logistics.online.send', input.orderId, '85', 'YT123']);
  });
  it('is_success false and a business error are rejected; overload retryable', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ logistics_online_send_response: { is_success: false } })));
    const e1 = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable]).toEqual(['ship-refused', false]);
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { error_code: 10000, error_msg: '参数错误', sub_msg: '运单号不合法' } })));
    const e2 = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(false);
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { error_code: 54001, error_msg: '过载保护' } })));
    const e3 = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && e3.retryable).toBe(true);
  });
});
