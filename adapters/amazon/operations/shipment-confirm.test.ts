import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { SpApiTransport } from '../transport.js';
import { confirmShipment } from './shipment-confirm.js';

const EP = 'https://sp.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new SpApiTransport({ endpoint: EP, tokenUrl: 'https://lwa.test/token', clientId: 'c', clientSecret: 's', refreshToken: 'r', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const input = { orderId: '113-0000000-0000001', marketplaceId: 'ATVPDKIKX0DER', trackingNumber: '1Z999', carrierCode: 'UPS', shipDate: '2024-05-01T08:00:00Z', lines: [{ lineId: 'i1', quantity: 2 }] };

describe('amazon shipment.confirm', () => {
  it('posts the package detail and accepts 204', async () => {
    let body: unknown;
    server.use(
      http.post('https://lwa.test/token', () => HttpResponse.json({ access_token: 'A', expires_in: 3600 })),
      http.post(`${EP}/orders/v0/orders/113-0000000-0000001/shipmentConfirmation`, async ({ request }) => {
        body = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(confirmShipment(transport, input, testContext())).resolves.toEqual({ confirmed: true });
    expect(body).toEqual({ marketplaceId: 'ATVPDKIKX0DER', packageDetail: { packageReferenceId: '1', carrierCode: 'UPS', trackingNumber: '1Z999', shipDate: '2024-05-01T08:00:00Z', orderItems: [{ orderItemId: 'i1', quantity: 2 }] } });
  });
  it('400 rejected, 503 retryable, a malformed order id rejected before any call', async () => {
    server.use(
      http.post('https://lwa.test/token', () => HttpResponse.json({ access_token: 'A', expires_in: 3600 })),
      http.post(`${EP}/orders/v0/orders/:id/shipmentConfirmation`, () => HttpResponse.json({ errors: [{ code: 'InvalidInput', message: 'bad carrier' }] }, { status: 400 })),
    );
    const e1 = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable]).toEqual(['InvalidInput', false]);
    server.use(http.post(`${EP}/orders/v0/orders/:id/shipmentConfirmation`, () => HttpResponse.json({ errors: [{ code: 'InternalFailure', message: 'x' }] }, { status: 503 })));
    const e2 = await confirmShipment(transport, input, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
    const e3 = await confirmShipment(transport, { ...input, orderId: '113-1' }, testContext()).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && e3.code).toBe('invalid_input');
  });
});
