import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { SpApiTransport, spApiOperation } from './transport.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const TOKEN_URL = 'https://lwa.test/auth/o2/token';
const EP = 'https://sp.test';
let now = new Date('2024-05-01T00:00:00Z');
const make = () => new SpApiTransport({ endpoint: EP, tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: 'csec', refreshToken: 'rtok', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => now });
const sig = new AbortController().signal;

function lwa(forms: URLSearchParams[]) {
  return http.post(TOKEN_URL, async ({ request }) => {
    forms.push(new URLSearchParams(await request.text()));
    return HttpResponse.json({ access_token: `Atza|${forms.length}`, token_type: 'bearer', expires_in: 3600 });
  });
}

describe('LWA tokens', () => {
  it('exchanges the refresh token once, caches until shortly before expiry, shares concurrent exchanges', async () => {
    now = new Date('2024-05-01T00:00:00Z');
    const forms: URLSearchParams[] = [];
    const tokens: (string | null)[] = [];
    server.use(lwa(forms), http.get(`${EP}/x`, ({ request }) => { tokens.push(request.headers.get('x-amz-access-token')); return HttpResponse.json({}); }));
    const t = make();
    await Promise.all([t.request('GET', '/x', null, undefined, sig), t.request('GET', '/x', null, undefined, sig)]);
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0] ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: 'rtok', client_id: 'cid', client_secret: 'csec' });
    now = new Date('2024-05-01T00:58:00Z');
    await t.request('GET', '/x', null, undefined, sig);
    expect(forms).toHaveLength(1);
    now = new Date('2024-05-01T00:59:01Z');
    await t.request('GET', '/x', null, undefined, sig);
    expect(forms).toHaveLength(2);
    expect(tokens).toEqual(['Atza|1', 'Atza|1', 'Atza|1', 'Atza|2']);
  });
  it('invalid_grant is rejected (re-authorise), an LWA 503 retryable', async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter' }, { status: 400 })));
    const e1 = await make().request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable]).toEqual(['lwa_invalid_grant', false]);
    server.use(http.post(TOKEN_URL, () => HttpResponse.text('down', { status: 503 })));
    const e2 = await make().request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
  });
});

describe('SP-API errors', () => {
  it('429 is retryable with Retry-After, 400 rejected, expired-token 403 retryable and re-exchanges', async () => {
    const forms: URLSearchParams[] = [];
    server.use(lwa(forms), http.get(`${EP}/x`, () => HttpResponse.json({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }, { status: 429, headers: { 'retry-after': '2' } })));
    const t = make();
    const e1 = await t.request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable, e1.details?.retryAfterMs]).toEqual(['QuotaExceeded', true, 2000]);
    server.use(http.get(`${EP}/x`, () => HttpResponse.json({ errors: [{ code: 'InvalidInput', message: 'Invalid Input' }] }, { status: 400 })));
    const e2 = await t.request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && [e2.code, e2.retryable]).toEqual(['InvalidInput', false]);
    server.use(http.get(`${EP}/x`, () => HttpResponse.json({ errors: [{ code: 'Unauthorized', message: 'The access token you provided has expired.' }] }, { status: 403 })));
    const e3 = await t.request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && e3.retryable).toBe(true);
    server.use(http.get(`${EP}/x`, () => HttpResponse.json({})));
    await t.request('GET', '/x', null, undefined, sig);
    expect(forms).toHaveLength(2);
    server.use(http.get(`${EP}/x`, () => HttpResponse.json({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] }, { status: 403 })));
    const e4 = await t.request('GET', '/x', null, undefined, sig).catch((e: unknown) => e);
    expect(e4 instanceof AdapterError && e4.retryable).toBe(false);
  });
});

describe('spApiOperation', () => {
  it('names each request by the SP-API operation its published quota is keyed under', () => {
    expect(spApiOperation('GET', '/orders/v0/orders')).toBe('getOrders');
    expect(spApiOperation('GET', '/orders/v0/orders/113-1%2F2/orderItems')).toBe('getOrderItems');
    expect(spApiOperation('POST', '/orders/v0/orders/113-1/shipmentConfirmation')).toBe('confirmShipment');
    expect(spApiOperation('GET', '/orders/v0/orders/113-1')).toBe('getOrder');
    // No order id in a name (it would make one bucket and metric series per order).
    expect(spApiOperation('GET', '/orders/v0/orders/113-1/buyerInfo')).toBe('GET /orders/v0/orders/{orderId}/buyerInfo');
  });
});
