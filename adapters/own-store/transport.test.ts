import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { testContext } from '../_shared/platform-testing.js';
import { signErpBody } from '../legacy-erp/signature.js';
import { OwnStoreTransport } from './transport.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new OwnStoreTransport({ callbackSecret: 'cb-secret', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date(1714528800_000) });
const fail = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AdapterError ? [e.code, e.retryable] : e));

describe('OwnStoreTransport', () => {
  it('signs the body with the callback secret over timestamp + "." + body and sends the idempotency key', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined;
    server.use(
      http.post('https://shop.test/hub/shipments', async ({ request }) => {
        seen = { headers: Object.fromEntries(request.headers), body: await request.text() };
        return HttpResponse.json({ ok: true });
      }),
    );
    const ctx = testContext();
    await transport.post('shipment', 'https://shop.test/hub/shipments', { orderNo: 'MP1' }, ctx, 'wf-1:step-1');
    expect(seen?.body).toBe('{"orderNo":"MP1"}');
    expect(seen?.headers['x-zhongshu-timestamp']).toBe('1714528800');
    expect(seen?.headers['x-zhongshu-signature']).toBe(signErpBody('cb-secret', '1714528800', '{"orderNo":"MP1"}'));
    expect(seen?.headers['x-zhongshu-idempotency-key']).toBe('wf-1:step-1');
    expect(ctx.limited).toEqual(['shipment']);
  });
  it('ok:false is a refusal unless the shop says retryable; 4xx rejected, 429 and 5xx retryable; an answer without ok is unexpected', async () => {
    const answer = (body: unknown, status = 200) => server.use(http.post('https://shop.test/x', () => HttpResponse.json(body as object, { status })));
    answer({ ok: false, code: 'unknown_order', message: 'no such order' });
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['unknown_order', false]);
    answer({ ok: false, code: 'locked', message: 'try later', retryable: true });
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['locked', true]);
    answer({ ok: false, code: 'invalid_signature' }, 401);
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['invalid_signature', false]);
    answer({ ok: false }, 429);
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['http_429', true]);
    server.use(http.post('https://shop.test/x', () => HttpResponse.text('down', { status: 503 })));
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['http_503', true]);
    answer({ done: true });
    expect(await fail(transport.post('s', 'https://shop.test/x', {}, testContext(), 'k'))).toEqual(['bad_response', false]);
  });
});
