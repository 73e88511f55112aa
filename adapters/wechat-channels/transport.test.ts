import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { testContext } from '../_shared/platform-testing.js';
import { classifyWeChatError, WeChatTransport } from './transport.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let now = new Date('2026-11-11T00:00:00Z');
const transport = () => new WeChatTransport({ appId: 'wx-app', appSecret: 'wx-secret', baseUrl: 'https://wx.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => now });

function tokenEndpoint(tokens: string[], seen: unknown[]) {
  return http.post('https://wx.test/cgi-bin/stable_token', async ({ request }) => {
    seen.push(await request.json());
    return HttpResponse.json({ access_token: tokens.shift() ?? 'none', expires_in: 7200 });
  });
}

describe('WeChat error classification', () => {
  it.each([
    [{ errcode: 0, errmsg: 'ok' }, false, false],
    [{}, false, false],
    [{ errcode: -1, errmsg: 'system error' }, true, true],
    [{ errcode: 45009, errmsg: 'api freq out of limit' }, true, true],
    [{ errcode: 48001, errmsg: 'api unauthorized' }, true, false],
    [{ errcode: 100002, errmsg: 'order not exist' }, true, false],
  ])('%o -> failed %s retryable %s', (e, failed, retryable) => {
    const c = classifyWeChatError(e);
    expect([c.failed, c.retryable]).toEqual([failed, retryable]);
  });
});

describe('WeChatTransport', () => {
  it('fetches a stable token once, reuses it, and spends one rate-limit token per request', async () => {
    const seen: unknown[] = [];
    const urls: string[] = [];
    server.use(
      tokenEndpoint(['T1'], seen),
      http.post('https://wx.test/channels/ec/order/get', async ({ request }) => {
        urls.push(new URL(request.url).searchParams.get('access_token') ?? '');
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', order: { order_id: 1 } });
      }),
    );
    const t = transport();
    const ctx = testContext();
    await t.call('/channels/ec/order/get', { order_id: '1' }, ctx);
    await t.call('/channels/ec/order/get', { order_id: '1' }, ctx);
    expect(seen).toEqual([{ grant_type: 'client_credential', appid: 'wx-app', secret: 'wx-secret' }]);
    expect(urls).toEqual(['T1', 'T1']);
    expect(ctx.limited).toEqual(['stable_token', '/channels/ec/order/get', '/channels/ec/order/get']);
  });

  it('fetches a new token shortly before the old one expires', async () => {
    const seen: unknown[] = [];
    server.use(tokenEndpoint(['T1', 'T2'], seen), http.post('https://wx.test/x', () => HttpResponse.json({ errcode: 0 })));
    const t = transport();
    await t.call('/x', {}, testContext());
    now = new Date(now.getTime() + 7200_000 - 4 * 60_000);
    await t.call('/x', {}, testContext());
    expect(seen.length).toBe(2);
  });

  it('a token WeChat calls invalid is replaced once; a second refusal stands', async () => {
    const seen: unknown[] = [];
    const used: string[] = [];
    server.use(
      tokenEndpoint(['OLD', 'NEW', 'NEWER'], seen),
      http.post('https://wx.test/x', ({ request }) => {
        const tok = new URL(request.url).searchParams.get('access_token') ?? '';
        used.push(tok);
        return HttpResponse.json(tok === 'NEW' ? { errcode: 0 } : { errcode: 40001, errmsg: 'invalid credential' });
      }),
    );
    await expect(transport().call('/x', {}, testContext())).resolves.toEqual({ errcode: 0 });
    expect(used).toEqual(['OLD', 'NEW']);
    server.use(tokenEndpoint(['A', 'B'], seen), http.post('https://wx.test/x', () => HttpResponse.json({ errcode: 42001, errmsg: 'access_token expired' })));
    const e = await transport().call('/x', {}, testContext()).catch((x: unknown) => x);
    expect(e instanceof AdapterError && [e.code, e.retryable]).toEqual(['wechat_42001', false]);
  });

  it('a wrong secret is rejected, a busy system and a 502 are retryable', async () => {
    server.use(http.post('https://wx.test/cgi-bin/stable_token', () => HttpResponse.json({ errcode: 40125, errmsg: 'invalid appsecret' })));
    const e1 = await transport().call('/x', {}, testContext()).catch((x: unknown) => x);
    expect(e1 instanceof AdapterError && [e1.code, e1.retryable]).toEqual(['wechat_40125', false]);
    server.use(tokenEndpoint(['T'], []), http.post('https://wx.test/x', () => HttpResponse.json({ errcode: -1, errmsg: 'system error' })));
    const e2 = await transport().call('/x', {}, testContext()).catch((x: unknown) => x);
    expect(e2 instanceof AdapterError && e2.retryable).toBe(true);
    server.use(tokenEndpoint(['T'], []), http.post('https://wx.test/x', () => HttpResponse.text('bad gateway', { status: 502 })));
    const e3 = await transport().call('/x', {}, testContext()).catch((x: unknown) => x);
    expect(e3 instanceof AdapterError && [e3.code, e3.retryable]).toEqual(['http_502', true]);
  });
});
