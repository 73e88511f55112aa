import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, CS_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import type { Hub } from '../src/hub.js';

/** `GET /api/orders` reads the order store (real PostgreSQL) that the workflows project into. */
let hub: Hub & { prefix: string };
const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

async function search(query: string) {
  const res = await hub.app.request(`/api/orders?${query}`, admin);
  return { status: res.status, body: await json(res) };
}

async function untilFound(query: string, pred: (o: { state: string }) => boolean) {
  for (const end = Date.now() + 30_000; Date.now() < end; ) {
    const { body } = await search(query);
    const hit = body.orders?.find(pred);
    if (hit) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no order for ${query}`);
}

describe('order search API', () => {
  it('finds a webhook order by platform order id and by the buyer phone as an operator types it', async () => {
    const orderId = newOrderId();
    const body = sampleOrder(orderId, (o) => o.replaceAll('555-555-SHIP', '+86 139-0000-1234'));
    expect((await hub.app.request('/webhooks/shopify', shopifyRequest(body))).status).toBe(200);
    const found = await untilFound(`platformOrderId=${orderId}`, (o) => o.state === 'paid');
    expect(found.orders).toHaveLength(1);
    expect(found.orders[0]).toMatchObject({ orderKey: `shopify-test:${orderId}`, platform: 'shopify', channel: 'shopify-test', paid: { minor: 40300, currency: 'USD' }, skus: ['IPOD2008PINK', 'IPOD2008BLUE'] });
    expect(found.totals).toEqual({ orders: 1, paid: [{ minor: 40300, currency: 'USD' }] });

    const byPhone = await search(`buyerPhone=${encodeURIComponent('13900001234')}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.orders.map((o: { orderKey: string }) => o.orderKey)).toEqual([`shopify-test:${orderId}`]);
    expect((await search('buyerPhone=13900009999')).body.orders).toEqual([]);

    // One order: the store's row and a link to its Temporal history beside the live state.
    const one = await json(await hub.app.request(`/api/orders/shopify-test:${orderId}`, admin));
    expect(one).toMatchObject({ state: 'paid', workflowId: `order:shopify-test:${orderId}`, history: { workflowId: `order:shopify-test:${orderId}` } });
    expect(one.stored.seq).toBeGreaterThanOrEqual(1);

    // Its audit trail: first the order as received (the intake record or the workflow's first
    // projection, whichever reached the store first), last the move to paid.
    const trail = await json(await hub.app.request(`/api/orders/shopify-test:${orderId}/versions`, admin));
    const seqs = trail.versions.map((v: { seq: number }) => v.seq);
    expect(seqs.at(-1)).toBe(one.stored.seq);
    expect(trail.versions[0].changes).toContainEqual({ field: 'state', before: null, after: 'received' });
    expect(trail.versions.at(-1).changes).toContainEqual({ field: 'state', before: 'received', after: 'paid' });
    const csv = await hub.app.request(`/api/orders/shopify-test:${orderId}/versions?format=csv`, admin);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // UTF-8 BOM first (Excel), then the header row.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('workflow_id,seq,at,actor,cause,field,before,after\r\n')).toBe(true);
    expect(text).toContain(`order:shopify-test:${orderId},${one.stored.seq},`);
    expect(text).not.toContain('123 Shipping Street');
    const bad = await hub.app.request(`/api/orders/shopify-test:${orderId}/versions?format=xml`, admin);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toContain('format:');
    expect((await hub.app.request('/api/orders/shopify-test:nope/versions', admin)).status).toBe(404);
  });

  it('answers a bad filter with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['state=nope', 'state:'],
      ['paidFrom=2026-11-01', 'paidFrom:'],
      ['paidFrom=2026-11-02T00:00:00%2B08:00&paidTo=2026-11-01T00:00:00%2B08:00', 'paidFrom: paidFrom must be before paidTo'],
      ['limit=0', 'limit:'],
      ['limit=many', 'limit:'],
      ['platform=ebay', 'platform:'],
      ['buyerPhone=call-me', 'buyerPhone:'],
      ['buyerPhoneHash=abc', 'buyerPhoneHash:'],
      ['cursor=not-a-cursor', 'cursor:'],
      ['sort=price', 'sort:'],
      ['colour=red', 'colour: not a filter of this search'],
      ['shop=a&shop=b', 'shop: given 2 times'],
    ];
    for (const [q, named] of cases) {
      const r = await search(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('invalid_query');
      expect(r.body.error.message, q).toContain(named);
    }
  });

  it('an order whose workflow cannot answer right now (no worker) and that the store has not yet: 503 with Retry-After, not 500', async () => {
    const id = `nw${Date.now()}`;
    // Started on a queue no worker polls: Temporal cannot answer a query for it.
    await hub.client.workflow.start('orderLifecycle', { taskQueue: `no-worker-${id}`, workflowId: `order:shopify-test:${id}`, args: [{}] });
    const res = await hub.app.request(`/api/orders/shopify-test:${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await res.json()).toMatchObject({ error: { code: 'order_unavailable' } });
    await hub.client.workflow.getHandle(`order:shopify-test:${id}`).terminate('test done');
  });

  it('is open to every reading role and closed without a key', async () => {
    expect((await hub.app.request('/api/orders')).status).toBe(401);
    expect((await hub.app.request('/api/orders', { headers: { 'x-api-key': CS_KEY } })).status).toBe(200);
  });
});
