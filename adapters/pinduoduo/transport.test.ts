import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { classifyPddError, PddTransport, signPdd } from './transport.js';

/*
 * Vector computed outside this code from the documented algorithm:
 *   python3 -c '
 *   import hashlib
 *   p = {"type":"pdd.order.information.get","client_id":"pdd-client-1","access_token":"pdd-token","timestamp":"1714528800",
 *        "data_type":"JSON","order_sn":"240501-123456789012345"}
 *   sec = "pdd-secret"; s = "".join(k+p[k] for k in sorted(p))
 *   print(hashlib.md5((sec+s+sec).encode()).hexdigest().upper())'
 */
const PARAMS = { type: 'pdd.order.information.get', client_id: 'pdd-client-1', access_token: 'pdd-token', timestamp: '1714528800', data_type: 'JSON', order_sn: '240501-123456789012345' };
const SIGN = '9C1D4B6B064BFADEEB17E37F21371C20';

describe('PDD signature', () => {
  it('matches the independent vector', () => {
    expect(signPdd(PARAMS, 'pdd-secret')).toBe(SIGN);
    expect(signPdd({ ...PARAMS, order_sn: '240501-123456789012346' }, 'pdd-secret')).not.toBe(SIGN);
  });
  it.each([
    [{ error_code: 70031, error_msg: '调用过于频繁，请调整调用频率' }, true],
    [{ error_code: 52101, error_msg: '服务繁忙' }, true],
    [{ error_code: 50000, error_msg: '系统内部错误' }, true],
    [{ error_code: 10019, error_msg: 'access_token已过期' }, false],
    [{ error_code: 20004, error_msg: '签名sign校验失败' }, false],
    [{ error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: 'order_sn invalid' }, false],
  ])('%o -> retryable %s', (e, retryable) => expect(classifyPddError(e).retryable).toBe(retryable));
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const URL_ = 'https://pdd.test/api/router';
const transport = new PddTransport({ clientId: 'pdd-client-1', clientSecret: 'pdd-secret', accessToken: 'pdd-token', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date(1714528800_000) });
const sig = new AbortController().signal;

describe('PddTransport', () => {
  it('posts the signed form with unix-second timestamp and data_type=JSON', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(URL_, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ order_info_get_response: { order_info: { order_sn: '240501-123456789012345' } } });
      }),
    );
    await transport.call('pdd.order.information.get', { order_sn: '240501-123456789012345' }, sig);
    expect(Object.fromEntries(form ?? [])).toEqual({ ...PARAMS, sign: SIGN });
  });
  it('maps error_response to retryable or rejected', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { error_code: 70031, error_msg: '调用过于频繁', request_id: 'r' } })));
    const e1 = await transport.call('x', {}, sig).catch((e: unknown) => e);
    expect(e1 instanceof AdapterError && [e1.retryable, e1.code]).toEqual([true, 'pdd_70031']);
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { error_code: 10019, error_msg: 'access_token已过期', sub_code: '10019', sub_msg: '' } })));
    const e2 = await transport.call('x', {}, sig).catch((e: unknown) => e);
    expect(e2 instanceof AdapterError && [e2.retryable, e2.code]).toEqual([false, 'pdd_10019']);
  });
});
