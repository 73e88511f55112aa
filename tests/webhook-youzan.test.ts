import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signYouzanPush } from '../adapters/youzan/webhook.js';
import type { Hub } from '../src/hub.js';
import { packageRoot } from '../src/util/package-info.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';

/** A pushing platform through its adapter's own verification: Youzan's signed trade push. */
let hub: Hub;
const CLIENT_ID = 'yz-client';
const SECRET = 'yz-secret';
const fixture = readFileSync(path.join(packageRoot(), 'mappings/youzan/__fixtures__/order.v1/paid-multiline-order-discount.input.json'), 'utf8');

beforeAll(async () => {
  hub = await startTestHub({
    env: { YZ_SECRET: SECRET },
    config: {
      connectors: [{ id: 'yz', adapter: 'youzan', config: { clientId: CLIENT_ID, clientSecret: '${YZ_SECRET}' } }],
      channels: [
        { id: 'shopify-test', adapter: 'shopify', shop: 'zhongshu-test.myshopify.com', secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
        { id: 'yz-main', adapter: 'youzan', shop: '12345', connector: 'yz', mapping: 'youzan/order.v1' },
      ],
    },
  });
});
afterAll(async () => {
  await hub?.stop();
});

function push(opts: { msgId: string; tid: string; secret?: string; test?: boolean }): string {
  const order = fixture.replace(/"tid": "[^"]+"/, `"tid": "${opts.tid}"`);
  const msg = encodeURIComponent(order);
  return JSON.stringify({ client_id: CLIENT_ID, id: opts.tid, kdt_id: 12345, type: 'trade_TradePaid', status: 'WAIT_SELLER_SEND_GOODS', msg, msg_id: opts.msgId, version: 1, sendCount: 0, test: opts.test ?? false, sign: signYouzanPush(CLIENT_ID, msg, opts.secret ?? SECRET) });
}
const post = (body: string) => hub.app.request('/webhooks/youzan/yz-main', { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('POST /webhooks/youzan/:channel', () => {
  it('verifies, maps and starts the order; a re-push and a bad signature change nothing', async () => {
    const tid = `E2026${Date.now()}`;
    const res = await post(push({ msgId: `m-${tid}`, tid }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ code: 0, msg: 'success' });
    const state = await json(await hub.app.request(`/api/orders/yz-main:${tid}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    expect(state).toMatchObject({ orderKey: `yz-main:${tid}`, order: { source: { platform: 'youzan', platformOrderId: tid } } });
    expect((await post(push({ msgId: `m-${tid}`, tid }))).status).toBe(200);
    let n = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = 'order:yz-main:${tid}'` })) n++;
    expect(n).toBe(1);
    const bad = await post(push({ msgId: `m2-${tid}`, tid, secret: 'wrong' }));
    expect(bad.status).toBe(401);
  });

  it('acknowledges test pushes without starting anything, and 404s an unknown channel', async () => {
    expect(await json(await post(push({ msgId: 'test-1', tid: 'T-TEST', test: true })))).toEqual({ code: 0, msg: 'success' });
    expect((await hub.app.request('/api/orders/yz-main:T-TEST', { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(404);
    expect((await hub.app.request('/webhooks/youzan/nope', { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
