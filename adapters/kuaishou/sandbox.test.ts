import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { testDeps } from '../_shared/platform-testing.js';
import { startWebhookReceiver, type WebhookReceiver } from '../_shared/webhook-receiver.test-helper.js';
import kuaishou, { kuaishouConfig } from './index.js';
import { sandbox, type KuaishouSandbox } from './sandbox.js';

let sb: KuaishouSandbox;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver(async () => kuaishou.create(kuaishouConfig.parse(sb.connectorConfig()), testDeps()), { result: 1 });
  sb = await sandbox.start({ push: { hubUrl: receiver.url } });
  sb.placeOrder({ id: '2015600256209853101', lines: [{ sku: 'A', qty: 1, price: 100 }] });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

describe('kuaishou sandbox', () => {
  it('pushes encrypted order messages the adapter decrypts and reads; a repeated eventId is the same message', async () => {
    const r = await sb.pushOrder('2015600256209853101', { eventId: 'ev-1' });
    expect(r.status).toBe(200);
    await sb.pushOrder('2015600256209853101', { eventId: 'ev-1' });
    expect(receiver.received.map((x) => x.events.map((e) => [e.messageId, e.topic, e.orderId])).flat()).toEqual([
      ['ev-1', 'kwaishop_order_paySuccess', '2015600256209853101'],
      ['ev-1', 'kwaishop_order_paySuccess', '2015600256209853101'],
    ]);
  });
  it('refuses a wrong signature and a wrong token in its own words, and under the bad-signature switch', async () => {
    const get = (q: Record<string, string>) => fetch(`${sb.server.url}/open/order/detail?${new URLSearchParams(q).toString()}`).then((x) => x.json());
    const base = { appkey: 'ks650000000000000001', method: 'open.order.detail', version: '1', timestamp: String(Date.now()), signMethod: 'HMAC_SHA256', param: '{"oid":1}', access_token: 'x' };
    expect(await get({ ...base, sign: 'nope' })).toMatchObject({ result: 28 });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    const inst = await kuaishou.create(kuaishouConfig.parse(sb.connectorConfig()), testDeps());
    const ctx = { signal: new AbortController().signal, idempotencyKey: 'k', logger: testDeps().logger, heartbeat() {} };
    await expect(inst.invoke('order.get', { orderId: '2015600256209853101' }, ctx)).rejects.toMatchObject({ code: 'kuaishou_28', retryable: false });
    await expect(inst.invoke('order.get', { orderId: '2015600256209853101' }, ctx)).resolves.toMatchObject({ orderBaseInfo: { oid: '2015600256209853101' } });
  });
  it('names the field of a bad placeOrder (Kuaishou orders hold one item)', () => {
    expect(() => sb.placeOrder({ id: '1', lines: [{ sku: 'A', qty: 1, price: 1 }, { sku: 'B', qty: 1, price: 1 }] })).toThrow(/lines: a Kuaishou order holds exactly one item/);
  });
});
