import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { canonicalParamJson, classifyDouyinError, DouyinTransport, signDouyin } from './transport.js';

/*
 * Vector computed outside this code from the documented algorithm:
 *   python3 -c '
 *   import hashlib, hmac, json
 *   app_key="7000000000000000001"; sec="dy-secret"; m="order.searchList"; ts="1714528800"
 *   pj=json.dumps({"update_time_start":1714527000,"update_time_end":1714528800,"page":0,"size":100,"order_by":"update_time"},
 *                 sort_keys=True, separators=(",",":"), ensure_ascii=False)
 *   s = sec + "app_key"+app_key + "method"+m + "param_json"+pj + "timestamp"+ts + "v2" + sec
 *   print(pj); print(hmac.new(sec.encode(), s.encode(), hashlib.sha256).hexdigest())'
 */
const PARAM_JSON = '{"order_by":"update_time","page":0,"size":100,"update_time_end":1714528800,"update_time_start":1714527000}';
const SIGN = 'd70704d3eb0a6371ac75fa83fad48e9eeacfa6ae04872b8ff0f0f5d4ced5a393';
const PARAMS = { update_time_start: 1714527000, update_time_end: 1714528800, page: 0, size: 100, order_by: 'update_time' };

describe('Douyin API signature', () => {
  it('param_json has sorted keys, no spaces, at every level', () => {
    expect(canonicalParamJson(PARAMS)).toBe(PARAM_JSON);
    expect(canonicalParamJson({ b: { d: 1, c: [{ f: 2, e: '中' }] }, a: null })).toBe('{"a":null,"b":{"c":[{"e":"中","f":2}],"d":1}}');
  });
  it('matches the independent vector', () => {
    expect(signDouyin({ appKey: '7000000000000000001', appSecret: 'dy-secret', method: 'order.searchList', paramJson: PARAM_JSON, timestamp: '1714528800' })).toBe(SIGN);
  });
});

describe('Douyin error classification', () => {
  it.each([
    [{ code: 10000, err_no: 0 }, false, false],
    [{ code: 20000, msg: '服务不可用' }, true, true],
    [{ code: 50002, msg: '业务处理失败', sub_code: 'isv.business-failed:4009', sub_msg: '订单已发货' }, true, false],
    [{ code: 40003, msg: '参数错误', sub_code: 'isp.system-busy' }, true, true],
    [{ err_no: 30002, message: '店铺授权已失效' }, true, false],
    [{ code: 90000, msg: '接口调用过于频繁' }, true, true],
  ])('%o -> failed %s retryable %s', (e, failed, retryable) => {
    const c = classifyDouyinError(e);
    expect([c.failed, c.retryable]).toEqual([failed, retryable]);
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = () =>
  new DouyinTransport({ appKey: '7000000000000000001', appSecret: 'dy-secret', accessToken: 'tok', baseUrl: 'https://dy.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date(1714528800_000) });
const sig = new AbortController().signal;

describe('DouyinTransport', () => {
  it('posts param_json to the method path with the signed query, and returns data', async () => {
    let url: URL | undefined;
    let body = '';
    server.use(
      http.post('https://dy.test/order/searchList', async ({ request }) => {
        url = new URL(request.url);
        body = await request.text();
        return HttpResponse.json({ err_no: 0, code: 10000, msg: 'success', data: { total: 0, shop_order_list: [] } });
      }),
    );
    await expect(transport().call('order.searchList', PARAMS, sig)).resolves.toEqual({ total: 0, shop_order_list: [] });
    expect(body).toBe(PARAM_JSON);
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({ app_key: '7000000000000000001', method: 'order.searchList', v: '2', timestamp: '1714528800', sign_method: 'hmac-sha256', sign: SIGN, access_token: 'tok' });
  });
  it('maps err_no/code != 0/10000 bodies, with HTTP 200, to retryable or rejected', async () => {
    server.use(http.post('https://dy.test/order/searchList', () => HttpResponse.json({ err_no: 1, code: 20000, msg: '服务不可用', data: null })));
    const e1 = await transport().call('order.searchList', {}, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.retryable, e1.code]).toEqual([true, 'douyin_20000']);
    server.use(http.post('https://dy.test/order/searchList', () => HttpResponse.json({ err_no: 30002, code: 30002, msg: '授权失效', sub_code: 'isv.access-token-expired' })));
    const e2 = await transport().call('order.searchList', {}, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && [e2.retryable, e2.code]).toEqual([false, 'isv.access-token-expired']);
    server.use(http.post('https://dy.test/order/searchList', () => HttpResponse.text('gateway', { status: 504 })));
    const e3 = await transport().call('order.searchList', {}, sig).catch((e: unknown) => e);
    expect(e3 instanceof AdapterError && e3.retryable).toBe(true);
  });
});
