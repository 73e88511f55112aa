import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { carrierOrderId } from '../adapters/_shared/waybill.js';
import { sandbox as sfSandbox, type SfSandbox } from '../adapters/sf-express/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { ADMIN_KEY, CS_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { orderApi } from './support/orders.js';

/** Rollback to a version through the normal address-change path (real Temporal, PostgreSQL, SF and WDT stand-ins). */
const WH = 'WH-R';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let sf: SfSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  sf = await sfSandbox.start({ delays: { pickupMs: null, deliveryMs: null } });
  wdt = await wdtSandbox.start({ warehouseNo: WH });
  const sfCfg = sf.connectorConfig();
  const wdtCfg = wdt.connectorConfig('enterprise');
  hub = await startTestHub({
    env: { SF_CHECKWORD: String(sfCfg['checkword']), WDT_SECRET: String(wdtCfg['appsecret']) },
    config: {
      lifecycle: {
        enabled: true,
        warehouse: WH,
        courier: 'sf',
        wms: 'wdt',
        addressWindowMinutes: 120,
        mappings: { waybill: 'sf-express/waybill.v1', waybillUpdate: 'sf-express/waybill-update.v1', wms: 'wangdiantong/trade-push.v1' },
        retry: { maximumAttempts: 20, initialIntervalMs: 200, backoffCoefficient: 1.2 },
      },
      connectors: [
        { id: 'sf', adapter: 'sf-express', config: { ...sfCfg, checkword: '${SF_CHECKWORD}' } },
        { id: 'wdt', adapter: 'wangdiantong', config: { ...wdtCfg, appsecret: '${WDT_SECRET}' } },
      ],
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const sku of ['RB-A', 'RB-B']) await pool.setOnHand(WH, sku, 1000);
});
afterAll(async () => {
  await hub?.stop();
  await sf?.close();
  await wdt?.close();
});

const { waitFor } = orderApi(() => hub);

function order(id: string): string {
  const paid = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return sampleOrder(id, (o) =>
    o
      .replace('"sku": "IPOD2008PINK"', '"sku": "RB-A"')
      .replace('"sku": "IPOD2008BLUE"', '"sku": "RB-B"')
      .replaceAll('"processed_at": "2021-12-31T19:00:00-05:00"', `"processed_at": "${paid}"`)
      .replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`),
  );
}

/** Waybills SF created for this order, live or cancelled (carrier order ids derive from the workflow's keys). */
function sfCreates(id: string): number {
  const ids = new Set([1, 2, 3, 4, 5, 6].map((n) => carrierOrderId(`order:shopify-test:${id}:waybill-${n}`)));
  const w = sf.state().waybills;
  return [...w.live, ...w.cancelled].filter((x) => ids.has(x.orderId)).length;
}

async function versions(key: string): Promise<{ seq: number; actor: string; changes: { field: string; before: Json; after: Json }[] }[]> {
  return (await json(await hub.app.request(`/api/orders/${key}/versions`, { headers: admin }))).versions;
}

/** Until the store has projected what the workflow answered (the projection follows the step). */
async function storeCaughtUp(key: string, city: string): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end; ) {
    const v = await versions(key);
    if (v.some((x) => x.changes.some((c) => c.field === 'address' && c.after?.city === city))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the store never showed ${city}`);
}

describe('rollback to a version', () => {
  it('change the address twice, roll back to the first change: one re-issue, and the trail shows all three', async () => {
    const id = newOrderId();
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(order(id)));
    const key: string = (await json(res)).orderKey;
    const s = await waitFor(key, 'pushed_to_wms');
    const change = async (city: string) => {
      const r = await hub.app.request(`/api/orders/${key}/address`, { method: 'POST', headers: { ...admin, authorization: `Bearer ${CS_KEY}` }, body: JSON.stringify({ address: { ...s.order.address, city } }) });
      expect(r.status).toBe(200);
      expect(await json(r)).toMatchObject({ outcome: 'reissued' });
      await storeCaughtUp(key, city);
    };
    await change('Firsttown');
    await change('Secondville');
    const before = await versions(key);
    const first = before.find((v) => v.changes.some((c) => c.field === 'address' && c.after?.city === 'Firsttown'));
    expect(first).toBeDefined();
    const createsBefore = sfCreates(id);

    // Only the operations lead, and only with confirm: true.
    const url = `/api/orders/${key}/versions/${first?.seq}/rollback`;
    expect((await hub.app.request(url, { method: 'POST', headers: { ...admin, authorization: `Bearer ${CS_KEY}` }, body: JSON.stringify({ confirm: true }) })).status).toBe(403);
    const unconfirmed = await hub.app.request(url, { method: 'POST', headers: admin, body: JSON.stringify({}) });
    expect(unconfirmed.status).toBe(400);
    expect((await json(unconfirmed)).error.message).toContain('confirm');
    expect(sfCreates(id)).toBe(createsBefore);

    const rolled = await hub.app.request(url, { method: 'POST', headers: admin, body: JSON.stringify({ confirm: true, cause: 'buyer asked for the first address' }) });
    expect(rolled.status).toBe(200);
    expect(await json(rolled)).toMatchObject({ ok: true, rolledBackTo: first?.seq, outcome: 'reissued' });
    expect(sfCreates(id)).toBe(createsBefore + 1);
    await storeCaughtUp(key, 'Firsttown');

    const trail = (await versions(key)).filter((v) => v.changes.some((c) => c.field === 'address'));
    expect(trail.slice(-3).map((v) => v.changes.find((c) => c.field === 'address')?.after?.city)).toEqual(['Firsttown', 'Secondville', 'Firsttown']);
    // The rollback is itself versioned, by the operations lead, saying what it rolled back to
    // (the re-issue's version names them; see the report on how who is attributed).
    const after = (await versions(key)).filter((v) => v.seq > Math.max(...before.map((b) => b.seq)));
    expect(after.map((v) => v.actor)).toContain(`admin (rollback to version ${first?.seq}: buyer asked for the first address)`);
    expect((await waitFor(key, 'pushed_to_wms')).order.address.city).toBe('Firsttown');
    expect((await hub.app.request(`/api/orders/${key}/versions/9999/rollback`, { method: 'POST', headers: admin, body: JSON.stringify({ confirm: true }) })).status).toBe(404);
  });
});
