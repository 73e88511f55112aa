import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testContext, testDeps } from '../../_shared/platform-testing.js';
import douyin, { douyinConfig } from '../index.js';
import { DouyinTransport, signDouyin } from '../transport.js';
import { pushInventory } from './inventory-push.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const NOW = new Date('2024-05-01T02:00:00Z');
const transport = new DouyinTransport({ appKey: 'k', appSecret: 's', accessToken: 't', baseUrl: 'https://dy.test', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => NOW });
// Product and SKU ids beyond 2^53: they must go out exactly as configured.
const listings = { 'SKU-A': { productId: '3598765432109876543', skuId: '1798765432109876543' }, 'SKU-B': { productId: '3598765432109876543', skuId: '1798765432109876544' } };
const items = (...xs: [string, number][]) => ({ warehouse: 'WH1', items: xs.map(([sku, available]) => ({ sku, available })) });
const ok = { err_no: 0, code: 10000, msg: 'success', log_id: 'l1', data: {} };

describe('douyin inventory.push', () => {
  it('sends a signed sku.syncStock per listed SKU with absolute stock (incremental=false); unmapped SKUs reported', async () => {
    const sent: { body: string; query: URLSearchParams }[] = [];
    server.use(
      http.post('https://dy.test/sku/syncStock', async ({ request }) => {
        sent.push({ body: await request.text(), query: new URL(request.url).searchParams });
        return HttpResponse.json(ok);
      }),
    );
    const r = await pushInventory(transport, listings, items(['SKU-A', 12], ['SKU-Z', 1], ['SKU-B', -4]), testContext());
    expect(r).toEqual({ pushed: 2, unmapped: ['SKU-Z'], rejected: [] });
    expect(sent.map((s) => s.body)).toEqual([
      '{"incremental":false,"product_id":"3598765432109876543","sku_id":"1798765432109876543","stock_num":12}',
      '{"incremental":false,"product_id":"3598765432109876543","sku_id":"1798765432109876544","stock_num":0}',
    ]);
    const q = sent[0]!.query;
    expect(Object.fromEntries(q)).toMatchObject({ app_key: 'k', method: 'sku.syncStock', v: '2', sign_method: 'hmac-sha256', access_token: 't', timestamp: '1714528800' });
    expect(q.get('sign')).toBe(signDouyin({ appKey: 'k', appSecret: 's', method: 'sku.syncStock', paramJson: sent[0]!.body, timestamp: '1714528800' }));
  });

  it('a business refusal is reported for that SKU and the rest go; an unavailable or throttled platform is retryable', async () => {
    server.use(
      http.post('https://dy.test/sku/syncStock', async ({ request }) => {
        const body = JSON.parse(await request.text()) as { sku_id: string };
        if (body.sku_id === '1798765432109876543') return HttpResponse.json({ err_no: 1, code: 50002, msg: '业务处理失败', sub_code: 'isv.business-failed:sku_not_exist', sub_msg: 'SKU不存在', log_id: 'l2' });
        return HttpResponse.json(ok);
      }),
    );
    expect(await pushInventory(transport, listings, items(['SKU-A', 1], ['SKU-B', 2]), testContext())).toEqual({
      pushed: 1,
      unmapped: [],
      rejected: [{ sku: 'SKU-A', code: 'isv.business-failed:sku_not_exist', message: expect.stringContaining('SKU不存在') }],
    });

    server.use(http.post('https://dy.test/sku/syncStock', () => HttpResponse.json({ err_no: 1, code: 20000, msg: '服务不可用', sub_code: 'isp.service-unavailable' })));
    await expect(pushInventory(transport, listings, items(['SKU-A', 1]), testContext())).rejects.toMatchObject({ retryable: true });
    server.use(http.post('https://dy.test/sku/syncStock', () => HttpResponse.json({ err_no: 1, code: 40004, msg: '调用过于频繁，请稍后重试' })));
    await expect(pushInventory(transport, listings, items(['SKU-A', 1]), testContext())).rejects.toMatchObject({ retryable: true });
    server.use(http.post('https://dy.test/sku/syncStock', () => new HttpResponse('bad gateway', { status: 502 })));
    await expect(pushInventory(transport, listings, items(['SKU-A', 1]), testContext())).rejects.toMatchObject({ retryable: true });
  });

  it('listings are checked at config time and the operation is offered by the instance', async () => {
    const base = { appKey: '7000000000000000001', appSecret: 's', accessToken: 't', baseUrl: 'https://dy.test' };
    const bad = douyinConfig.safeParse({ ...base, listings: { A: { productId: 3598765432109876543, skuId: '1' } } });
    expect(bad.error?.issues[0]?.path).toEqual(['listings', 'A', 'productId']);
    server.use(http.post('https://dy.test/sku/syncStock', () => HttpResponse.json(ok)));
    const inst = await douyin.create(douyinConfig.parse({ ...base, listings }), testDeps(NOW));
    await expect(inst.invoke('inventory.push', items(['SKU-B', 3]), testContext())).resolves.toEqual({ pushed: 1, unmapped: [], rejected: [] });
  });
});
