import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { ADMIN_KEY, ENGINEER_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * GET /api/orders/:id answers from the workflow, and from the order store when the workflow cannot
 * answer: here, no worker polls its queue (the query misses the route's 5 s deadline). Customer
 * service reads orders this way during a worker restart, and the stored copy must come back with
 * the same masking as the live one for each reader. (The other case, a workflow past retention, is not covered:
 * the dev server keeps describing a deleted workflow for longer than a test can wait.)
 */
type TestHub = Hub & { prefix: string; taskQueue: string };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let hub: TestHub;
let apiOnly: TestHub | null = null;

async function read(h: Hub, key: string, apiKey: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.app.request(`/api/orders/${encodeURIComponent(key)}`, { headers: as(apiKey) });
  return { status: res.status, body: await json(res) };
}

/** A fresh order through the webhook, finished and stored: its key, workflow id and live reads. */
async function storedOrder(): Promise<{ key: string; workflowId: string; live: Record<string, Record<string, unknown>> }> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(newOrderId())));
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  const workflowId = String(body.workflowId);
  await hub.client.workflow.getHandle(workflowId).result();
  const key = workflowId.slice('order:'.length);
  for (const end = Date.now() + 30_000; !(await hub.orders?.read(workflowId)); ) {
    if (Date.now() > end) throw new Error(`${workflowId} never reached the store`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const live: Record<string, Record<string, unknown>> = {};
  for (const [who, apiKey] of [['admin', ADMIN_KEY], ['engineer', ENGINEER_KEY]] as const) {
    const r = await read(hub, key, apiKey);
    expect(r.status).toBe(200);
    expect(r.body.source).toBeUndefined();
    expect(r.body.runStatus).toBe('COMPLETED');
    live[who] = r.body;
  }
  return { key, workflowId, live };
}

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await apiOnly?.stop();
  await hub?.stop();
});

describe('reading an order when its workflow cannot answer', () => {
  it('with no worker on the queue, the read gives up on the workflow after its deadline and answers from the store', async () => {
    const { key, live } = await storedOrder();
    // The same queue and keys, but this process runs no worker, and the first hub's worker stops.
    apiOnly = await startTestHub({ worker: false, prefix: hub.prefix, taskQueue: hub.taskQueue });
    await hub.stop();
    // A platform engineer's view carries no buyer PII (src/http/pii-view.ts), live or stored.
    const r = await read(apiOnly, key, ENGINEER_KEY);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ source: 'store', runStatus: 'UNKNOWN', state: live['engineer']?.state });
    expect(String(r.body.liveError)).not.toBe('');
    expect(r.body.order).toEqual(live['engineer']?.order);
    expect(JSON.stringify(r.body)).not.toContain('555-555-SHIP');
    // The operations lead sees the full order, as in the live read.
    const admin = await read(apiOnly, key, ADMIN_KEY);
    expect(admin.body).toMatchObject({ source: 'store', runStatus: 'UNKNOWN' });
    expect(admin.body.order).toEqual(live['admin']?.order);
    expect(JSON.stringify(admin.body)).toContain('555-555-SHIP');
  });

  it('an order neither Temporal nor the store knows is a 404 naming it', async () => {
    const target = apiOnly ?? hub;
    const r = await read(target, 'shopify-test:404000000001', ADMIN_KEY);
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).toContain('shopify-test:404000000001');
  });
});
