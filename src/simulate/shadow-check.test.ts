import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../intake/order-intake.js';
import { startSandboxWorld, WORLD, type SandboxWorld } from '../sandbox/world.js';
import type { ShadowWrite } from '../shadow/recorder.js';
import { WaybillOwners } from './courier.js';
import { checkInvariants, type HubView } from './invariants.js';
import { EXPECT, SCENARIO, type PlannedOrder } from './plan.js';
import { checkShadow, type ShadowEvidence } from './shadow-check.js';
import { shadowStanding } from './shadow-floor.js';

let world: SandboxWorld;
beforeAll(async () => {
  world = await startSandboxWorld({ hubUrl: 'http://127.0.0.1:9', skus: [{ sku: 'SIM-TEA-250G', price: 6800, onHand: 100 }] });
});
afterAll(async () => {
  await world?.close();
});

const order = (n: number, scenario: PlannedOrder['scenario'], expect: PlannedOrder['expect']): PlannedOrder => {
  const id = `41000010000${n}01`;
  return { n, platform: 'taobao', id, key: `${WORLD.channels.taobao}:${id}`, scenario, expect, lines: [{ sku: 'SIM-TEA-250G', qty: 1, price: 6800 }], atMs: 0, variant: 0.5 };
};
const ships = order(1, SCENARIO.NORMAL, EXPECT.SHIP);
const neverPaid = order(2, SCENARIO.NEVER_PAID, EXPECT.NONE);
const refunded = order(3, SCENARIO.REFUND_AFTER_PUSH, EXPECT.INTERCEPTED);
const orders = [ships, neverPaid, refunded];
const WAYBILL = 'SHADOW-0123456789AB';
let seq = 0;
function write(o: PlannedOrder | string, capability: string, answer: unknown = { shadow: true, accepted: true }): ShadowWrite {
  const workflowId = typeof o === 'string' ? o : workflowIdFor(o.key);
  return { idempotencyKey: `${workflowId}:${capability}:${++seq}`, recordedAt: new Date(Date.UTC(2026, 11, 6, 12, 0, seq)).toISOString(), workflowId, channel: WORLD.channels.taobao, connector: 'x', capability, request: {}, answer };
}
const shipped = () => [write(ships, 'waybill.create', { shadow: true, waybillNo: WAYBILL, orderId: 'k' }), write(ships, 'shipment.confirm'), write(ships, 'wms.order.push')];
const interceptedWrites = () => [write(refunded, 'waybill.create', { shadow: true, waybillNo: 'SHADOW-FFFFFFFFFFFF', orderId: 'k' }), write(refunded, 'shipment.confirm'), write(refunded, 'wms.order.push'), write(refunded, 'wms.order.intercept'), write(refunded, 'waybill.cancel')];
const hub = new Map<string, HubView>([
  [ships.key, { runStatus: 'COMPLETED', state: 'completed', decision: null, waybillNo: WAYBILL }],
  [neverPaid.key, { runStatus: 'COMPLETED', state: 'unpaid_expired', decision: null, waybillNo: null }],
  [refunded.key, { runStatus: 'COMPLETED', state: 'cancelled', decision: null, waybillNo: null }],
]);
const SYNC = 'sim-final-stock-sync-x';
const evidence = (over: Partial<ShadowEvidence> = {}): ShadowEvidence => ({ world, platform: 'taobao', orders, owners: new WaybillOwners(orders), hub, writes: [...shipped(), ...interceptedWrites(), write(SYNC, 'inventory.push')], confirming: true, stockPush: { workflowId: SYNC }, ...over });
const byId = (r: ReturnType<typeof checkShadow>) => Object.fromEntries(r.map((i) => [i.id, { checked: i.checked, violated: i.violated, examples: i.examples }]));

