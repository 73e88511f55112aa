import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext, testDeps } from '../../_shared/platform-testing.js';
import jd, { jdConfig } from '../index.js';
import { JdTransport, signJd } from '../transport.js';
import { pushInventory, type JdListing } from './inventory-push.js';

const URL_ = 'https://jd.test/routerjson';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new JdTransport({ appKey: 'a', appSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const listings: Record<string, JdListing> = { 'SKU-RED': { skuId: '100012345678' }, 'SKU-BLUE': { skuId: '100012345679' } };
const ok = { jingdong_stock_write_updateSkuStock_responce: { code: '0', success: true } };

function capture(forms: URLSearchParams[], reply: (biz: { skuId?: number }) => Response = () => HttpResponse.json(ok)) {
  server.use(
    http.post(URL_, async ({ request }) => {
      const f = new URLSearchParams(await request.text());
      forms.push(f);
      return reply(JSON.parse(f.get('360buy_param_json') ?? '{}') as { skuId?: number });
    }),
  );
}

describe('jd inventory.push', () => {
  it('sends a signed jingdong.stock.write.updateSkuStock per mapped SKU with skuId and the absolute stockNum', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 8 }, { sku: 'SKU-BLUE', available: -4 }] }, testContext());
    expect(r).toEqual({ pushed: 2, unmapped: [], rejected: [] });
    expect(forms.map((f) => [f.get('method'), f.get('access_token'), JSON.parse(f.get('360buy_param_json') ?? '')])).toEqual([
      ['jingdong.stock.write.updateSkuStock', 't', { skuId: 100012345678, stockNum: 8 }],
      ['jingdong.stock.write.updateSkuStock', 't', { skuId: 100012345679, stockNum: 0 }],
    ]);
    for (const f of forms) {
      const { sign, ...rest } = Object.fromEntries(f);
      expect(sign).toBe(signJd(rest, 's'));
    }
  });

  it('reports SKUs without a listing and sends nothing for them', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'NOT-LISTED', available: 3 }, { sku: 'SKU-RED', available: 2 }] }, testContext());
    expect(r).toEqual({ pushed: 1, unmapped: ['NOT-LISTED'], rejected: [] });
    expect(forms).toHaveLength(1);
  });

  it('success=false and a gateway refusal are reported for their SKU; busy and backend timeouts are retryable', async () => {
    capture([], (biz) =>
      biz.skuId === 100012345678
        ? HttpResponse.json({ jingdong_stock_write_updateSkuStock_responce: { code: '0', success: false, zh_desc: 'SKU不存在' } })
        : HttpResponse.json({ error_response: { code: '61', zh_desc: '参数错误', en_desc: 'invalid parameter' } }),
    );
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }, { sku: 'SKU-BLUE', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'SKU-RED', message: expect.stringContaining('SKU不存在') }, { sku: 'SKU-BLUE', code: 'jd_61' }] });

    for (const body of [{ error_response: { code: '66', zh_desc: '服务超时' } }, { jingdong_stock_write_updateSkuStock_responce: { code: '0', success: false, zh_desc: '系统繁忙，请稍后重试' } }]) {
      server.use(http.post(URL_, () => HttpResponse.json(body)));
      const err = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }] }, testContext()).catch((e: unknown) => e);
      expect(err instanceof AdapterError && err.retryable).toBe(true);
    }
  });

  it('a response without the success flag is refused, never counted as pushed', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ jingdong_stock_write_updateSkuStock_responce: { code: '0' } })));
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'SKU-RED', code: 'bad_response' }] });
  });

  it('is wired: the manifest offers it, the config refuses a non-numeric skuId, the instance pushes', async () => {
    expect(jd.manifest.capabilities).toContain('inventory.push');
    const base = { appKey: 'a', appSecret: 's', accessToken: 't', baseUrl: URL_ };
    expect(jdConfig.safeParse({ ...base, listings: { A: { skuId: 'JD-1' } } }).success).toBe(false);
    const forms: URLSearchParams[] = [];
    capture(forms);
    const inst = await jd.create(jdConfig.parse({ ...base, listings: { A: { skuId: '100012345678' } } }), testDeps());
    await expect(inst.invoke('inventory.push', { warehouse: 'WH1', items: [{ sku: 'A', available: 6 }] }, testContext())).resolves.toEqual({ pushed: 1, unmapped: [], rejected: [] });
    expect(JSON.parse(forms[0]?.get('360buy_param_json') ?? '')).toEqual({ skuId: 100012345678, stockNum: 6 });
  });
});
