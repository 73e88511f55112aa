import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { captureForms, testContext, testDeps } from '../../_shared/platform-testing.js';
import pinduoduo, { pinduoduoConfig } from '../index.js';
import { PddTransport, signPdd } from '../transport.js';
import { pushInventory, type PddListing } from './inventory-push.js';

const URL_ = 'https://pdd.test/api/router';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new PddTransport({ clientId: 'c', clientSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const listings: Record<string, PddListing> = {
  'SKU-RED': { goodsId: '123456789', skuId: '987654321012' },
  'SKU-CODE': { goodsId: '123456790', outerId: 'RED-XL' },
};
const ok = { goods_quantity_update_response: { is_success: true, request_id: 'r' } };

const capture = (forms: URLSearchParams[], reply?: (f: URLSearchParams) => Response) => captureForms(server, URL_, forms, ok, reply);

describe('pinduoduo inventory.push', () => {
  it('sends a signed pdd.goods.quantity.update per mapped SKU with the absolute quantity and update_type=1', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 12 }, { sku: 'SKU-CODE', available: -1 }] }, testContext());
    expect(r).toEqual({ pushed: 2, unmapped: [], rejected: [] });
    const [red, code] = forms.map((f) => Object.fromEntries(f));
    expect(red).toMatchObject({ type: 'pdd.goods.quantity.update', client_id: 'c', access_token: 't', goods_id: '123456789', sku_id: '987654321012', quantity: '12', update_type: '1' });
    expect(red?.['outer_id']).toBeUndefined();
    expect(code).toMatchObject({ goods_id: '123456790', outer_id: 'RED-XL', quantity: '0', update_type: '1' });
    expect(code?.['sku_id']).toBeUndefined();
    for (const f of forms) {
      const { sign, ...rest } = Object.fromEntries(f);
      expect(sign).toBe(signPdd(rest, 's'));
    }
  });

  it('reports SKUs without a listing and sends nothing for them', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'NOT-LISTED', available: 3 }, { sku: 'SKU-RED', available: 2 }] }, testContext());
    expect(r).toEqual({ pushed: 1, unmapped: ['NOT-LISTED'], rejected: [] });
    expect(forms.map((f) => f.get('goods_id'))).toEqual(['123456789']);
  });

  it('a business error or is_success=false is reported for its SKU; overload and rate limits are retryable', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms, (f) => (f.get('goods_id') === '123456789' ? HttpResponse.json({ error_response: { error_code: 10000, error_msg: '参数错误', sub_msg: '商品不存在' } }) : HttpResponse.json({ goods_quantity_update_response: { is_success: false } })));
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }, { sku: 'SKU-CODE', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'SKU-RED', code: 'pdd_10000' }, { sku: 'SKU-CODE', code: 'stock-refused' }] });

    for (const body of [{ error_response: { error_code: 54001, error_msg: '过载保护' } }, { error_response: { error_code: 70031, error_msg: '调用过于频繁' } }]) {
      server.use(http.post(URL_, () => HttpResponse.json(body)));
      const err = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }] }, testContext()).catch((e: unknown) => e);
      expect(err instanceof AdapterError && err.retryable).toBe(true);
    }
    server.use(http.post(URL_, () => new HttpResponse('busy', { status: 503 })));
    const e503 = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }] }, testContext()).catch((e: unknown) => e);
    expect(e503 instanceof AdapterError && e503.retryable).toBe(true);
  });

  it('is wired: the manifest offers it, the config refuses a listing without skuId or outerId, the instance pushes', async () => {
    expect(pinduoduo.manifest.capabilities).toContain('inventory.push');
    const base = { clientId: 'c', clientSecret: 's', accessToken: 't', baseUrl: URL_ };
    const bad = pinduoduoConfig.safeParse({ ...base, listings: { A: { goodsId: '1' } } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual(['listings.A.skuId']);
    const forms: URLSearchParams[] = [];
    capture(forms);
    const inst = await pinduoduo.create(pinduoduoConfig.parse({ ...base, listings: { A: { goodsId: '1', skuId: '2' } } }), testDeps());
    await expect(inst.invoke('inventory.push', { warehouse: 'WH1', items: [{ sku: 'A', available: 9 }] }, testContext())).resolves.toEqual({ pushed: 1, unmapped: [], rejected: [] });
    expect([forms[0]?.get('sku_id'), forms[0]?.get('quantity')]).toEqual(['2', '9']);
  });
});
