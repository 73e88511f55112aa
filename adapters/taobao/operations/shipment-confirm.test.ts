import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { TopTransport } from '../transport.js';
import { confirmShipment } from './shipment-confirm.js';

const URL_ = 'https://top.test/router/rest';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new TopTransport({ appKey: 'k', appSecret: 's', session: 'sess', signMethod: 'md5', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });

describe('taobao shipment.confirm', () => {
  it('sends tid, out_sid, company_code; sub_tid and is_split only for a partial shipment', async () => {
    const forms: URLSearchParams[] = [];
    server.use(
      http.post(URL_, async ({ request }) => {
        forms.push(new URLSearchParams(await request.text()));
        return HttpResponse.json({ logistics_offline_send_response: { shipping: { is_success: true } } });
      }),
    );
    await expect(confirmShipment(transport, { orderId: '4012345678901234567', trackingNumber: 'SF1234567890', carrierCode: 'SF' }, testContext())).resolves.toEqual({ confirmed: true });
    await confirmShipment(transport, { orderId: '4012345678901234567', trackingNumber: 'SF1', carrierCode: 'SF', lineIds: ['4012345678901234568', '4012345678901234569'] }, testContext());
    expect(Object.fromEntries(forms[0] ?? [])).toMatchObject({ method: 'taobao.logistics.offline.send', tid: '4012345678901234567', out_sid: 'SF1234567890', company_code: 'SF' });
    expect(forms[0]?.has('is_split')).toBe(false);
    expect(forms[1]?.get('is_split')).toBe('1');
    expect(forms[1]?.get('sub_tid')).toBe('4012345678901234568,4012345678901234569');
  });

  it('maps TOP errors and is_success=false to rejected or retryable', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isv.logistics-offline-service-error', sub_msg: 'order already shipped' } })));
    const e1 = await confirmShipment(transport, { orderId: '1', trackingNumber: 'x', carrierCode: 'SF' }, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.retryable, e1.code]).toEqual([false, 'isv.logistics-offline-service-error']);
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.top-remote-connection-timeout' } })));
    const e2 = await confirmShipment(transport, { orderId: '1', trackingNumber: 'x', carrierCode: 'SF' }, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
    server.use(http.post(URL_, () => HttpResponse.json({ logistics_offline_send_response: { shipping: { is_success: false } } })));
    const e3 = await confirmShipment(transport, { orderId: '1', trackingNumber: 'x', carrierCode: 'SF' }, testContext()).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && [e3.retryable, e3.code]).toEqual([false, 'ship-refused']);
  });

  it('refuses a numeric tid (it may already be rounded)', async () => {
    const err = await confirmShipment(transport, { orderId: 4012345678901234567, trackingNumber: 'x', carrierCode: 'SF' }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && err.code).toBe('invalid_input');
  });
});
