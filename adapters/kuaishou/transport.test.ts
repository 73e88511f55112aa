import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { testContext } from '../_shared/platform-testing.js';
import { classifyKuaishouError, HTTP_METHOD, KuaishouTransport, paramJson, signKuaishou } from './transport.js';

/*
 * Vectors computed outside this code from the documented algorithm (python3):
 *   text = '&'.join(f'{k}={p[k]}' for k in sorted(p)) + '&signSecret=' + secret
 *   HMAC_SHA256: base64(hmac.new(secret, text, sha256).digest());  MD5: md5(text).hexdigest()
 */
const SECRET = 'ks-sign-secret';
const PARAMS = { access_token: 'ks-token', appkey: 'ks650000000000000001', method: 'open.order.detail', param: '{"oid":2015600256209850123}', signMethod: 'HMAC_SHA256', timestamp: '1794326405000', version: '1' };
const HMAC = 'DM9jFAupgcupG5qB5EOorH3A5p5ml9x4slDIrWAyVYA=';
const MD5 = '37cffb4033c1d76997262d981f5c4bef';

describe('Kuaishou API signature', () => {
  it('matches the independent vectors (HMAC_SHA256 Base64, MD5 hex), sign itself excluded', () => {
    expect(signKuaishou(PARAMS, SECRET)).toBe(HMAC);
    expect(signKuaishou({ ...PARAMS, sign: 'ignored' }, SECRET)).toBe(HMAC);
    expect(signKuaishou({ ...PARAMS, signMethod: 'MD5' }, SECRET, 'MD5')).toBe(MD5);
  });
  it('writes int64 ids as bare numbers in param, exactly', () => {
    expect(paramJson({ oid: 2015600256209850123n, cursor: '' })).toBe('{"oid":2015600256209850123,"cursor":""}');
  });
});

describe('Kuaishou error classification', () => {
  it.each([
    [{ result: 1 }, false, false],
    [{ result: 803, error_msg: 'Exceed qps limit, KEY [apiId:open.order.detail]' }, true, true],
    [{ result: 17, error_msg: '[1017] exceed quota limit' }, true, true],
    [{ result: 28, error_msg: '签名校验失败' }, true, false],
    [{ result: 21, error_msg: '当前库存不足，请减少预留数量' }, true, false],
  ])('%o -> failed %s retryable %s', (e, failed, retryable) => {
    const c = classifyKuaishouError(e);
    expect([c.failed, c.retryable]).toEqual([failed, retryable]);
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = () => new KuaishouTransport({ appKey: 'ks650000000000000001', signSecret: SECRET, accessToken: 'ks-token', baseUrl: 'https://ks.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date(1794326405000) });

describe('KuaishouTransport', () => {
  it('GET: the signed system parameters in the query, returns data; one rate-limit token per request', async () => {
    let q: Record<string, string> = {};
    server.use(
      http.get('https://ks.test/open/order/detail', ({ request }) => {
        q = Object.fromEntries(new URL(request.url).searchParams);
        return HttpResponse.json({ result: 1, error_msg: 'SUCCESS', data: { orderBaseInfo: { oid: 1 } } });
      }),
    );
    const ctx = testContext();
    await expect(transport().call('open.order.detail', { oid: 2015600256209850123n }, HTTP_METHOD.GET, ctx)).resolves.toEqual({ orderBaseInfo: { oid: 1 } });
    expect(q).toEqual({ ...PARAMS, sign: HMAC });
    expect(ctx.limited).toEqual(['open.order.detail']);
  });
  it('POST: the same fields in a form body', async () => {
    let form: Record<string, string> = {};
    server.use(
      http.post('https://ks.test/open/seller/order/goods/deliver', async ({ request }) => {
        form = Object.fromEntries(new URLSearchParams(await request.text()));
        return HttpResponse.json({ result: 1 });
      }),
    );
    await transport().call('open.seller.order.goods.deliver', { orderId: 5n, expressNo: 'SF1', expressCode: 4 }, HTTP_METHOD.POST, testContext());
    expect(form['param']).toBe('{"orderId":5,"expressNo":"SF1","expressCode":4}');
    expect(form['sign']).toBe(signKuaishou(form, SECRET));
  });
  it('maps result != 1 with HTTP 200 to retryable or rejected, and a 502 to retryable', async () => {
    server.use(http.get('https://ks.test/open/order/detail', () => HttpResponse.json({ result: 28, error_msg: '签名校验失败' })));
    const e1 = await transport().call('open.order.detail', {}, HTTP_METHOD.GET, testContext()).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable]).toEqual(['kuaishou_28', false]);
    server.use(http.get('https://ks.test/open/order/detail', () => HttpResponse.json({ result: 803, error_msg: 'Exceed qps limit' })));
    const e2 = await transport().call('open.order.detail', {}, HTTP_METHOD.GET, testContext()).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
    server.use(http.get('https://ks.test/open/order/detail', () => HttpResponse.text('bad gateway', { status: 502 })));
    const e3 = await transport().call('open.order.detail', {}, HTTP_METHOD.GET, testContext()).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && [e3.code, e3.retryable]).toEqual(['http_502', true]);
  });
});
