import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { classifyTopError, signTop, topResponseKey, TopTransport } from './transport.js';

/*
 * Vectors computed outside this code from the documented algorithm:
 *   python3 -c '
 *   import hashlib, hmac
 *   p = {"method":"taobao.trade.fullinfo.get","app_key":"12345678","session":"test-session","timestamp":"2024-05-01 10:00:00",
 *        "format":"json","v":"2.0","fields":"tid,status,payment","tid":"4012345678901234567"}
 *   secret = "helloworld"
 *   for sm in ["md5","hmac","hmac-sha256"]:
 *       q = dict(p, sign_method=sm); s = "".join(k+q[k] for k in sorted(q))
 *       d = hashlib.md5((secret+s+secret).encode()).hexdigest() if sm=="md5" else hmac.new(secret.encode(), s.encode(), hashlib.md5 if sm=="hmac" else hashlib.sha256).hexdigest()
 *       print(sm, d.upper())'
 */
const PARAMS = { method: 'taobao.trade.fullinfo.get', app_key: '12345678', session: 'test-session', timestamp: '2024-05-01 10:00:00', format: 'json', v: '2.0', fields: 'tid,status,payment', tid: '4012345678901234567' };
const VECTORS = {
  md5: '8FEA793423138241E4DCA253D55B8213',
  hmac: '4C9BC379F88387DDE522B1A6A36D7A88',
  'hmac-sha256': 'EC5D1203AFFE03205B94C80791AB3EDBF7C68360868F87960DBEF9BF450E3D83',
} as const;

describe('TOP signature', () => {
  it.each(Object.entries(VECTORS))('%s matches the independent vector', (m, expected) => {
    const method = m === 'md5' ? 'md5' : m === 'hmac' ? 'hmac' : 'hmac-sha256';
    expect(signTop({ ...PARAMS, sign_method: method }, 'helloworld', method)).toBe(expected);
  });
  it('ignores a sign parameter and changes with any value', () => {
    expect(signTop({ ...PARAMS, sign_method: 'md5', sign: 'X' }, 'helloworld', 'md5')).toBe(VECTORS.md5);
    expect(signTop({ ...PARAMS, sign_method: 'md5', tid: '4012345678901234568' }, 'helloworld', 'md5')).not.toBe(VECTORS.md5);
  });
});

describe('TOP error classification', () => {
  it.each([
    [{ code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count' }, true],
    [{ code: 15, msg: 'Remote service error', sub_code: 'isp.top-remote-connection-timeout' }, true],
    [{ code: 15, msg: 'Remote service error', sub_code: 'isv.trade-not-exist' }, false],
    [{ code: 10, msg: 'Service Currently Unavailable' }, true],
    [{ code: 27, msg: 'Invalid session' }, false],
    [{ code: 25, msg: 'Invalid signature' }, false],
    [{ code: 41, msg: 'Invalid arguments' }, false],
    [{ code: 15, msg: 'x', sub_code: 'unknown.thing' }, false],
  ])('%o -> retryable %s', (e, retryable) => {
    expect(classifyTopError(e).retryable).toBe(retryable);
  });
  it('derives the response key', () => {
    expect(topResponseKey('taobao.trades.sold.increment.get')).toBe('trades_sold_increment_get_response');
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const URL_ = 'https://top.test/router/rest';
const transport = () =>
  new TopTransport({ appKey: '12345678', appSecret: 'helloworld', session: 'test-session', signMethod: 'md5', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date('2024-05-01T02:00:00Z') });
const sig = new AbortController().signal;

describe('TopTransport', () => {
  it('posts a form with system params in GMT+8 and a valid signature, and keeps big ids exact', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(URL_, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.text('{"trade_fullinfo_get_response":{"trade":{"tid":4012345678901234567}}}');
      }),
    );
    const body = await transport().call('taobao.trade.fullinfo.get', { fields: 'tid,status,payment', tid: '4012345678901234567', empty: '' }, sig);
    expect(body).toEqual({ trade_fullinfo_get_response: { trade: { tid: '4012345678901234567' } } });
    expect(form?.get('timestamp')).toBe('2024-05-01 10:00:00');
    expect(form?.get('sign')).toBe(VECTORS.md5);
    expect(form?.has('empty')).toBe(false);
  });

  it('maps error_response: isv rejected, isp and rate limits retryable, message without the body', async () => {
    const cases = [
      [{ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isv.invalid-parameter', sub_msg: 'bad tid' } }, false, 'isv.invalid-parameter'],
      [{ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-error' } }, true, 'isp.remote-service-error'],
      [{ error_response: { code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count' } }, true, 'accesscontrol.limited-by-app-access-count'],
      [{ error_response: { code: 27, msg: 'Invalid session' } }, false, 'top_27'],
    ] as const;
    for (const [body, retryable, code] of cases) {
      server.use(http.post(URL_, () => HttpResponse.json(body)));
      const err = await transport().call('taobao.trade.fullinfo.get', {}, sig).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdapterError);
      expect(err instanceof AdapterError && [err.retryable, err.code]).toEqual([retryable, code]);
    }
  });

  it('an HTML 502 is retryable, a 403 without a TOP body is not', async () => {
    server.use(http.post(URL_, () => HttpResponse.text('<html>bad gateway</html>', { status: 502 })));
    const e1 = await transport().call('m', {}, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && e1.retryable).toBe(true);
    server.use(http.post(URL_, () => HttpResponse.json({}, { status: 403 })));
    const e2 = await transport().call('m', {}, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && [e2.retryable, e2.code]).toEqual([false, 'http_403']);
  });

  it('an error_response under HTTP 5xx is retryable whatever its code says (the gateway, not the trade, failed)', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: 15, msg: 'Remote service error', sub_code: 'unknown.thing' } }, { status: 503 })));
    const err = await transport().call('taobao.trade.fullinfo.get', {}, sig).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.retryable, err.code, err.details?.status]).toEqual([true, 'unknown.thing', 503]);
  });
});
