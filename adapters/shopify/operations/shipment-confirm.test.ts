import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY } from '../../../src/sdk/capabilities.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { AdapterRegistry } from '../../../src/sdk/registry.js';
import { testContext, testDeps } from '../../_shared/platform-testing.js';
import shopify, { shopifyConfig } from '../index.js';
import { ShopifyAdmin } from '../admin.js';
import { confirmShipment } from './shipment-confirm.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://shop-a.myshopify.com/admin/api/2024-07';
const URL_FO = `${BASE}/orders/450789469/fulfillment_orders.json`;
const URL_LIST = `${BASE}/orders/450789469/fulfillments.json`;
const URL_CREATE = `${BASE}/fulfillments.json`;
const admin = new ShopifyAdmin({ shop: 'shop-a.myshopify.com', accessToken: 'shpat_x', apiVersion: '2024-07', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n) });
const deps = { admin, notifyCustomer: false };
const input = { orderId: '450789469', trackingNumber: 'SF1234567890', carrierCode: 'SF Express' };
const fo = (id: number, status: string, location = 24826418) => ({ id, order_id: 450789469, status, assigned_location_id: location, line_items: [] });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

/** Serves the fulfillment orders and records every fulfillment created (token and body). */
function shop(orders: ReturnType<typeof fo>[], existing: unknown[] = []) {
  const created: { token: string | null; body: unknown }[] = [];
  const reads: (string | null)[] = [];
  server.use(
    http.get(URL_FO, ({ request }) => {
      reads.push(request.headers.get('x-shopify-access-token'));
      return HttpResponse.json({ fulfillment_orders: orders });
    }),
    http.get(URL_LIST, () => HttpResponse.json({ fulfillments: existing })),
    http.post(URL_CREATE, async ({ request }) => {
      created.push({ token: request.headers.get('x-shopify-access-token'), body: await request.json() });
      return HttpResponse.json({ fulfillment: { id: 255858046 + created.length, order_id: 450789469, status: 'success', tracking_number: input.trackingNumber } }, { status: 201 });
    }),
  );
  return { created, reads };
}

