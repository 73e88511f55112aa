import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { exchange, formPost, isBusy, request, retryAfterMs, transientText } from './platform-http.js';

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

describe('request', () => {
  const URL_ = 'https://api.test/x';
  const table = { codes: new Set(['7']), text: transientText('不可用') };
  const vendorError = (body: unknown) => {
    if (typeof body !== 'object' || body === null || !('err' in body)) return null;
    const { err } = body as { err: { code: string; msg: string } };
    return { code: `v_${err.code}`, message: err.msg, retryable: isBusy(table, err.code, err.msg) };
  };
  const send = (over: Partial<Parameters<typeof request>[0]> = {}) =>
    request({ adapter: 't', what: 'taobao.trade.get', fetch: (i, n) => globalThis.fetch(i, n), url: URL_, init: { method: 'POST' }, signal: new AbortController().signal, timeoutMs: 1000, vendorError, ...over });
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an AdapterError'); }, (e: unknown) => { if (e instanceof AdapterError) return e; throw e; });

  it('keeps ids beyond 2^53 exact', async () => {
    server.use(http.post(URL_, () => HttpResponse.text('{"tid": 4012345678901234567}')));
    expect((await send()).body).toEqual({ tid: '4012345678901234567' });
  });
  it('a vendor error is retryable when its table says busy, by code or by words, and rejected otherwise', async () => {
    for (const [err, retryable] of [[{ code: '7', msg: 'x' }, true], [{ code: '9', msg: '服务不可用' }, true], [{ code: '9', msg: '系统繁忙' }, true], [{ code: '9', msg: 'no such trade' }, false]] as const) {
      server.use(http.post(URL_, () => HttpResponse.json({ err })));
      expect(await failure(send())).toMatchObject({ code: `v_${err.code}`, retryable, message: `t: taobao.trade.get: ${err.msg}` });
    }
  });
  it('a vendor error under 5xx is retryable whatever its code', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ err: { code: '9', msg: 'no such trade' } }, { status: 502 })));
    expect(await failure(send())).toMatchObject({ code: 'v_9', retryable: true, details: { status: 502 } });
  });
  it('429 keeps Retry-After; other 4xx are rejected; a gateway page under 5xx is retryable', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({}, { status: 429, headers: { 'retry-after': '2' } })));
    expect(await failure(send())).toMatchObject({ code: 'http_429', retryable: true, details: { retryAfterMs: 2000 } });
    server.use(http.post(URL_, () => HttpResponse.text('not json', { status: 400 })));
    expect(await failure(send())).toMatchObject({ code: 'http_400', retryable: false });
    server.use(http.post(URL_, () => HttpResponse.text('<html>Bad Gateway</html>', { status: 502 })));
    expect(await failure(send())).toMatchObject({ code: 'http_502', retryable: true, message: 't: taobao.trade.get: HTTP 502' });
  });
  it('a broken body under 2xx is a retryable bad_response; an empty one is null only when asked', async () => {
    server.use(http.post(URL_, () => HttpResponse.text('{"trade_get_response": {"tr')));
    expect(await failure(send())).toMatchObject({ code: 'bad_response', retryable: true });
    server.use(http.post(URL_, () => new HttpResponse(null, { status: 204 })));
    expect((await send({ emptyIsNull: true })).body).toBeNull();
    expect(await failure(send())).toMatchObject({ code: 'bad_response' });
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
