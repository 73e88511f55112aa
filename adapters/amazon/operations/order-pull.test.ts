import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { SpApiTransport } from '../transport.js';
import { pullOrders } from './order-pull.js';

const EP = 'https://sp.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const NOW = new Date('2024-05-01T02:00:00Z');
const transport = new SpApiTransport({ endpoint: EP, tokenUrl: 'https://lwa.test/token', clientId: 'c', clientSecret: 's', refreshToken: 'r', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => NOW });
const deps = { transport, marketplaceIds: ['ATVPDKIKX0DER'], now: () => NOW };
const window = { start: '2024-05-01T01:00:00Z', end: '2024-05-01T01:58:00Z' };

describe('amazon order.pull', () => {
  it('LastUpdated window, then NextToken pages; items paged per order into {order, items}', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.post('https://lwa.test/token', () => HttpResponse.json({ access_token: 'A', expires_in: 3600 })),
      http.get(`${EP}/orders/v0/orders`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        queries.push(q);
        return q.get('NextToken')
          ? HttpResponse.json({ payload: { Orders: [{ AmazonOrderId: '113-0000000-0000002' }] } })
          : HttpResponse.json({ payload: { Orders: [{ AmazonOrderId: '113-0000000-0000001', OrderStatus: 'Unshipped' }], NextToken: 'tok-2' } });
      }),
      http.get(`${EP}/orders/v0/orders/:id/orderItems`, ({ request, params }) => {
        const q = new URL(request.url).searchParams;
        if (params['id'] === '113-0000000-0000001' && !q.get('NextToken')) return HttpResponse.json({ payload: { OrderItems: [{ OrderItemId: 'i1' }], NextToken: 'it-2' } });
        return HttpResponse.json({ payload: { OrderItems: [{ OrderItemId: q.get('NextToken') ? 'i2' : 'j1' }] } });
      }),
    );
    const ctx = testContext();
    const a = await pullOrders(deps, { window }, ctx);
    // One token per SP-API request under its operation's name (items paged: two getOrderItems);
    // the LWA token exchange is not an SP-API request.
    expect(ctx.limited).toEqual(['getOrders', 'getOrderItems', 'getOrderItems']);
    expect(Object.fromEntries(queries[0] ?? [])).toEqual({ MarketplaceIds: 'ATVPDKIKX0DER', LastUpdatedAfter: '2024-05-01T01:00:00.000Z', LastUpdatedBefore: '2024-05-01T01:58:00.000Z', MaxResultsPerPage: '100' });
    expect(a).toEqual({ orders: [{ order: { AmazonOrderId: '113-0000000-0000001', OrderStatus: 'Unshipped' }, items: [{ OrderItemId: 'i1' }, { OrderItemId: 'i2' }] }], nextPage: 'tok-2', highWater: null });
    const b = await pullOrders(deps, { window, page: 'tok-2' }, testContext());
    expect(Object.fromEntries(queries[1] ?? [])).toEqual({ MarketplaceIds: 'ATVPDKIKX0DER', NextToken: 'tok-2' });
    expect(b).toEqual({ orders: [{ order: { AmazonOrderId: '113-0000000-0000002' }, items: [{ OrderItemId: 'j1' }] }], nextPage: null, highWater: '2024-05-01T01:58:00.000Z' });
  });
  it('refuses LastUpdatedBefore within 2 minutes of now', async () => {
    const err = await pullOrders(deps, { window: { start: '2024-05-01T01:00:00Z', end: '2024-05-01T01:59:00Z' } }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['invalid_input', false]);
  });
});
