import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import { signErpBody } from '../legacy-erp/signature.js';
import ownStore, { ownStoreConfig } from './index.js';

const base = { webhookSecret: 'wh', callbackSecret: 'cb' };

describe('own-store definition', () => {
  it('marks the secrets and describes every field', () => {
    expect([...secretPaths(ownStoreConfig)].sort()).toEqual(['callbackSecret', 'webhookSecret']);
    const props = Object.entries((ownStoreConfig.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string }> }).properties);
    expect(props.filter(([, v]) => !v.description).map(([k]) => k)).toEqual([]);
  });
  it('offers shipment and stock callbacks only when their URLs are set, and names the field otherwise', async () => {
    expect(ownStore.offers?.(ownStoreConfig.parse(base))).toEqual(['order.webhook']);
    expect(ownStore.offers?.(ownStoreConfig.parse({ ...base, shipmentUrl: 'https://shop.example/ship', stockUrl: 'https://shop.example/stock' }))).toEqual(['order.webhook', 'shipment.confirm', 'inventory.push']);
    const inst = await ownStore.create(ownStoreConfig.parse(base), testDeps());
    await expect(inst.invoke('shipment.confirm', { orderId: 'A', trackingNumber: 'B', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ code: 'not-configured', message: expect.stringContaining('shipmentUrl') });
    await expect(inst.invoke('order.pull', {}, testContext())).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
  it('the instance verifies events against its clock and parses them', async () => {
    const now = new Date('2024-05-01T02:00:00Z');
    const inst = await ownStore.create(ownStoreConfig.parse(base), testDeps(now));
    const body = '{"id":"e1","type":"order.created","order":{"orderNo":"MP-9"}}';
    const ts = String(now.getTime() / 1000);
    const rawBody = new TextEncoder().encode(body);
    expect(inst.verifyWebhook?.({ headers: { 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody('wh', ts, body) }, rawBody })).toEqual({ ok: true });
    expect(inst.verifyWebhook?.({ headers: { 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody('cb', ts, body) }, rawBody })).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(inst.parseWebhook?.({ headers: {}, rawBody }).map((e) => e.orderId)).toEqual(['MP-9']);
  });
});
