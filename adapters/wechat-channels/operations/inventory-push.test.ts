import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import type { WeChatSandbox } from '../sandbox.js';
import type { WeChatTransport } from '../transport.js';
import { sandboxTransport } from './operations.test-helper.js';
import { pushInventory } from './inventory-push.js';

let sb: WeChatSandbox;
let transport: WeChatTransport;
let listings: Record<string, { productId: string; skuId: string }>;
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  const a = sb.listItem({ sku: 'SKU-A', quantity: 5 });
  listings = { 'SKU-A': { productId: a.productId, skuId: a.skuId }, 'SKU-GONE': { productId: a.productId, skuId: '999' } };
});
afterAll(() => sb.close());

describe('wechat-channels inventory.push', () => {
  it('sets absolute stock per listed SKU, reports unmapped and refused SKUs, and spends one token per request', async () => {
    const ctx = testContext();
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 7 }, { sku: 'SKU-X', available: 1 }, { sku: 'SKU-GONE', available: 2 }] }, ctx);
    expect(r).toMatchObject({ pushed: 1, unmapped: ['SKU-X'], rejected: [{ sku: 'SKU-GONE' }] });
    expect(sb.state().stock).toEqual({ 'SKU-A': 7 });
    expect(ctx.limited.filter((a) => a === '/channels/ec/product/stock/update').length).toBe(2);
    // Pushed again (a retried activity): the same figure, never an increment.
    await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 7 }] }, testContext());
    expect(sb.state().stock).toEqual({ 'SKU-A': 7 });
  });
  it('a negative availability is sent as 0; a throttled platform stops the push as retryable', async () => {
    await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: -3 }] }, testContext());
    expect(sb.state().stock['SKU-A']).toBe(0);
    sb.failNext({ errcode: 45009, errmsg: 'api freq out of limit' });
    await expect(pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext())).rejects.toMatchObject({ retryable: true });
  });
});
