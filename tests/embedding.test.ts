import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/index.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/** A seller's existing Node service mounts the hub under /zs next to its own routes. */
let hub: Hub;
let server: ServerType;
let base: string;
beforeAll(async () => {
  hub = await startTestHub();
  const existing = new Hono();
  existing.get('/their/own/route', (c) => c.text('still mine'));
  existing.route('/zs', hub.app);
  const port = await freePort();
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: existing.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await hub?.stop();
});

describe('embedding the hub in an existing service', () => {
  it('serves webhooks and the API under a prefix over a real socket, beside the host routes', async () => {
    expect(await (await fetch(`${base}/their/own/route`)).text()).toBe('still mine');
    const orderId = newOrderId();
    const res = await fetch(`${base}/zs/webhooks/shopify`, shopifyRequest(sampleOrder(orderId)));
    expect(res.status).toBe(200);
    const { orderKey } = await json(res);
    await hub.client.workflow.getHandle(`order:${orderKey}`).result();
    const state = await json(await fetch(`${base}/zs/api/orders/${orderKey}`, { headers: { 'x-api-key': ADMIN_KEY } }));
    expect(state).toMatchObject({ orderKey, state: 'paid', runStatus: 'COMPLETED' });
    expect((await fetch(`${base}/zs/healthz`)).status).toBe(200);
  });
});
