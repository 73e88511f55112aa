import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { EMS_PATH, emsSignature } from './transport.js';
import { z } from 'zod';
import { EMS_TEST, emsCtx, emsTransport } from './testing.js';

describe('EMS X-Zs-Signature', () => {
  it('matches the vector in README.md, computed with openssl', () => {
    // printf '%s' '1700000000000{"orderId":"ZS-0001"}' | openssl dgst -sha256 -hmac 'ems-secret'
    expect(emsSignature('ems-secret', '1700000000000', '{"orderId":"ZS-0001"}')).toBe('48085f6f6d42483bae0085fd205f402a9ab12f69e00e03f55e8588e04fc16bb5');
    expect(emsSignature('ems-secret', '1700000000001', '{"orderId":"ZS-0001"}')).not.toBe('48085f6f6d42483bae0085fd205f402a9ab12f69e00e03f55e8588e04fc16bb5');
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

const Any = z.unknown();

describe('EmsTransport', () => {
  it('signs timestamp + exact body in the headers', async () => {
    const seen: { h: Headers; body: string }[] = [];
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.TRACKING}`, async ({ request }) => {
        seen.push({ h: request.headers, body: await request.text() });
        return HttpResponse.json({ ok: true });
      }),
    );
    await emsTransport().post(EMS_PATH.TRACKING, { waybillNo: 'E1' }, Any, emsCtx());
    const [first] = seen;
    if (!first) throw new Error('no request');
    const { h, body } = first;
    expect(body).toBe('{"waybillNo":"E1"}');
    expect(h.get('x-zs-partner')).toBe(EMS_TEST.partnerId);
    expect(h.get('x-zs-timestamp')).toBe(String(Date.parse('2024-06-01T00:00:00Z')));
    expect(h.get('x-zs-signature')).toBe(emsSignature(EMS_TEST.secret, String(Date.parse('2024-06-01T00:00:00Z')), body));
  });

  it.each([
    [401, 'bad_signature', false],
    [422, 'not_serviceable', false],
    [409, 'already_picked_up', false],
    [429, 'rate_limited', true],
    [503, 'unavailable', true],
  ])('HTTP %i {code:%s} -> retryable %s, code kept', async (status, code, retryable) => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, () => HttpResponse.json({ code, message: 'x' }, { status })));
    const err = await failure(emsTransport().post(EMS_PATH.CREATE, {}, Any, emsCtx()));
    expect([err.code, err.retryable, err.details?.status]).toEqual([code, retryable, status]);
  });

  it('a non-JSON error page keeps the generic code', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, () => new HttpResponse('<html>502</html>', { status: 502 })));
    expect(await failure(emsTransport().post(EMS_PATH.CREATE, {}, Any, emsCtx()))).toMatchObject({ code: 'http_502', retryable: true });
  });

  it('the AbortSignal aborts a slow call', async () => {
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, async () => {
        await delay(10_000);
        return HttpResponse.json({});
      }),
    );
    const ctrl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctrl.abort(), 100);
    // The caller's cancellation propagates as itself, so Temporal sees the activity cancelled, not failed.
    await expect(emsTransport(30_000).post(EMS_PATH.CREATE, {}, Any, emsCtx(ctrl.signal))).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
