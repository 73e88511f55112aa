import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signErpBody } from '../adapters/legacy-erp/signature.js';
import { signYouzanPush } from '../adapters/youzan/webhook.js';
import { createLogger } from '../src/logger.js';
import { ADMIN_KEY, CS_KEY, SHOP, startTestHub } from './support/hub.js';
import { sfRoutePushBody } from '../adapters/sf-express/sandbox.js';
import { gmt8WallClock } from '../src/sandbox/courier-kit.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

// Issue 14, second part: least privilege, signature abuse, the SF route token, replays.

const WAREHOUSE_KEY = 'test-warehouse-key';
const FINANCE_KEY = 'test-finance-key';
const SRE_KEY = 'test-sre-key';
const ROUTE_TOKEN = 'sf-route-token-for-the-hostile-test-0123';
const YZ = { clientId: 'yz-client', secret: 'yz-secret' };
const ERP_SECRET = 'erp-webhook-secret';
const FAILURE_LIMIT = 5;

type Hub = Awaited<ReturnType<typeof startTestHub>>;
let hub: Hub;
const logLines: string[] = [];
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  hub = await startTestHub({
    logger: createLogger({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    env: { WAREHOUSE_KEY, FINANCE_KEY, SRE_KEY, SF_ROUTE_TOKEN: ROUTE_TOKEN, YZ_SECRET: YZ.secret, ERP_ODBC: inject('odbcConnectionString'), ERP_SECRET },
    config: {
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'cs', key: '${CS_KEY}', roles: ['customer_service'] },
          { name: 'warehouse', key: '${WAREHOUSE_KEY}', roles: ['warehouse'] },
          { name: 'finance', key: '${FINANCE_KEY}', roles: ['finance'] },
          { name: 'sre', key: '${SRE_KEY}', roles: ['sre'] },
        ],
        metrics: { requireKey: true },
        openapi: { requireKey: true },
      },
      webhooks: { sfRoutePushToken: '${SF_ROUTE_TOKEN}', signatureFailures: { limit: FAILURE_LIMIT, windowSeconds: 3600 } },
      connectors: [
        { id: 'yz', adapter: 'youzan', config: { clientId: YZ.clientId, clientSecret: '${YZ_SECRET}' } },
        { id: 'erp-signed', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { secret: '${ERP_SECRET}' } } },
      ],
      channels: [
        { id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
        { id: 'yz-main', adapter: 'youzan', shop: '12345', connector: 'yz', mapping: 'youzan/order.v1' },
        { id: 'erp-signed', adapter: 'legacy-erp', shop: 'SIGNED', connector: 'erp-signed', mapping: 'legacy-erp/order.v1' },
      ],
    },
  });
});
afterAll(async () => {
  await hub?.stop();
});

describe('GET /api/orders/:id masks recipient data by role', () => {
  it('customer service sees the order as sent, the warehouse what it ships, finance no personal data', async () => {
    const orderId = newOrderId();
    const started = await json(await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId))));
    const get = async (key: string) => {
      for (let i = 0; i < 100; i++) {
        const res = await hub.app.request(`/api/orders/${started.orderKey}`, bearer(key));
        if (res.status === 200) return json(res);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`order ${started.orderKey} not readable`);
    };
    const cs = await get(CS_KEY);
    expect(cs.order.recipient).toEqual({ name: { plaintext: 'Steve Shipper' }, phone: { plaintext: '555-555-SHIP' } });
    expect(cs.order.buyer.email).toEqual({ plaintext: 'jon@example.com' });

    const wh = await get(WAREHOUSE_KEY);
    expect(wh.order.address).toMatchObject({ city: 'Shippington', detail: { plaintext: '123 Shipping Street' } });
    expect(wh.order.recipient).toEqual({ name: { plaintext: 'Steve Shipper' }, phone: { masked: '********SHIP' } });
    expect(JSON.stringify(wh)).not.toContain('jon@example.com');

    const fin = await get(FINANCE_KEY);
    const text = JSON.stringify(fin);
    for (const pii of ['Steve Shipper', '555-555-SHIP', 'jon@example.com', '123 Shipping Street', '40003']) expect(text).not.toContain(pii);
    expect(fin.order.totals.paid).toEqual(cs.order.totals.paid);
    expect(fin.order.lines).toEqual(cs.order.lines);
  });
});

describe('/metrics and /openapi.json behind a key when configured', () => {
  it('refuses them without a key, and /metrics to a role not configured for it', async () => {
    expect((await hub.app.request('/metrics')).status).toBe(401);
    expect((await hub.app.request('/openapi.json')).status).toBe(401);
    expect((await hub.app.request('/metrics', bearer(CS_KEY))).status).toBe(403);
    const m = await hub.app.request('/metrics', bearer(SRE_KEY));
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('zhongshu_http_requests_total');
    expect((await hub.app.request('/openapi.json', bearer(FINANCE_KEY))).status).toBe(200);
  });
});

const metric = async (name: string, labels: string): Promise<number> => {
  const text = await (await hub.app.request('/metrics', bearer(SRE_KEY))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe('signature failures are limited and summarised', () => {
  it('1,000 bad Shopify signatures: 401 up to the limit, then 429 with Retry-After, and no log line per failure', async () => {
    const from = logLines.length;
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const res = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(newOrderId()), { hmac: `forged-${i}` }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: FAILURE_LIMIT, 429: 1000 - FAILURE_LIMIT });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
    const lines = logLines.slice(from).filter((l) => /signature|rejected/i.test(l));
    // One summary per window at most (the window here is an hour: none or one).
    expect(lines.length).toBeLessThanOrEqual(1);
    // A valid signature from the same source is never refused.
    const ok = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(newOrderId())));
    expect(ok.status).toBe(200);
  });
});

