import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import { startWebhookReceiver, type WebhookReceiver } from '../_shared/webhook-receiver.test-helper.js';
import ownStore, { ownStoreConfig } from './index.js';
import { sandbox, type OwnStoreSandbox } from './sandbox.js';

let sb: OwnStoreSandbox;
let receiver: WebhookReceiver;
const ORDER = {
  orderNo: 'MP-77',
  status: 'paid' as const,
  createdAt: '2026-11-11T10:00:00+08:00',
  amounts: { goods: 100, freight: 0, discount: 0, paid: 100 },
  lines: [{ lineId: '1', sku: 'A', title: 'a', quantity: 1, unitPrice: 100 }],
  recipient: { name: '张三', phone: '13800138000' },
  address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园1号' },
};
beforeAll(async () => {
  receiver = await startWebhookReceiver(async () => ownStore.create(ownStoreConfig.parse(sb.connectorConfig()), { ...testDeps(), now: () => new Date() }));
  sb = await sandbox.start({ push: { hubUrl: receiver.url } });
  sb.placeOrder(ORDER);
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

describe('own-store sandbox', () => {
  it('sends signed events the adapter verifies and reads; a stale timestamp is refused', async () => {
    const r = await sb.sendEvent('MP-77', { id: 'evt-1' });
    expect(r.status).toBe(200);
    expect(receiver.received.at(-1)?.events).toEqual([{ messageId: 'evt-1', topic: 'order.paid', orderId: 'MP-77', payload: { order: ORDER } }]);
    const old = await sb.sendEvent('MP-77', { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(old.status).toBe(401);
  });
  it('refuses callbacks signed with another secret, and answers the bad-signature switch as its own refusal', async () => {
    const wrong = await ownStore.create(ownStoreConfig.parse({ ...sb.connectorConfig(), callbackSecret: 'not-the-shop-secret' }), testDeps(new Date()));
    await expect(wrong.invoke('inventory.push', { warehouse: 'W', items: [{ sku: 'A', available: 1 }] }, testContext())).resolves.toMatchObject({ rejected: [{ sku: 'A', code: 'invalid_signature' }] });
    const right = await ownStore.create(ownStoreConfig.parse(sb.connectorConfig()), testDeps(new Date()));
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    await expect(right.invoke('shipment.confirm', { orderId: 'MP-77', trackingNumber: 'SF9', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ code: 'invalid_signature', retryable: false });
    await expect(right.invoke('shipment.confirm', { orderId: 'MP-77', trackingNumber: 'SF9', carrierCode: 'SF' }, testContext())).resolves.toEqual({ confirmed: true });
  });
  it('names the field of a bad order', () => {
    expect(() => sb.placeOrder({ ...ORDER, amounts: { goods: 1.5, freight: 0, discount: 0, paid: 1.5 } })).toThrow(/amounts\.goods/);
  });
});
