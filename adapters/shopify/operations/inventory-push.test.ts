import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext, testDeps } from '../../_shared/platform-testing.js';
import shopify, { shopifyConfig } from '../index.js';
import { ShopifyAdmin } from '../admin.js';
import { pushInventory } from './inventory-push.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const URL_SET = 'https://shop-a.myshopify.com/admin/api/2024-07/inventory_levels/set.json';
const admin = new ShopifyAdmin({ shop: 'shop-a.myshopify.com', accessToken: 'shpat_x', apiVersion: '2024-07', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n) });
const listings = { 'SKU-A': { inventoryItemId: '808950810' }, 'SKU-B': { inventoryItemId: '808950811' } };
const deps = { admin, locationId: '655441491', listings };
const level = (item: number, available: number) => ({ inventory_level: { inventory_item_id: item, location_id: 655441491, available, updated_at: '2024-05-01T10:00:00+08:00', admin_graphql_api_id: `gid://shopify/InventoryLevel/655441491?inventory_item_id=${item}` } });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

describe('shopify inventory.push', () => {
  it('sets the absolute available quantity per inventory item at the location, with the access token; unmapped SKUs reported', async () => {
    const sent: { token: string | null; body: unknown }[] = [];
    server.use(
      http.post(URL_SET, async ({ request }) => {
        const body = (await request.json()) as { inventory_item_id: number; available: number };
        sent.push({ token: request.headers.get('x-shopify-access-token'), body });
        return HttpResponse.json(level(body.inventory_item_id, body.available));
      }),
    );
    const ctx = testContext();
    const r = await pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 7 }, { sku: 'SKU-X', available: 3 }, { sku: 'SKU-B', available: -1 }] }, ctx);
    expect(r).toEqual({ pushed: 2, unmapped: ['SKU-X'], rejected: [] });
    expect(sent).toEqual([
      { token: 'shpat_x', body: { location_id: 655441491, inventory_item_id: 808950810, available: 7 } },
      { token: 'shpat_x', body: { location_id: 655441491, inventory_item_id: 808950811, available: 0 } },
    ]);
    expect(ctx.beats).toBe(2);
  });

  it('a 404/422 refusal is reported for that SKU while the rest go; 429 and 5xx are retryable', async () => {
    server.use(
      http.post(URL_SET, async ({ request }) => {
        const body = (await request.json()) as { inventory_item_id: number; available: number };
        if (body.inventory_item_id === 808950810) return HttpResponse.json({ errors: ['Inventory item does not have inventory tracking enabled'] }, { status: 422 });
        return HttpResponse.json(level(body.inventory_item_id, body.available));
      }),
    );
    const r = await pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }, { sku: 'SKU-B', available: 2 }] }, testContext());
    expect(r).toEqual({ pushed: 1, unmapped: [], rejected: [{ sku: 'SKU-A', code: 'http_422', message: expect.stringContaining('inventory tracking') }] });

    server.use(http.post(URL_SET, () => HttpResponse.json({ errors: 'Not Found' }, { status: 404 })));
    expect((await pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext())).rejected).toEqual([{ sku: 'SKU-A', code: 'http_404', message: expect.stringContaining('Not Found') }]);

    server.use(http.post(URL_SET, () => HttpResponse.json({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { status: 429, headers: { 'retry-after': '2.0' } })));
    expect(await failure(pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext()))).toMatchObject({ retryable: true, code: 'http_429', details: { retryAfterMs: 2000 } });

    server.use(http.post(URL_SET, () => new HttpResponse('<html>502 Bad Gateway</html>', { status: 502 })));
    expect(await failure(pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext()))).toMatchObject({ retryable: true, code: 'http_502' });
  });

  it('a revoked token and a response of unknown shape are reported per SKU, not retried', async () => {
    server.use(http.post(URL_SET, () => HttpResponse.json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, { status: 401 })));
    // 401 is the same for every SKU: each is reported refused, none is silently skipped.
    const r = await pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext());
    expect(r.rejected[0]).toMatchObject({ sku: 'SKU-A', code: 'http_401' });

    server.use(http.post(URL_SET, () => HttpResponse.json({ inventory_level: { location_id: 'x' } })));
    expect((await pushInventory(deps, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext())).rejected).toEqual([{ sku: 'SKU-A', code: 'bad_response', message: expect.stringContaining('inventory_level') }]);
  });

  it('refuses to push without Admin credentials, and the config says so when listings are set', async () => {
    expect(await failure(pushInventory({ admin: null, locationId: undefined, listings }, { warehouse: 'WH1', items: [] }, testContext()))).toBeInstanceOf(AdapterError);
    const bad = shopifyConfig.safeParse({ shop: 'shop-a.myshopify.com', webhookSecret: 's', listings });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['adminAccessToken', 'locationId']);
    expect(shopifyConfig.safeParse({ shop: 'shop-a.myshopify.com', webhookSecret: 's', listings: { A: { inventoryItemId: '99999999999999999999' } }, adminAccessToken: 't', locationId: '1' }).success).toBe(false);
  });

  it('is offered through the adapter instance', async () => {
    server.use(http.post(URL_SET, async ({ request }) => {
      const body = (await request.json()) as { inventory_item_id: number; available: number };
      return HttpResponse.json(level(body.inventory_item_id, body.available));
    }));
    const config = shopifyConfig.parse({ shop: 'shop-a.myshopify.com', webhookSecret: 's', adminAccessToken: 'shpat_x', locationId: '655441491', listings });
    const inst = await shopify.create(config, testDeps());
    await expect(inst.invoke('inventory.push', { warehouse: 'WH1', items: [{ sku: 'SKU-B', available: 4 }] }, testContext())).resolves.toEqual({ pushed: 1, unmapped: [], rejected: [] });
  });
});