describe('SF route token', () => {
  const push = (mailno: string, id: string) => sfRoutePushBody([{ waybillNo: mailno, orderId: '', route: { opCode: '50', acceptTime: gmt8WallClock(new Date()), acceptAddress: '', remark: '' } }]).replace(/"id":"[^"]*"/, `"id":"${id}"`);

  it('a push whose handling fails is processed again on SF retry, and the token never reaches a log line', async () => {
    const mailno = `SF${Date.now()}`;
    const waybillKey = `${hub.prefix}waybill:${mailno}`;
    // A waybill record Redis cannot read as a string: the lookup after the dedupe mark fails.
    await hub.redis.hset(waybillKey, 'broken', '1');
    const body = push(mailno, `route-${mailno}`);
    expect(body).toContain(`route-${mailno}`);
    const from = logLines.length;
    const first = await hub.app.request(`/webhooks/sf-express/routes/${ROUTE_TOKEN}`, { method: 'POST', body });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('10');
    await hub.redis.del(waybillKey);
    await hub.redis.set(waybillKey, 'order:no-such-order');
    // The retry is processed (the lookup and the signal run): its order is gone, so 404, not a silent ack.
    const retry = await hub.app.request(`/webhooks/sf-express/routes/${ROUTE_TOKEN}`, { method: 'POST', body });
    expect(retry.status).toBe(404);
    expect((await json(retry)).error.code).toBe('order_not_found');
    const logged = logLines.slice(from).join('\n');
    expect(logged).toContain('/webhooks/sf-express/routes/:token');
    expect(logged).not.toContain(ROUTE_TOKEN);
  });

  it('a wrong token of any length is a 404', async () => {
    for (const t of ['x', ROUTE_TOKEN.slice(0, -1), `${ROUTE_TOKEN}x`, 'y'.repeat(ROUTE_TOKEN.length)]) {
      expect((await hub.app.request(`/webhooks/sf-express/routes/${t}`, { method: 'POST', body: push('SF1', 'r1') })).status).toBe(404);
    }
  });
});

describe('replays deduplicated by the signed body on every pushed platform', () => {
  it('Youzan: a captured push replayed under a fresh (unsigned) msg_id is not processed again', async () => {
    const tid = `E2026${Date.now()}`;
    // A push that fails mapping: each processing would keep one more quarantine entry.
    const msg = encodeURIComponent(JSON.stringify({ full_order_info: { order_info: { tid } } }));
    const body = (msgId: string) => JSON.stringify({ client_id: YZ.clientId, id: tid, kdt_id: 12345, type: 'trade_TradePaid', status: 'WAIT_SELLER_SEND_GOODS', msg, msg_id: msgId, version: 1, sendCount: 0, test: false, sign: signYouzanPush(YZ.clientId, msg, YZ.secret) });
    const post = (b: string) => hub.app.request('/webhooks/youzan/yz-main', { method: 'POST', body: b, headers: { 'content-type': 'application/json' } });
    const admin = bearer(ADMIN_KEY);
    const count = async () => (await json(await hub.app.request('/api/quarantine?channel=yz-main', admin))).total as number;
    const before = await count();
    expect((await post(body(`m-${tid}`))).status).toBe(200);
    expect(await count()).toBe(before + 1);
    expect(await json(await post(body(`forged-${tid}`)))).toEqual({ code: 0, msg: 'success' });
    expect(await count()).toBe(before + 1);
    expect(await metric('zhongshu_webhook_duplicates_total', 'adapter="youzan",by="body"')).toBe(1);
  });

  it('ERP webhooks: a signed body replayed gets the first answer from the body hash, before any parsing', async () => {
    const body = JSON.stringify({ id: `evt-${randomUUID()}`, type: 'stock.changed', occurredAt: new Date().toISOString(), data: { items: [{ sku: 'A', qty: 1 }] } });
    const send = () => {
      const ts = String(Math.floor(Date.now() / 1000));
      return hub.app.request('/webhooks/legacy-erp/erp-signed', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody(ERP_SECRET, ts, body) } });
    };
    const first = await send();
    const firstBody = await json(first);
    const again = await send();
    expect(again.status).toBe(first.status);
    expect(await json(again)).toEqual({ ...firstBody, duplicate: true });
    expect(await metric('zhongshu_webhook_duplicates_total', 'adapter="legacy-erp",by="body"')).toBe(1);
  });
});

describe('deep nesting is refused before parsing, on webhooks and /api alike', () => {
  it('a 10^5-deep body gets a 400 naming the depth limit', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const api = await hub.app.request('/api/orders/shopify-test:1/address', { method: 'POST', body: deep, headers: { authorization: `Bearer ${CS_KEY}`, 'content-type': 'application/json' } });
    expect(api.status).toBe(400);
    expect((await json(api)).error).toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/nests deeper than 256 levels/) });
    const hook = await hub.app.request('/webhooks/shopify', shopifyRequest(deep));
    expect(hook.status).toBe(400);
    expect((await json(hook)).error.message).toMatch(/nests deeper than 256 levels/);
  });
});

// Last in the file: it stops the hub (afterAll's stop is then a no-op).
describe('hub.stop()', () => {
  it('logs the signature guard window summary at stop, not at the next tick of a timer left running', async () => {
    const before = logLines.filter((l) => l.includes('webhook signature failures')).length;
    await hub.stop();
    const after = logLines.filter((l) => l.includes('webhook signature failures'));
    expect(after.length).toBe(before + 1);
    const summary = JSON.parse(after.at(-1) ?? '{}');
    // The 1,000 forged Shopify signatures above, plus the wrong SF route tokens.
    expect(summary.total).toBeGreaterThanOrEqual(1000);
    expect(summary.limited).toBe(1000 - FAILURE_LIMIT);
  });
});
