import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { ADMIN_KEY, CS_KEY, ENGINEER_KEY, startTestHub } from './support/hub.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { json } from './support/json.js';
import { recordHistory } from './support/histories.js';

let hub: Hub & { prefix: string; taskQueue: string };
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

async function waitForState(orderKey: string, state: string) {
  for (let i = 0; i < 100; i++) {
    const res = await hub.app.request(`/api/orders/${orderKey}`, admin);
    if (res.status === 200) {
      const body = await json(res);
      if (body.state === state) return body;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${orderKey} never reached ${state}`);
}

async function countWorkflows(workflowId: string): Promise<number> {
  let n = 0;
  for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) n++;
  return n;
}

describe('POST /webhooks/shopify (real Temporal, real Redis)', () => {
  it('turns a signed order into a durable workflow whose state the API returns', async () => {
    const orderId = newOrderId();
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId)));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ ok: true, duplicate: false, orderKey: `shopify-test:${orderId}`, workflowId: `order:shopify-test:${orderId}` });

    const state = await waitForState(body.orderKey, 'paid');
    expect(state.runStatus).toMatch(/RUNNING|COMPLETED/);
    expect(state.timeline.map((t: { state: string }) => t.state)).toEqual(['received', 'paid']);
    expect(state.order.source.platformOrderId).toBe(orderId); // exact, though beyond 2^53
    expect(state.order.totals.paid).toEqual({ minor: 40300, currency: 'USD' });
    expect(state.order.lines.map((l: { merchantSku: string }) => l.merchantSku)).toEqual(['IPOD2008PINK', 'IPOD2008BLUE']);
    expect(state.mappings).toEqual({ 'shopify/order': 1 });

    // The activity really wrote the read model.
    const list = await hub.app.request('/api/orders?limit=5', admin);
    expect((await json(list)).orders.map((o: { orderKey: string }) => o.orderKey)).toContain(body.orderKey);
    await recordHistory(body.workflowId, 'intake-only-paid');
  });

  it('answers five concurrent copies of one delivery with one workflow', async () => {
    const orderId = newOrderId();
    const req = shopifyRequest(sampleOrder(orderId), { webhookId: 'same-delivery-' + orderId });
    const results = await Promise.all(Array.from({ length: 5 }, () => hub.app.request('/webhooks/shopify', req)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(results.map((r) => json(r)));
    expect(bodies.filter((b) => b.duplicate === false)).toHaveLength(1);
    await waitForState(`shopify-test:${orderId}`, 'paid');
    expect(await countWorkflows(`order:shopify-test:${orderId}`)).toBe(1);
    // A later redelivery with a new delivery id (Shopify retry of another topic) still starts nothing.
    const again = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId)));
    expect(await json(again)).toMatchObject({ duplicate: true });
    expect(await countWorkflows(`order:shopify-test:${orderId}`)).toBe(1);
  });

  it('rejects a wrong signature, a tampered body and an unknown shop with 401 and counts them', async () => {
    const body = sampleOrder(newOrderId());
    const wrong = await hub.app.request('/webhooks/shopify', shopifyRequest(body, { secret: 'not-the-secret' }));
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('invalid_signature');
    const good = shopifyRequest(body);
    const tampered = await hub.app.request('/webhooks/shopify', { ...good, body: body.replace('"403.00"', '"0.01"') });
    expect(tampered.status).toBe(401);
    const unknown = await hub.app.request('/webhooks/shopify', shopifyRequest(body, { shop: 'evil.myshopify.com' }));
    expect(unknown.status).toBe(401);
    const metrics = await (await hub.app.request('/metrics')).text();
    expect(metrics).toMatch(/zhongshu_webhook_rejections_total\{adapter="shopify",reason="invalid_signature"\} 2/);
    expect(metrics).toMatch(/zhongshu_webhook_rejections_total\{adapter="shopify",reason="unknown_shop"\} 1/);
  });

  it('gives invalid JSON a 400 and an oversized body a 413, naming the problem', async () => {
    const bad = await hub.app.request('/webhooks/shopify', shopifyRequest('{"id": 1,'));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/^body: not valid JSON/) });
    const huge = JSON.stringify({ id: 1, padding: 'x'.repeat(1024 * 1024 + 10) });
    const big = await hub.app.request('/webhooks/shopify', shopifyRequest(huge));
    expect(big.status).toBe(413);
    expect((await json(big)).error.code).toBe('body_too_large');
  });

  it('keeps a body that fails the canonical schema in quarantine, with the path of the failure', async () => {
    const orderId = newOrderId();
    const body = sampleOrder(orderId, (o) => o.replace('"price": "199.00"', '"price": "abc"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(422);
    const err = (await json(res)).error;
    expect(err.code).toBe('mapping_failed');
    expect(err.message).toMatch(/shopify\/order\.v1.*toMinor.*"abc"/);
    const q = await hub.app.request('/api/quarantine', admin);
    const items = (await json(q)).items;
    expect(items.map((i: { id: string }) => i.id)).toContain(err.details.quarantineId);
    const one = await json(await hub.app.request(`/api/quarantine/${err.details.quarantineId}/raw`, { headers: { authorization: `Bearer ${ENGINEER_KEY}` } }));
    expect(one.rawBody).toBe(body); // byte-for-byte, for replay
  });

  it('requires an API key with a suitable role on /api', async () => {
    expect((await hub.app.request('/api/orders')).status).toBe(401);
    expect((await hub.app.request('/api/orders', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await hub.app.request('/api/orders', { headers: { 'x-api-key': CS_KEY } })).status).toBe(200);
    expect((await hub.app.request('/api/quarantine', { headers: { 'x-api-key': CS_KEY } })).status).toBe(403);
    expect((await hub.app.request('/api/orders/shopify-test:does-not-exist', admin)).status).toBe(404);
  });

  it('reports readiness and serves OpenAPI and metrics', async () => {
    const ready = await hub.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect((await json(ready)).checks).toEqual([{ name: 'temporal', ok: true }, { name: 'redis', ok: true }]);
    const spec = await json(await hub.app.request('/openapi.json'));
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/orders/{id}', '/api/quarantine/{id}/replay', '/webhooks/shopify']));
    expect(spec.components.schemas.CanonicalOrder.properties.totals).toBeDefined();
    const metrics = await (await hub.app.request('/metrics')).text();
    expect(metrics).toMatch(/zhongshu_workflows_started_total\{channel="shopify-test"\} \d+/);
    expect(metrics).toMatch(/zhongshu_http_requests_total\{route="\/webhooks\/shopify",method="POST",status="200"\}/);
  });
});
