import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testContext, testDeps } from '../../_shared/platform-testing.js';
import amazon, { amazonConfig } from '../index.js';
import { SpApiTransport } from '../transport.js';
import { pushInventory } from './inventory-push.js';

const EP = 'https://sp.test';
const ITEMS = `${EP}/listings/2021-08-01/items/:sellerId/:sku`;
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new SpApiTransport({ endpoint: EP, tokenUrl: 'https://lwa.test/token', clientId: 'c', clientSecret: 's', refreshToken: 'r', timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
const token = http.post('https://lwa.test/token', () => HttpResponse.json({ access_token: 'Atza|A', expires_in: 3600 }));
const listings = { 'SKU-A': { sellerSku: 'MER 4060/A', productType: 'HOME_BED_AND_BATH' }, 'SKU-B': { sellerSku: 'SKU-B', productType: 'LUGGAGE' } };
const deps = { transport, sellerId: 'A2Z045PNNSBEVP', marketplaceIds: ['ATVPDKIKX0DER'], listings };
const items = (...xs: [string, number][]) => ({ warehouse: 'WH1', items: xs.map(([sku, available]) => ({ sku, available })) });
const accepted = (sku: string) => ({ sku, status: 'ACCEPTED', submissionId: 'f1dc2914-75dd-11ea-bc55-0242ac130003', issues: [] });

describe('amazon inventory.push', () => {
  it('patches fulfillment_availability with the absolute quantity per listed SKU, with the LWA token; unmapped SKUs reported', async () => {
    const sent: { url: URL; token: string | null; body: unknown }[] = [];
    server.use(
      token,
      http.patch(ITEMS, async ({ request, params }) => {
        sent.push({ url: new URL(request.url), token: request.headers.get('x-amz-access-token'), body: await request.json() });
        return HttpResponse.json(accepted(String(params['sku'])));
      }),
    );
    const r = await pushInventory(deps, items(['SKU-A', 880], ['SKU-Z', 5], ['SKU-B', -3]), testContext());
    expect(r).toEqual({ pushed: 2, unmapped: ['SKU-Z'], rejected: [] });
    expect(sent[0]!.url.pathname).toBe('/listings/2021-08-01/items/A2Z045PNNSBEVP/MER%204060%2FA');
    expect(sent[0]!.url.searchParams.get('marketplaceIds')).toBe('ATVPDKIKX0DER');
    expect(sent[0]!.token).toBe('Atza|A');
    expect(sent.map((s) => s.body)).toEqual([
      { productType: 'HOME_BED_AND_BATH', patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 880 }] }] },
      { productType: 'LUGGAGE', patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }] }] },
    ]);
  });

  it('an INVALID submission or a 404 is reported for that SKU while the rest go; 429 and 5xx are retryable', async () => {
    server.use(
      token,
      http.patch(ITEMS, ({ params }) => {
        if (params['sku'] === 'SKU-B') return HttpResponse.json({ sku: 'SKU-B', status: 'INVALID', submissionId: 's2', issues: [{ code: '90220', message: "'fulfillment_availability' is invalid", severity: 'ERROR', attributeNames: ['fulfillment_availability'] }] });
        return HttpResponse.json({ errors: [{ code: 'NOT_FOUND', message: 'Requested item not found', details: '' }] }, { status: 404 });
      }),
    );
    expect(await pushInventory(deps, items(['SKU-A', 1], ['SKU-B', 2]), testContext())).toEqual({
      pushed: 0,
      unmapped: [],
      rejected: [
        { sku: 'SKU-A', code: 'NOT_FOUND', message: expect.stringContaining('Requested item not found') },
        { sku: 'SKU-B', code: '90220', message: expect.stringContaining('INVALID') },
      ],
    });

    server.use(http.patch(ITEMS, () => HttpResponse.json({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }, { status: 429, headers: { 'retry-after': '1' } })));
    await expect(pushInventory(deps, items(['SKU-A', 1]), testContext())).rejects.toMatchObject({ retryable: true, code: 'QuotaExceeded', details: { retryAfterMs: 1000 } });
    server.use(http.patch(ITEMS, () => HttpResponse.json({ errors: [{ code: 'InternalFailure', message: 'We encountered an internal error.' }] }, { status: 500 })));
    await expect(pushInventory(deps, items(['SKU-A', 1]), testContext())).rejects.toMatchObject({ retryable: true, code: 'InternalFailure' });
  });

  it('sellerId is required once listings are configured; the instance offers the operation', async () => {
    const base = { marketplaceIds: ['ATVPDKIKX0DER'], endpoint: EP, lwa: { clientId: 'c', clientSecret: 's', refreshToken: 'r', tokenUrl: 'https://lwa.test/token' } };
    expect(amazonConfig.safeParse({ ...base, listings }).error?.issues.map((i) => i.path.join('.'))).toEqual(['sellerId']);
    expect(amazonConfig.safeParse({ ...base, sellerId: 'A2Z045PNNSBEVP', listings: { A: { sellerSku: 'A' } } }).error?.issues[0]?.path).toEqual(['listings', 'A', 'productType']);
    server.use(token, http.patch(ITEMS, ({ params }) => HttpResponse.json(accepted(String(params['sku'])))));
    const inst = await amazon.create(amazonConfig.parse({ ...base, sellerId: 'A2Z045PNNSBEVP', listings }), testDeps());
    await expect(inst.invoke('inventory.push', items(['SKU-B', 4]), testContext())).resolves.toEqual({ pushed: 1, unmapped: [], rejected: [] });
  });
});
