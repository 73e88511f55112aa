import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { carrierOrderId } from '../adapters/_shared/waybill.js';
import { sandbox as sfSandbox, type SfSandbox } from '../adapters/sf-express/sandbox.js';
import { SANDBOX_FAULT } from '../src/sandbox/core.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import { ADMIN_KEY, CS_KEY, startTestHub } from './support/hub.js';
import { json, type Json } from './support/json.js';
import { recordHistory } from './support/histories.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { orderApi } from './support/orders.js';

/**
 * The dual-track waybill rule on the real dev server, with SF and Wangdiantong stand-ins that
 * count what they receive: one update for an overwrite, one cancel plus one create for a
 * re-issue, nothing for needs_review.
 */
const WH = 'WH-A';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let sf: SfSandbox;
/** Requests the SF gateway refused with HTTP 503 while the courier was down (they never reach SF, so carry no order). */
const sfRefused = () => sf.server.arrivals.filter((a) => a.answer === 'HTTP 503').length;
let wdt: WdtSandbox;
/** The WMS's record of one trade (pushes counted, the latest push kept as `raw`). */
const wdtTrade = (tid: string) => wdt.state().trades.list.find((t) => t.tid === tid);
let hub: Hub & { prefix: string; taskQueue: string };

beforeAll(async () => {
  // No courier timers: a pickup would turn every later change into a review.
  sf = await sfSandbox.start({ partnerId: 'ZS-TEST', checkword: 'sf-check', delays: { pickupMs: 3_600_000, deliveryMs: 3_600_000 } });
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  hub = await startTestHub({
    env: { SF_CHECKWORD: 'sf-check', WDT_SECRET: 'wdt-secret' },
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
        { id: 'sf', adapter: 'sf-express', config: { url: String(sf.connectorConfig()['url']), partnerId: 'ZS-TEST', checkword: '${SF_CHECKWORD}', timeoutMs: 5_000 } },
        { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 5_000 } },
      ],
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  for (const sku of ['AC-A', 'AC-B', 'AC-X']) await pool.setOnHand(WH, sku, 1000);
});
afterAll(async () => {
  await hub?.stop();
  await sf?.close();
  await wdt?.close();
});

/** An order paid `paidMinutesAgo` minutes ago (processed_at), so the window edge needs no waiting. */
function order(id: string, paidMinutesAgo: number, skuB = 'AC-B'): string {
  const paid = new Date(Date.now() - paidMinutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "AC-A"').replace('"sku": "IPOD2008BLUE"', `"sku": "${skuB}"`).replaceAll('"processed_at": "2021-12-31T19:00:00-05:00"', `"processed_at": "${paid}"`)
      // A phone per order: the risk rule would otherwise hold the sixth order from one buyer.
      .replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
}
async function send(body: string): Promise<string> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
  expect(res.status).toBe(200);
  return (await json(res)).orderKey;
}
const { stateOf, waitFor } = orderApi(() => hub);
function newAddress(current: Json, change: { city?: string; detail?: string }): Json {
  return { ...current, city: change.city ?? current.city, detail: { plaintext: change.detail ?? current.detail.plaintext } };
}
const changeAddress = async (key: string, address: Json): Promise<Response> => hub.app.request(`/api/orders/${key}/address`, { method: 'POST', headers: admin, body: JSON.stringify({ address }) });
/** SF requests for one order (its carrier order ids derive from the workflow's idempotency keys). */
function sfFor(id: string) {
  const ids = [1, 2, 3].map((n) => carrierOrderId(`order:shopify-test:${id}:waybill-${n}`));
  // What SF accepted, from its log (a 'down' gateway answers HTTP 503 and SF keeps nothing).
  const mine = (kind: string) => sf.log.of(kind).filter((e) => ids.includes((e.data as { orderId: string }).orderId)).length;
  return {
    creates: mine('waybill.create'),
    updates: mine('waybill.update'),
    cancels: mine('waybill.cancel'),
    refused: sfRefused(),
    live: sf.state().waybills.live.filter((o) => ids.includes(o.orderId)),
  };
}

