import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { JdTransport, signJd } from './transport.js';

/*
 * Vector computed outside this code from the documented algorithm:
 *   python3 -c '
 *   import hashlib
 *   p = {"method":"jingdong.pop.order.search","app_key":"jd-app","access_token":"jd-token","timestamp":"2024-05-01 10:00:00","v":"2.0",
 *        "360buy_param_json":"{\"start_date\":\"2024-05-01 09:28:00\",\"end_date\":\"2024-05-01 10:00:00\",\"page\":\"1\",\"page_size\":\"100\",\"dateType\":0}"}
 *   sec = "jd-secret"; s = "".join(k+p[k] for k in sorted(p)); print(hashlib.md5((sec+s+sec).encode()).hexdigest().upper())'
 */
const BUSINESS = { start_date: '2024-05-01 09:28:00', end_date: '2024-05-01 10:00:00', page: '1', page_size: '100', dateType: 0 };
const PARAMS = { method: 'jingdong.pop.order.search', app_key: 'jd-app', access_token: 'jd-token', timestamp: '2024-05-01 10:00:00', v: '2.0', '360buy_param_json': JSON.stringify(BUSINESS) };
const SIGN = '646CC3FDD6323C7FA2F8CF70429B277D';

describe('JOS signature', () => {
  it('matches the independent vector', () => {
    expect(PARAMS['360buy_param_json']).toBe('{"start_date":"2024-05-01 09:28:00","end_date":"2024-05-01 10:00:00","page":"1","page_size":"100","dateType":0}');
    expect(signJd(PARAMS, 'jd-secret')).toBe(SIGN);
  });
});

const URL_ = 'https://jd.test/routerjson';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new JdTransport({ appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date('2024-05-01T02:00:00Z') });
const sig = new AbortController().signal;

describe('JdTransport', () => {
  it('posts the signed form and unwraps `_responce` (sic)', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(URL_, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.text('{"jingdong_pop_order_search_responce":{"code":"0","x":12345678901234567890}}');
      }),
    );
    await expect(transport.call('jingdong.pop.order.search', BUSINESS, sig)).resolves.toEqual({ code: '0', x: '12345678901234567890' });
    expect(Object.fromEntries(form ?? [])).toEqual({ ...PARAMS, sign: SIGN });
  });
  it('accepts `_response` too, and rejects a body with neither', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ jingdong_pop_order_search_response: { code: '0' } })));
    await expect(transport.call('jingdong.pop.order.search', {}, sig)).resolves.toEqual({ code: '0' });
    server.use(http.post(URL_, () => HttpResponse.json({ something_else: {} })));
    await expect(transport.call('jingdong.pop.order.search', {}, sig)).rejects.toMatchObject({ code: 'bad_response', retryable: false });
  });
  it('maps error_response: backend timeout retryable, bad token rejected', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: '66', zh_desc: '平台连接后端服务超时', en_desc: 'Platform backend service timeout' } })));
    const e1 = await transport.call('m', {}, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.retryable, e1.code]).toEqual([true, 'jd_66']);
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: '19', zh_desc: 'token无效', en_desc: 'Invalid access_token' } })));
    const e2 = await transport.call('m', {}, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && [e2.retryable, e2.code]).toEqual([false, 'jd_19']);
  });
});
