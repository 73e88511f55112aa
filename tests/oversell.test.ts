import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * Zero oversell through the whole path (webhook, workflow, Lua lock) on the real dev server and
 * Redis: many concurrent orders for one SKU with few units. (The pool's own test does 1,000
 * concurrent locks against 100 units; here every order is a real workflow, so the count is
 * sized for a two-core CI box.)
 */
const ORDERS = 200;
const UNITS = 20;
const WH = 'WH-O';
let hub: Hub & { prefix: string };
let pool: InventoryPool;

beforeAll(async () => {
  // 200 webhooks at once on a loaded 2-core machine: the longest start deadline allowed, so a slow
  // Temporal answers 200 late instead of 503 (this test is about the stock lock, not outages).
  hub = await startTestHub({ config: { lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold' }, rules: { risk: { maxOrdersPer24h: 100_000 } }, resilience: { temporalStartDeadlineMs: 4_500 } } });
  pool = new InventoryPool(hub.redis, hub.prefix);
  await pool.setOnHand(WH, 'HOT-1', UNITS);
  await pool.setOnHand(WH, 'COLD-1', 10_000);
});
afterAll(async () => {
  await hub?.stop();
});

describe('many orders, few units', () => {
  it(`${ORDERS} concurrent orders for ${UNITS} units lock exactly ${UNITS}; the rest wait in the decision queue`, async () => {
    const bodies = Array.from({ length: ORDERS }, () => {
      const id = newOrderId();
      return sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "HOT-1"').replace('"sku": "IPOD2008BLUE"', '"sku": "COLD-1"').replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
    });
    const keys: string[] = [];
    for (let i = 0; i < bodies.length; i += 25) {
      const batch = await Promise.all(bodies.slice(i, i + 25).map((b) => hub.app.request('/webhooks/shopify', shopifyRequest(b))));
      for (const r of batch) {
        expect(r.status).toBe(200);
        keys.push((await json(r)).orderKey);
      }
    }
    // Every workflow reaches a resting state: locked, or held for stock.
    const states = new Map<string, string>();
    for (let round = 0; round < 300 && states.size < ORDERS; round++) {
      for (const k of keys) {
        if (states.has(k)) continue;
        const s = await json(await hub.app.request(`/api/orders/${k}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
        if (s.state === 'inventory_locked' || (s.state === 'on_hold' && s.hold?.reason === 'insufficient_stock')) states.set(k, s.state);
      }
      if (states.size < ORDERS) await new Promise((r) => setTimeout(r, 250));
    }
    const locked = [...states.values()].filter((s) => s === 'inventory_locked').length;
    expect(states.size).toBe(ORDERS);
    expect(locked).toBe(UNITS);
    expect(await pool.get(WH, 'HOT-1')).toMatchObject({ onHand: UNITS, locked: UNITS, available: 0 });
    // All-or-nothing: the held orders locked none of their other line either.
    expect(await pool.get(WH, 'COLD-1')).toMatchObject({ locked: UNITS });
  });
});
