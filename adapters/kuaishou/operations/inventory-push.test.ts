import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import type { KuaishouSandbox } from '../sandbox.js';
import type { KuaishouTransport } from '../transport.js';
import { pushInventory } from './inventory-push.js';
import { sandboxTransport } from './operations.test-helper.js';

let sb: KuaishouSandbox;
let transport: KuaishouTransport;
let listings: Record<string, { itemId: string; skuId: string }>;
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  const a = sb.listItem({ sku: 'SKU-A', quantity: 5 });
  listings = { 'SKU-A': { itemId: a.itemId, skuId: a.skuId }, 'SKU-GONE': { itemId: a.itemId, skuId: '999' } };
});
afterAll(() => sb.close());

describe('kuaishou inventory.push', () => {
  it('reads the SKU and sends the difference, up and down; the same figure again writes nothing', async () => {
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 8 }, { sku: 'SKU-X', available: 1 }, { sku: 'SKU-GONE', available: 2 }] }, testContext());
    expect(r).toMatchObject({ pushed: 1, unmapped: ['SKU-X'], rejected: [{ sku: 'SKU-GONE', code: 'unknown-sku' }] });
    await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 2 }] }, testContext());
    await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 2 }] }, testContext());
    expect(sb.state().stock).toEqual({ 'SKU-A': 2 });
    expect(sb.state().stockChanges).toEqual([
      { sku: 'SKU-A', changeType: 1, amount: 3 },
      { sku: 'SKU-A', changeType: 2, amount: 6 },
    ]);
  });
  it('a platform refusal (stock reserved for a campaign) is reported per SKU; a QPS limit stops the push as retryable', async () => {
    sb.failNext({ result: 21, error_msg: '当前库存不足，请减少预留数量' }, { method: 'open.item.sku.stock.update' });
    const r = await pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 0 }] }, testContext());
    expect(r.rejected).toMatchObject([{ sku: 'SKU-A', code: 'kuaishou_21' }]);
    sb.failNext({ result: 803, error_msg: 'Exceed qps limit' }, { method: 'open.item.get' });
    await expect(pushInventory(transport, listings, { warehouse: 'WH1', items: [{ sku: 'SKU-A', available: 1 }] }, testContext())).rejects.toMatchObject({ retryable: true });
  });
});
