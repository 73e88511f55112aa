import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

let hub: Hub & { prefix: string };
beforeAll(async () => {
  // Nothing listens on this port: Temporal is "down" for this hub. Redis is the real one.
  const deadPort = await freePort();
  hub = await startTestHub({ config: { temporal: { address: `127.0.0.1:${deadPort}` } }, worker: false });
});
afterAll(async () => {
  await hub?.stop();
});

describe('with Temporal unreachable', () => {
  it('answers webhooks 503 with Retry-After and acknowledges nothing', async () => {
    const orderId = newOrderId();
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId), { webhookId: `w-${orderId}` }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect((await json(res)).error.code).toBe('temporal_unavailable');
    // The delivery id was not remembered, so Shopify's retry will be processed, not skipped.
    expect(await hub.redis.exists(`${hub.prefix}delivery:shopify-test:w-${orderId}`)).toBe(0);
    const list = await json(await hub.app.request('/api/orders', { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    expect(list.orders).toEqual([]);
  });

  it('says which dependency is not ready', async () => {
    const res = await hub.app.request('/readyz');
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body.checks).toContainEqual({ name: 'temporal', ok: false, reason: expect.any(String) });
    expect(body.checks).toContainEqual({ name: 'redis', ok: true });
  });
});
