import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../intake/order-intake.js';
import { WORLD } from '../sandbox/world.js';
import type { ShadowWrite } from '../shadow/recorder.js';
import type { TrackingReporter } from './courier.js';
import { EXPECT, SCENARIO, type PlannedOrder } from './plan.js';
import { ShadowFloor } from './shadow-floor.js';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const order = (n: number): PlannedOrder => {
  const id = `69000010000${n}11`;
  return { n, platform: 'douyin', id, key: `${WORLD.channels.douyin}:${id}`, scenario: SCENARIO.NORMAL, expect: EXPECT.SHIP, lines: [{ sku: 'SIM-TEA-250G', qty: 1, price: 6800 }], atMs: 0, variant: 0 };
};
const w = (o: PlannedOrder, capability: string, at: number, answer: unknown = { shadow: true, accepted: true }): ShadowWrite => ({ idempotencyKey: `${o.key}:${capability}:${at}`, recordedAt: new Date(at).toISOString(), workflowId: workflowIdFor(o.key), channel: WORLD.channels.douyin, connector: 'x', capability, request: {}, answer });

function floorWith(orders: PlannedOrder[], writes: ShadowWrite[], fail: Set<string> = new Set()) {
  const reports: string[] = [];
  const report: TrackingReporter = async (o, event, waybillNo) => {
    if (fail.has(o.key)) throw new Error(`${o.key}: tracking ${event} answered 404`);
    reports.push(`${o.key} ${event} ${waybillNo}`);
  };
  const courier = { heldBack: new Set<string>(), undelivered: new Set<string>() };
  const recorder = { list: async () => writes };
  const floor = new ShadowFloor(recorder, WORLD.channels.douyin, orders, courier, { pickupMs: 1_000, deliveryMs: 1_000 }, report);
  return { floor, reports, courier };
}

describe('the shadow floor', () => {
  it("reports a shadow order's handover once its WMS push is recorded, then its delivery, against the shadow waybill", async () => {
    const a = order(1);
    const b = order(2);
    const writes = [w(a, 'waybill.create', T0, { shadow: true, waybillNo: 'SHADOW-AAAAAAAAAAAA' }), w(a, 'wms.order.push', T0), w(b, 'waybill.create', T0, { shadow: true, waybillNo: 'SHADOW-BBBBBBBBBBBB' })];
    const { floor, reports } = floorWith([a, b], writes);
    await floor.tick(T0 + 500);
    expect(reports).toEqual([]);
    await floor.tick(T0 + 1_000);
    expect(reports).toEqual([`${a.key} picked_up SHADOW-AAAAAAAAAAAA`]);
    expect(floor.pickedUp(a.key)).toBe(true);
    expect(floor.pickedUp(b.key)).toBe(false);
    await floor.tick(T0 + 2_000);
    await floor.tick(T0 + 3_000);
    expect(reports).toEqual([`${a.key} picked_up SHADOW-AAAAAAAAAAAA`, `${a.key} delivered SHADOW-AAAAAAAAAAAA`]);
  });

  it('keeps a held-back parcel and an intercepted push at the warehouse, and an undelivered one in transit', async () => {
    const a = order(1);
    const b = order(2);
    const writes = [w(a, 'waybill.create', T0, { shadow: true, waybillNo: 'SHADOW-AAAAAAAAAAAA' }), w(a, 'wms.order.push', T0), w(b, 'waybill.create', T0, { shadow: true, waybillNo: 'SHADOW-BBBBBBBBBBBB' }), w(b, 'wms.order.push', T0), w(b, 'wms.order.intercept', T0 + 10)];
    const { floor, reports, courier } = floorWith([a, b], writes);
    courier.heldBack.add(a.key);
    await floor.tick(T0 + 5_000);
    expect(reports).toEqual([]);
    expect(floor.standing(b.key).wms).toBe('intercepted');
    courier.heldBack.delete(a.key);
    courier.undelivered.add(a.key);
    await floor.tick(T0 + 6_000);
    await floor.tick(T0 + 9_000);
    expect(reports).toEqual([`${a.key} picked_up SHADOW-AAAAAAAAAAAA`]);
  });

  it('says which report failed, tries it again, and gives up after five tries', async () => {
    const a = order(1);
    const { floor, reports } = floorWith([a], [w(a, 'waybill.create', T0, { shadow: true, waybillNo: 'SHADOW-AAAAAAAAAAAA' }), w(a, 'wms.order.push', T0)], new Set([a.key]));
    for (let i = 1; i <= 4; i++) await expect(floor.tick(T0 + 1_000 * i)).rejects.toThrow(`shadow floor: ${a.key}: ${a.key}: tracking picked_up answered 404`);
    await expect(floor.tick(T0 + 5_000)).rejects.toThrow('(given up)');
    await expect(floor.tick(T0 + 6_000)).resolves.toBeUndefined();
    expect(reports).toEqual([]);
  });
});
