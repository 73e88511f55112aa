import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { exchange, formPost, parseGatewayJson, retryAfterMs } from './platform-http.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const call = (signal: AbortSignal, timeoutMs = 1000) =>
  exchange({ adapter: 't', fetch: (i, n) => globalThis.fetch(i, n), url: 'https://api.test/x', init: { method: 'POST' }, signal, timeoutMs });

describe('exchange', () => {
  it('returns status and text', async () => {
    server.use(http.post('https://api.test/x', () => HttpResponse.text('hi', { status: 503 })));
    const r = await call(new AbortController().signal);
    expect([r.status, r.text]).toEqual([503, 'hi']);
  });
  it('a network failure is retryable', async () => {
    server.use(http.post('https://api.test/x', () => HttpResponse.error()));
    const err = await call(new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['network', true]);
  });
  it('a timeout is retryable', async () => {
    server.use(http.post('https://api.test/x', async () => { await delay(500); return HttpResponse.text('late'); }));
    const err = await call(new AbortController().signal, 50).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['timeout', true]);
  });
  it('cancellation by the caller propagates as the abort, not as a retryable error', async () => {
    server.use(http.post('https://api.test/x', async () => { await delay(500); return HttpResponse.text('late'); }));
    const ac = new AbortController();
    const p = call(ac.signal).catch((e: unknown) => e);
    ac.abort(new Error('cancelled by workflow'));
    const err = await p;
    expect(err).not.toBeInstanceOf(AdapterError);
    expect(err instanceof Error && err.message).toBe('cancelled by workflow');
  });
  it('reads Retry-After in seconds and as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 May 2024 00:00:10 GMT' }), Date.parse('2024-05-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('parseGatewayJson', () => {
  const res = (status: number, text: string) => ({ status, headers: new Headers(), text });
  const failure = (status: number, text: string): AdapterError => {
    try {
      parseGatewayJson('t', 'taobao.trade.get', res(status, text));
    } catch (err) {
      if (err instanceof AdapterError) return err;
      throw err;
    }
    throw new Error('expected an AdapterError');
  };

  it('keeps ids beyond 2^53 exact', () => {
    expect(parseGatewayJson('t', 'x', res(200, '{"tid": 4012345678901234567}'))).toEqual({ tid: '4012345678901234567' });
  });
  it('names the call and the status; a gateway page is retryable when the status says so, a broken 200 too', () => {
    const page = failure(502, '<html>Bad Gateway</html>');
    expect(page.message).toMatch(/taobao\.trade\.get: unparseable response \(HTTP 502\)/);
    expect(page.retryable).toBe(true);
    expect(failure(200, '{"trade_get_response": {"tr').retryable).toBe(true);
    expect(failure(400, 'not json').retryable).toBe(false);
  });
});

describe('formPost', () => {
  it('sends the parameters form-encoded, as signed', async () => {
    const init = formPost({ method: 'taobao.trade.get', fields: 'tid,status' });
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('content-type')).toBe('application/x-www-form-urlencoded;charset=utf-8');
    expect(String(init.body)).toBe('method=taobao.trade.get&fields=tid%2Cstatus');
  });
});