describe('shadow invariants', () => {
  it('hold for shadow orders whose writes are all recorded and none sent', () => {
    const r = byId(checkShadow(evidence()));
    expect(r['SHADOW_NOTHING_SENT']).toMatchObject({ checked: 3, violated: 0 });
    expect(r['SHADOW_WRITES_RECORDED']).toMatchObject({ checked: 3, violated: 0 });
    expect(r['SHADOW_STOCK_PUSH']).toMatchObject({ checked: 1, violated: 0 });
  });

  it('fail on a shippable order whose confirmation, WMS push or waybill is not recorded', () => {
    const noConfirm = shipped().filter((w) => w.capability !== 'shipment.confirm');
    const noPush = shipped().filter((w) => w.capability !== 'wms.order.push');
    const otherWaybill = new Map(hub).set(ships.key, { runStatus: 'COMPLETED', state: 'completed', decision: null, waybillNo: 'SHADOW-000000000000' });
    for (const [writes, h] of [[noConfirm, hub], [noPush, hub], [shipped(), otherWaybill]] as const) {
      const r = byId(checkShadow(evidence({ writes: [...writes, ...interceptedWrites()], hub: h })));
      expect(r['SHADOW_WRITES_RECORDED']).toMatchObject({ violated: 1, examples: [{ key: ships.key }] });
    }
  });

  it('fail on a write recorded for a never-paid order, and on a refunded one whose push still stands', () => {
    const r = byId(checkShadow(evidence({ writes: [...shipped(), write(neverPaid, 'waybill.create', { shadow: true, waybillNo: 'SHADOW-AAAAAAAAAAAA' }), ...interceptedWrites().slice(0, 3)] })));
    expect(r['SHADOW_WRITES_RECORDED']?.violated).toBe(2);
    expect(r['SHADOW_WRITES_RECORDED']?.examples.map((e) => e.key)).toEqual([neverPaid.key, refunded.key]);
  });

  it('fail when a shadow order reached a real courier, naming the waybill', () => {
    world.sf.carry({ waybillNo: 'SF1400000000001', orderId: `${workflowIdFor(ships.key)}:waybill-1`, receiver: {} });
    try {
      const r = byId(checkShadow(evidence()));
      expect(r['SHADOW_NOTHING_SENT']).toMatchObject({ checked: 3, violated: 1 });
      expect(r['SHADOW_NOTHING_SENT']?.examples[0]?.detail).toMatch(/sf-express SF1400000000001/);
    } finally {
      world.sf.release('SF1400000000001');
    }
  });

  it('fail when the day pushed stock to the shadow platform and the recorder has no push of that sync', () => {
    const r = byId(checkShadow(evidence({ writes: [...shipped(), ...interceptedWrites(), write('sim-final-stock-sync-other', 'inventory.push')] })));
    expect(r['SHADOW_STOCK_PUSH']).toMatchObject({ checked: 1, violated: 1 });
    expect(byId(checkShadow(evidence({ stockPush: null })))['SHADOW_STOCK_PUSH']).toMatchObject({ checked: 0, violated: 0 });
  });

  it("the day's own invariants leave a shadow order's real downstream to them", () => {
    const day = (shadowPlatform: 'taobao' | null) =>
      Object.fromEntries(
        checkInvariants({ world, orders, owners: new WaybillOwners(orders), hub, confirming: new Set(['taobao']), notices: new Map(), cases: new Map(), refundedAfterPickup: new Set(), shadowPlatform, stock: { initial: {}, final: {}, minAvailable: {}, closedWithLock: [] } }).map((i) => [i.id, i]),
      );
    const live = day(null);
    for (const id of ['SHIP_ONE_WAYBILL', 'SHIP_ONE_WMS_TRADE', 'SHIP_ONE_CONFIRMATION', 'INTERCEPTED']) expect(live[id]?.checked, id).toBe(1);
    expect(live['SHIP_ONE_WAYBILL']?.violated).toBe(1);
    const shadow = day('taobao');
    for (const id of ['SHIP_ONE_WAYBILL', 'SHIP_ONE_WMS_TRADE', 'SHIP_ONE_CONFIRMATION', 'INTERCEPTED']) expect(shadow[id]?.checked, id).toBe(0);
    // What holds for shadow orders as for live ones is still checked on them.
    expect(shadow['NOTHING_DOWNSTREAM']).toMatchObject({ checked: 1, violated: 0 });
    expect(shadow['WORKFLOWS_SETTLED']).toMatchObject({ checked: 3, violated: 0 });
  });
});

describe('shadowStanding', () => {
  it('follows the last WMS write and the last waybill not cancelled', () => {
    expect(shadowStanding([])).toEqual({ wms: null, pushedAt: null, waybillNo: null, counts: {} });
    const again = [...interceptedWrites(), write(refunded, 'waybill.create', { shadow: true, waybillNo: 'SHADOW-BBBBBBBBBBBB' }), write(refunded, 'wms.order.push')];
    const s = shadowStanding(again);
    expect(s).toMatchObject({ wms: 'live', waybillNo: 'SHADOW-BBBBBBBBBBBB', counts: { 'wms.order.push': 2, 'wms.order.intercept': 1, 'waybill.create': 2, 'waybill.cancel': 1 } });
    expect(s.pushedAt).toBe(Date.parse(again.at(-1)?.recordedAt ?? ''));
    expect(shadowStanding(interceptedWrites())).toMatchObject({ wms: 'intercepted', pushedAt: null, waybillNo: null });
  });
});
