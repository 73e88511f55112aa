import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as douyinSandbox, type DouyinSandbox } from '../adapters/douyin/sandbox.js';
import { sandbox as shopifySandbox, type ShopifySandbox } from '../adapters/shopify/sandbox.js';
import { sandbox as youzanSandbox, type YouzanSandbox } from '../adapters/youzan/sandbox.js';
import type { Hub } from '../src/hub.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';

/**
 * The platform sandboxes push into a real hub over a socket: Douyin's tag-only message makes
 * the hub fetch the order from the Douyin sandbox with the real adapter; Youzan's and Shopify's
 * pushes carry the order. Each ends as an order in the hub, and a bad signature as a 401.
 */
let hub: Hub;
let server: ServerType;
let dy: DouyinSandbox;
let yz: YouzanSandbox;
let sp: ShopifySandbox;
const suffix = String(Date.now()).slice(-9);
const DY_ID = `6920${suffix}000011`;
const YZ_TID = `E2026${suffix}0001`;
const SP_ID = `45${suffix}`;

beforeAll(async () => {
  const port = await freePort();
  const push = { hubUrl: `http://127.0.0.1:${port}` };
  dy = await douyinSandbox.start({ push, channel: 'dy-sbx' });
  yz = await youzanSandbox.start({ push, channel: 'yz-sbx' });
  sp = await shopifySandbox.start({ push });
  const dyCfg = dy.connectorConfig();
  const yzCfg = yz.connectorConfig();
  const spCfg = sp.connectorConfig();
  hub = await startTestHub({
    env: { DY_SECRET: String(dyCfg['appSecret']), DY_TOKEN: String(dyCfg['accessToken']), YZ_SECRET: String(yzCfg['clientSecret']), SP_SECRET: String(spCfg['webhookSecret']) },
    config: {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: { ...dyCfg, appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}' } },
        { id: 'yz', adapter: 'youzan', config: { ...yzCfg, clientSecret: '${YZ_SECRET}' } },
      ],
      channels: [
        { id: 'dy-sbx', adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v1', poll: { enabled: false } },
        { id: 'yz-sbx', adapter: 'youzan', shop: '12345', connector: 'yz', mapping: 'youzan/order.v1' },
        { id: 'sp-sbx', adapter: 'shopify', shop: spCfg['shop'], secret: '${SP_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
      ],
    },
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: hub.app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await hub?.stop();
  await Promise.all([dy?.close(), yz?.close(), sp?.close()]);
});

const order = async (key: string) => json(await hub.app.request(`/api/orders/${key}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));

describe('platform sandboxes pushing to a real hub', () => {
  it('Douyin: the hub verifies event-sign, fetches the named order from the sandbox and starts it', async () => {
    dy.placeOrder({ id: DY_ID, lines: [{ sku: 'FT-1KG', qty: 2, price: 2950 }] });
    const r = await dy.pushOrder(DY_ID);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ code: 0, msg: 'success' });
    expect(dy.log.of('order.orderDetail').map((e) => e.key)).toContain(DY_ID);
    expect(await order(`dy-sbx:${DY_ID}`)).toMatchObject({ order: { source: { platform: 'douyin', platformOrderId: DY_ID }, totals: { paid: { minor: 5900 } } } });
  });

  it('Youzan: a signed trade push becomes an order; a test push is acknowledged', async () => {
    yz.placeOrder({ id: YZ_TID, lines: [{ sku: 'YZ-SOCK-M', qty: 2, price: 1500 }] });
    expect((await yz.pushOrder(YZ_TID)).status).toBe(200);
    expect(await order(`yz-sbx:${YZ_TID}`)).toMatchObject({ order: { source: { platform: 'youzan', platformOrderId: YZ_TID } } });
    expect(JSON.parse((await yz.pushTest()).body)).toEqual({ code: 0, msg: 'success' });
  });

  it('Shopify: orders/create becomes an order, its redelivery is a duplicate, a wrongly signed one a 401', async () => {
    sp.placeOrder({ id: SP_ID, lines: [{ sku: 'IPOD2008PINK', qty: 1, price: 19900 }] });
    const r = await sp.pushOrder(SP_ID, { topic: 'orders/create' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, orderKey: `sp-sbx:${SP_ID}` });
    expect(JSON.parse((await sp.pushOrder(SP_ID, { topic: 'orders/create', webhookId: r.webhookId })).body)).toMatchObject({ duplicate: true });
    const rogue = await shopifySandbox.start({ push: { hubUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` }, webhookSecret: 'not-the-shop-secret' });
    try {
      rogue.placeOrder({ id: '1', lines: [{ sku: 'A', qty: 1, price: 100 }] });
      expect((await rogue.pushOrder('1')).status).toBe(401);
    } finally {
      await rogue.close();
    }
  });
});