describe('address change after payment (dual-track waybill)', () => {
  it('a street-only change inside the window overwrites the waybill and updates the WMS', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5));
    const s = await waitFor(key, 'pushed_to_wms');
    const res = await changeAddress(key, newAddress(s.order.address, { detail: '456 New Street, Apt 9' }));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ outcome: 'overwritten', waybillNo: s.waybillNo });
    expect(sfFor(id)).toMatchObject({ creates: 1, updates: 1, cancels: 0 });
    expect(wdtTrade(id)?.pushes).toBe(2);
    expect([...sf.state().waybills.live, ...sf.state().waybills.cancelled].find((o) => o.waybillNo === s.waybillNo)?.receiver).toMatchObject({ address: expect.stringContaining('456 New Street') });
    await recordHistory(`order:${key}`, 'address-overwritten');
  });

  it('a city change inside the window cancels the waybill, issues a new one and updates the WMS', async () => {
    const id = newOrderId();
    const key = await send(order(id, 119)); // one minute before the window closes
    const s = await waitFor(key, 'pushed_to_wms');
    const res = await changeAddress(key, newAddress(s.order.address, { city: 'Louisville' }));
    const body = await json(res);
    expect(body).toMatchObject({ outcome: 'reissued' });
    expect(body.waybillNo).not.toBe(s.waybillNo);
    const counts = sfFor(id);
    expect(counts).toMatchObject({ creates: 2, cancels: 1, updates: 0 });
    expect(counts.live.map((o) => o.waybillNo)).toEqual([body.waybillNo]);
    expect(wdtTrade(id)?.pushes).toBe(2);
    const after = await stateOf(key);
    expect(after.timeline.map((t: Json) => t.cause).join('\n')).toMatch(/re-issued.*re-pickup requested/);
    await recordHistory(`order:${key}`, 'address-reissued');
  });

  it('outside the window (paid 121 minutes ago) the change goes to review and nothing is sent', async () => {
    const id = newOrderId();
    const key = await send(order(id, 121));
    const s = await waitFor(key, 'pushed_to_wms');
    const before = sfFor(id);
    const res = await changeAddress(key, newAddress(s.order.address, { city: 'Lexington' }));
    expect(await json(res)).toMatchObject({ outcome: 'needs_review', reason: 'outside the 120-minute window after payment' });
    expect({ ...sfFor(id), live: [] }).toEqual({ ...before, live: [] });
    expect(wdtTrade(id)?.pushes).toBe(1);
    const queue = await json(await hub.app.request('/api/decisions', { headers: admin }));
    expect(queue.items).toContainEqual(expect.objectContaining({ orderKey: key, reason: 'address_change_review' }));
    const metrics = await (await hub.app.request('/metrics')).text();
    expect(metrics).toMatch(/zhongshu_address_changes_total\{outcome="needs_review",source="customer_service"\} \d/);
    const audit = await hub.redis.lrange(`${hub.prefix}audit:order:${key}`, 0, -1);
    expect(audit.join()).toContain('"outcome":"needs_review"');
    expect(audit.join()).not.toContain('123 Shipping Street'); // masked in the audit trail
  });

  it('a reviewed change is a real decision: customer service approves and the waybill is re-issued; a reject keeps the old address', async () => {
    const cs = { authorization: `Bearer ${CS_KEY}`, 'content-type': 'application/json' };
    const id = newOrderId();
    const key = await send(order(id, 121));
    const s = await waitFor(key, 'pushed_to_wms');
    expect(await json(await changeAddress(key, newAddress(s.order.address, { city: 'Louisville' })))).toMatchObject({ outcome: 'needs_review' });
    const approved = await hub.app.request(`/api/decisions/${key}`, { method: 'POST', headers: cs, body: JSON.stringify({ action: 'approve', note: 'buyer called' }) });
    expect(approved.status).toBe(200);
    const after = await stateOf(key);
    expect(after.order.address.city).toBe('Louisville');
    expect(after.waybillNo).not.toBe(s.waybillNo);
    expect(sfFor(id)).toMatchObject({ creates: 2, cancels: 1 });
    expect((await json(await hub.app.request('/api/decisions', { headers: admin }))).items).not.toContainEqual(expect.objectContaining({ orderKey: key }));
    const audit = await hub.redis.lrange(`${hub.prefix}audit:order:${key}`, 0, -1);
    expect(audit.join()).toContain('"outcome":"reissued"');

    const id2 = newOrderId();
    const key2 = await send(order(id2, 121));
    const s2 = await waitFor(key2, 'pushed_to_wms');
    await changeAddress(key2, newAddress(s2.order.address, { city: 'Louisville' }));
    const rejected = await hub.app.request(`/api/decisions/${key2}`, { method: 'POST', headers: admin, body: JSON.stringify({ action: 'reject', note: 'not the buyer' }) });
    expect(rejected.status).toBe(200);
    const kept = await stateOf(key2);
    expect(kept.order.address.city).toBe(s2.order.address.city);
    expect(kept.waybillNo).toBe(s2.waybillNo);
    expect(kept.timeline.map((t: Json) => t.cause).join('\n')).toMatch(/address change rejected by admin \(not the buyer\)/);
    expect((await hub.redis.lrange(`${hub.prefix}audit:order:${key2}`, 0, -1)).join()).toContain('"outcome":"rejected"');
    await recordHistory(`order:${key}`, 'address-review-approved-reissued');
  });

  it('after pickup every change goes to review', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5));
    const s = await waitFor(key, 'pushed_to_wms');
    await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'picked_up', at: new Date().toISOString() }) });
    await waitFor(key, 'in_transit');
    const res = await changeAddress(key, newAddress(s.order.address, { detail: '1 Other Road' }));
    expect(await json(res)).toMatchObject({ outcome: 'needs_review', reason: 'the parcel has been picked up' });
    expect(sfFor(id)).toMatchObject({ updates: 0, cancels: 0 });
  });

  it('before any waybill (a held order) the address is simply updated', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5, 'NOT-STOCKED'));
    const held = await waitFor(key, 'on_hold');
    const res = await changeAddress(key, newAddress(held.order.address, { detail: '9 Early Lane' }));
    expect(await json(res)).toMatchObject({ outcome: 'updated', waybillNo: null });
    expect((await stateOf(key)).order.address.detail.plaintext).toBe('9 Early Lane');
    expect(sfFor(id).creates).toBe(0);
  });

  it('two quick changes end with the last address and at most one re-issue', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5));
    const s = await waitFor(key, 'pushed_to_wms');
    const [a, b] = await Promise.all([
      changeAddress(key, newAddress(s.order.address, { city: 'Frankfort' })).then(json),
      changeAddress(key, newAddress(s.order.address, { city: 'Bowling Green' })).then(json),
    ]);
    // Both arrive within the quiet period: applied once, the later one wins, one re-issue.
    const outcomes = [a, b].map((x: Json) => `${x.outcome}${x.superseded ? '(superseded)' : ''}`).sort();
    expect(outcomes).toEqual(['reissued', 'reissued(superseded)']);
    const winner = a.superseded ? 'Bowling Green' : 'Frankfort';
    expect((await stateOf(key)).order.address.city).toBe(winner);
    const counts = sfFor(id);
    expect(counts.live).toHaveLength(1);
    expect(counts).toMatchObject({ creates: 2, cancels: 1 });
  });

  it('a change arriving while the waybill request is in flight is applied after it', async () => {
    const id = newOrderId();
    sf.holdAnswers(1500);
    const key = await send(order(id, 5));
    const firstId = carrierOrderId(`order:shopify-test:${id}:waybill-1`);
    for (let i = 0; i < 100 && !sf.log.of('waybill.create').some((e) => (e.data as { orderId: string }).orderId === firstId); i++) await new Promise((r) => setTimeout(r, 50));
    const current = (await stateOf(key)).order.address;
    const pending = changeAddress(key, newAddress(current, { city: 'Paducah' }));
    sf.holdAnswers(null);
    const res = await json(await pending);
    expect(res.outcome).toBe('reissued');
    const counts = sfFor(id);
    expect(counts.live).toHaveLength(1);
    expect(counts.cancels).toBe(1);
  });

  it('a change while the courier is unreachable waits for it and is not dropped', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5));
    const s = await waitFor(key, 'pushed_to_wms');
    const refusedBefore = sfRefused();
    sf.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, status: 503, remaining: null });
    const pending = changeAddress(key, newAddress(s.order.address, { detail: '77 Patience Ave' }));
    // Past the 2 s quiet period, with time for at least one refused attempt.
    for (let i = 0; i < 60 && sfRefused() === refusedBefore; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sfFor(id)).toMatchObject({ updates: 0 }); // nothing accepted while the courier is down
    expect(sfRefused() - refusedBefore).toBeGreaterThanOrEqual(1); // but the hub kept trying
    sf.server.setFaults({ mode: SANDBOX_FAULT.NONE });
    expect(await json(await pending)).toMatchObject({ outcome: 'overwritten' });
    expect(sfFor(id).updates).toBe(1);
  });

  it('a platform redelivery with a new address is applied as a platform address change', async () => {
    const id = newOrderId();
    const key = await send(order(id, 5));
    const s = await waitFor(key, 'pushed_to_wms');
    // orders/updated from Shopify: same order, the buyer fixed the street.
    const updated = order(id, 5).replaceAll('"address1": "123 Shipping Street"', '"address1": "500 Corrected Blvd"');
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(updated, { topic: 'orders/updated' }));
    expect(await json(res)).toMatchObject({ duplicate: true });
    let after: Json = null;
    for (let i = 0; i < 100; i++) {
      after = await stateOf(key);
      // The address is set first, the courier and WMS calls follow: wait for the timeline entry.
      if (after.timeline.some((t: Json) => String(t.cause).includes('overwritten'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.order.address.detail.plaintext).toContain('500 Corrected Blvd');
    expect(after.timeline.map((t: Json) => t.cause).join('\n')).toMatch(/overwritten with the new street address \(platform\)/);
    expect(sfFor(id)).toMatchObject({ updates: 1, cancels: 0 });
    expect(s.waybillNo).toBe(after.waybillNo);
  });
});