describe('shopify shipment.confirm', () => {
  it('fulfils each open fulfillment order whole with the tracking company and number, with the access token', async () => {
    const s = shop([fo(1046000818, 'open'), fo(1046000819, 'in_progress'), fo(1046000820, 'closed')]);
    const ctx = testContext();
    await expect(confirmShipment(deps, input, ctx)).resolves.toEqual({ confirmed: true, fulfillmentIds: ['255858047'] });
    expect(s.reads).toEqual(['shpat_x']);
    expect(s.created).toEqual([
      {
        token: 'shpat_x',
        body: { fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: 1046000818 }, { fulfillment_order_id: 1046000819 }], tracking_info: { company: 'SF Express', number: 'SF1234567890' }, notify_customer: false } },
      },
    ]);
    // The order id stays out of the rate limiter's api names (one bucket, bounded metric labels).
    expect(ctx.limited).toEqual(['/orders/{id}/fulfillment_orders.json', '/fulfillments.json']);
  });

  it('sends one fulfillment per assigned location, and notify_customer as configured', async () => {
    const s = shop([fo(11, 'open', 1), fo(12, 'open', 2)]);
    await expect(confirmShipment({ admin, notifyCustomer: true }, input, testContext())).resolves.toMatchObject({ fulfillmentIds: ['255858047', '255858048'] });
    expect(s.created.map((c) => c.body)).toEqual([
      { fulfillment: expect.objectContaining({ line_items_by_fulfillment_order: [{ fulfillment_order_id: 11 }], notify_customer: true }) },
      { fulfillment: expect.objectContaining({ line_items_by_fulfillment_order: [{ fulfillment_order_id: 12 }], notify_customer: true }) },
    ]);
  });

  it('a retry after the fulfillment went through is a success and creates nothing', async () => {
    const s = shop([fo(1046000818, 'closed')], [{ id: 255858046, status: 'success', tracking_company: 'SF Express', tracking_number: 'SF1234567890', tracking_numbers: ['SF1234567890'] }]);
    await expect(confirmShipment(deps, input, testContext())).resolves.toEqual({ confirmed: true, fulfillmentIds: [] });
    expect(s.created).toEqual([]);
    // Only in tracking_numbers (a fulfillment with several parcels) counts too.
    shop([fo(1046000818, 'closed')], [{ id: 1, status: 'success', tracking_number: 'OTHER', tracking_numbers: ['OTHER', 'SF1234567890'] }]);
    await expect(confirmShipment(deps, input, testContext())).resolves.toMatchObject({ confirmed: true });
  });

  it('nothing open is refused, naming the order, when no live fulfillment carries the number', async () => {
    const s = shop([fo(1046000818, 'closed')], [{ id: 1, status: 'success', tracking_number: 'YT999', tracking_numbers: ['YT999'] }]);
    const err = await failure(confirmShipment(deps, input, testContext()));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ retryable: false, code: 'no-open-fulfillment-order', message: expect.stringMatching(/order 450789469.*closed/) });
    expect(s.created).toEqual([]);
    // A cancelled fulfillment with this number does not count as shipped.
    shop([fo(1046000818, 'cancelled')], [{ id: 1, status: 'cancelled', tracking_number: 'SF1234567890' }]);
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ code: 'no-open-fulfillment-order', message: expect.stringContaining('cancelled') });
  });

  it('429 (with Retry-After) and 5xx are retryable, on the read and on the create; 404 and 422 are refused', async () => {
    server.use(http.get(URL_FO, () => HttpResponse.json({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { status: 429, headers: { 'retry-after': '2.0' } })));
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ retryable: true, code: 'http_429', details: { retryAfterMs: 2000 } });

    shop([fo(1046000818, 'open')]);
    server.use(http.post(URL_CREATE, () => new HttpResponse('<html>503 Service Unavailable</html>', { status: 503 })));
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ retryable: true, code: 'http_503' });

    server.use(http.get(URL_FO, () => HttpResponse.json({ errors: 'Not Found' }, { status: 404 })));
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ retryable: false, code: 'http_404', message: expect.stringContaining('/orders/450789469/') });

    shop([fo(1046000818, 'open')]);
    server.use(http.post(URL_CREATE, () => HttpResponse.json({ errors: ['Fulfillment order 1046000818 has an unfulfillable status= closed.'] }, { status: 422 })));
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ retryable: false, code: 'http_422', message: expect.stringContaining('unfulfillable') });
  });

  it('bad input names the field; no token is a configuration refusal; an unknown answer is not taken as shipped', async () => {
    expect(await failure(confirmShipment(deps, { ...input, trackingNumber: '' }, testContext()))).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('trackingNumber') });
    expect(await failure(confirmShipment(deps, { ...input, orderId: 'abc' }, testContext()))).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('orderId') });
    expect(await failure(confirmShipment({ admin: null, notifyCustomer: false }, input, testContext()))).toMatchObject({ code: 'not-configured', message: expect.stringContaining('adminAccessToken') });
    server.use(http.get(URL_FO, () => HttpResponse.json({ orders: [] })));
    expect(await failure(confirmShipment(deps, input, testContext()))).toMatchObject({ code: 'bad_response', message: expect.stringContaining('fulfillment_orders') });
  });

  it('is offered through the adapter instance; a webhook-only config still parses', async () => {
    const s = shop([fo(1046000818, 'open')]);
    const inst = await shopify.create(shopifyConfig.parse({ shop: 'shop-a.myshopify.com', webhookSecret: 's', adminAccessToken: 'shpat_x' }), testDeps());
    await expect(inst.invoke(CAPABILITY.SHIPMENT_CONFIRM, input, testContext())).resolves.toMatchObject({ confirmed: true });
    expect(s.created).toHaveLength(1);
    const hooksOnly = await shopify.create(shopifyConfig.parse({ shop: 'shop-a.myshopify.com', webhookSecret: 's' }), testDeps());
    expect(await failure(hooksOnly.invoke(CAPABILITY.SHIPMENT_CONFIRM, input, testContext()))).toMatchObject({ code: 'not-configured' });
  });

  it('a webhook-only connector does not offer shipment.confirm, so the lifecycle never holds its orders for a refused confirmation', () => {
    const registry = new AdapterRegistry(testDeps(), { SP_SECRET: 's', SP_TOKEN: 'shpat_x' });
    registry.register(shopify);
    registry.configure([
      { id: 'hooks-only', adapter: 'shopify', config: { shop: 'shop-a.myshopify.com', webhookSecret: '${SP_SECRET}' } },
      { id: 'with-admin', adapter: 'shopify', config: { shop: 'shop-a.myshopify.com', webhookSecret: '${SP_SECRET}', adminAccessToken: '${SP_TOKEN}' } },
    ]);
    expect(registry.supports('hooks-only', CAPABILITY.SHIPMENT_CONFIRM)).toBe(false);
    expect(registry.supports('hooks-only', CAPABILITY.ORDER_WEBHOOK)).toBe(true);
    expect(registry.supports('with-admin', CAPABILITY.SHIPMENT_CONFIRM)).toBe(true);
  });
});
