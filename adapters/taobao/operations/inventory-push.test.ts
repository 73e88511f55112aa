import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { captureForms, testContext, testDeps } from '../../_shared/platform-testing.js';
import taobao, { taobaoConfig } from '../index.js';
import { signTop, TopTransport } from '../transport.js';
import { pushInventory, type TaobaoListing } from './inventory-push.js';

const URL_ = 'https://top.test/router/rest';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new TopTransport({ appKey: 'k', appSecret: 's', session: 'sess', signMethod: 'md5', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const listings: Record<string, TaobaoListing> = {
  'SKU-RED': { numIid: '612345678901', skuId: '4501234567890' },
  'SKU-ONE': { numIid: '612345678902' },
  'SKU-CODE': { numIid: '612345678903', outerId: 'RED-XL' },
};
const ok = { item_quantity_update_response: { item: { num_iid: 612345678901, num: 5, modified: '2024-05-01 10:00:00' } } };

const capture = (forms: URLSearchParams[], reply?: (f: URLSearchParams) => Response) => captureForms(server, URL_, forms, ok, reply);

describe('taobao inventory.push', () => {
  it('sends a signed taobao.item.quantity.update per mapped SKU with the absolute quantity and type=1', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const ctx = testContext();
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 5 }, { sku: 'SKU-ONE', available: -3 }, { sku: 'SKU-CODE', available: 7 }] }, ctx);
    expect(r).toEqual({ pushed: 3, unmapped: [], rejected: [] });
    // One rate-limit token per request, like every platform call.
    expect(ctx.limited).toEqual(Array.from({ length: 3 }, () => 'taobao.item.quantity.update'));
    const [red, one, code] = forms.map((f) => Object.fromEntries(f));
    expect(red).toMatchObject({ method: 'taobao.item.quantity.update', num_iid: '612345678901', sku_id: '4501234567890', quantity: '5', type: '1', session: 'sess' });
    expect(red?.['outer_id']).toBeUndefined();
    // Below zero is sent as 0: a full overwrite refuses negatives.
    expect(one).toMatchObject({ num_iid: '612345678902', quantity: '0', type: '1' });
    expect(one?.['sku_id']).toBeUndefined();
    expect(code).toMatchObject({ num_iid: '612345678903', outer_id: 'RED-XL', quantity: '7' });
    for (const f of forms) {
      const { sign, ...rest } = Object.fromEntries(f);
      expect(sign).toBe(signTop(rest, 's', 'md5'));
    }
  });

  it('reports SKUs without a listing and sends nothing for them', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms);
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'NOT-LISTED', available: 3 }, { sku: 'SKU-ONE', available: 2 }] }, testContext());
    expect(r).toEqual({ pushed: 1, unmapped: ['NOT-LISTED'], rejected: [] });
    expect(forms.map((f) => f.get('num_iid'))).toEqual(['612345678902']);
  });

  it('reports an isv.* refusal for its SKU and goes on; an isp.* or call-limit error is retryable', async () => {
    const forms: URLSearchParams[] = [];
    capture(forms, (f) =>
      f.get('num_iid') === '612345678901' ? HttpResponse.json({ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isv.item-not-exist', sub_msg: '商品不存在' } }) : HttpResponse.json(ok),
    );
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-RED', available: 1 }, { sku: 'SKU-ONE', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 1, unmapped: [], rejected: [{ sku: 'SKU-RED', code: 'isv.item-not-exist' }] });

    for (const body of [{ error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.top-remote-connection-timeout' } }, { error_response: { code: 7, msg: 'App Call Limited' } }]) {
      server.use(http.post(URL_, () => HttpResponse.json(body)));
      const err = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-ONE', available: 1 }] }, testContext()).catch((e: unknown) => e);
      expect(err instanceof AdapterError && err.retryable).toBe(true);
    }
    server.use(http.post(URL_, () => new HttpResponse('<html>bad gateway</html>', { status: 502 })));
    const e502 = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-ONE', available: 1 }] }, testContext()).catch((e: unknown) => e);
    expect(e502 instanceof AdapterError && e502.retryable).toBe(true);
  });

  it('a success body without the item is a refusal, not a silent success', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ item_quantity_update_response: {} })));
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-ONE', available: 1 }] }, testContext());
    expect(r).toMatchObject({ pushed: 0, rejected: [{ sku: 'SKU-ONE', code: 'bad_response' }] });
  });

  it('is wired: the manifest offers it and the instance pushes the config listings', async () => {
    expect(taobao.manifest.capabilities).toContain('inventory.push');
    const config = taobaoConfig.parse({ appKey: 'k', appSecret: 's', sessionKey: 'x', baseUrl: URL_, listings: { 'SKU-ONE': { numIid: '612345678902' } } });
    expect(taobaoConfig.safeParse({ appKey: 'k', appSecret: 's', sessionKey: 'x', listings: { A: { numIid: 612345678902 } } }).success).toBe(false);
    const forms: URLSearchParams[] = [];
    capture(forms);
    const inst = await taobao.create(config, testDeps());
    await expect(inst.invoke('inventory.push', { warehouse: 'WH1', items: [{ sku: 'SKU-ONE', available: 4 }, { sku: 'B', available: 1 }] }, testContext())).resolves.toEqual({ pushed: 1, unmapped: ['B'], rejected: [] });
    expect(forms[0]?.get('quantity')).toBe('4');
  });
});
