import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { canonicalOrder, causes, LifecycleHarness, lifecycleInput, lifecycleSettings, minutesBetween, states, stubActivities } from '../../tests/support/lifecycle-harness.js';
import { LIFECYCLE_STATE } from '../states.js';
import { recordHistory } from '../../tests/support/histories.js';
import { platformSnapshot } from './definitions.js';

/**
 * The lifecycle from intake to completion on the time-skipping test server with stub activities:
 * intake only, the happy path, payment (in time, too late, pre-sale balance), orders the platform
 * already closed, and the ERP write-back. Holds, the saga and address changes have their own files.
 */
let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start();
}, 120_000);
afterAll(async () => {
  await h?.teardown();
});

describe('intake only (no downstream settings)', () => {
  it.each([
    ['paid', LIFECYCLE_STATE.PAID],
    ['awaiting_payment', LIFECYCLE_STATE.AWAITING_PAYMENT],
    ['cancelled', LIFECYCLE_STATE.CANCELLED],
    ['closed_by_refund', LIFECYCLE_STATE.CLOSED],
  ] as const)('records a %s order and ends %s, touching nothing else', async (status, end) => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ status }), settings: null }));
      const s = await run.result(wf);
      expect(states(s)).toEqual([LIFECYCLE_STATE.RECEIVED, end]);
      expect(stubs.trace()).toEqual([`recordOrder ${wf.workflowId}:record`]);
    });
  });
});

describe('happy path', () => {
  it('locks, waybills, pushes to the WMS, then commits stock on pickup and completes on delivery', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const id = wf.workflowId;
      const pushed = await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(pushed).toMatchObject({ waybillNo: 'SF1001', carrier: 'SF', wmsFeedback: 'WMS-OK' });
      // Registered before each step ran, so a cancel now would undo all three.
      expect(pushed.compensationsPending).toEqual(['release stock', 'cancel waybill', 'intercept at wms-1']);

      await run.tracking(wf, 'picked_up');
      await run.waitFor(wf, LIFECYCLE_STATE.IN_TRANSIT);
      await run.tracking(wf, 'delivered');
      const end = await run.result(wf);

      expect(states(end)).toEqual(['received', 'paid', 'risk_check', 'inventory_locked', 'waybill_issued', 'pushed_to_wms', 'in_transit', 'delivered', 'completed']);
      expect(end.compensationsPending).toEqual([]);
      expect(causes(end)).toContain('customer notified of pickup');
      expect(stubs.trace()).toEqual([
        `recordOrder ${id}:record`,
        'checkOrderRules',
        `lockInventory ${id}:lock-0`,
        `invokeAdapter waybill.create ${id}:waybill-1`,
        `invokeAdapter wms.order.push ${id}:wms-1`,
        `handOverInventory ${id}:lock-0`,
        `commitInventory ${id}:lock-0`,
        `notifyPickup ${id}:notify-pickup`,
      ]);
      const lock = stubs.calls.find((c) => c.name === 'lockInventory')?.input;
      expect(lock).toMatchObject({ warehouse: 'WH-T', expiresAt: null, lines: [{ lineId: 'L1', sku: 'SKU-A', qty: 1 }, { lineId: 'L2', sku: 'SKU-B', qty: 1 }] });
    });
  });

  it('adds the gift lines the rules give and sends them to the courier and the WMS', async () => {
    const gift = { lineId: 'gift:g1', merchantSku: 'GIFT-1', title: 'filter', quantity: 1, unitPrice: { minor: 0, currency: 'CNY' }, lineTotal: { minor: 0, currency: 'CNY' }, discount: { minor: 0, currency: 'CNY' }, refundStatus: 'none' as const, gift: { labelPosition: 'top right' } };
    const stubs = stubActivities({ checkOrderRules: () => ({ holds: [], giftLines: [gift], carrier: 'SF', surcharge: null, waybillNotes: [], address: { matched: true, divisionCode: null, reason: 'not_checked' }, risk: null }) });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      const s = await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(s.order.lines.map((l) => l.lineId)).toEqual(['L1', 'L2', 'gift:g1']);
      expect(stubs.calls.find((c) => c.name === 'lockInventory')?.input).toMatchObject({ lines: [{ sku: 'SKU-A' }, { sku: 'SKU-B' }, { sku: 'GIFT-1' }] });
      expect(stubs.calls.find((c) => c.capability === 'waybill.create')?.input).toMatchObject({ input: { notes: ['Gift: filter x1'] } });
      expect(stubs.calls.find((c) => c.capability === 'wms.order.push')?.input).toMatchObject({ input: { order: { lines: [{}, {}, { lineId: 'gift:g1' }] } } });
    });
  });

  it('a lock that sells a SKU out pushes 0 to the platforms at once (stock-sync child)', async () => {
    const stubs = stubActivities({
      lockInventory: (i) => ({ ok: true, locked: i.lines, expiresAt: i.expiresAt, depleted: ['SKU-B'] }),
      stockSnapshot: () => [{ sku: 'SKU-B', available: 0 }],
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ settings: lifecycleSettings({ stockPushPlatforms: ['tb-shop'] }) }));
      const id = wf.workflowId;
      const s = await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(causes(s)).toContain('sold out: SKU-B; pushing 0 to tb-shop');
      const child = run.env.client.workflow.getHandle(`${id}:stock-push`);
      expect(await child.result()).toEqual({ skus: 1, pushed: ['tb-shop'], failed: [] });
      expect(stubs.calls.find((c) => c.name === 'stockSnapshot')?.input).toEqual({ warehouse: 'WH-T', skus: ['SKU-B'] });
      expect(stubs.calls.find((c) => c.capability === 'inventory.push')?.input).toMatchObject({ connector: 'tb-shop', input: { warehouse: 'WH-T', items: [{ sku: 'SKU-B', available: 0 }] } });
    });
  });

  it('still completes when the customer notice fails, and says so on the timeline', async () => {
    const stubs = stubActivities({
      notifyPickup: () => {
        throw ApplicationFailure.nonRetryable('pickup hook answered HTTP 500');
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput());
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(causes(end).some((c) => c.startsWith('customer notice failed'))).toBe(true);
    });
  });
});

describe('payment', () => {
  it('reserves stock for the countdown and goes on when the payment arrives in time', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ status: 'awaiting_payment' }) }));
      const id = wf.workflowId;
      const waiting = await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      expect(waiting.compensationsPending).toEqual(['release unpaid lock']);
      await run.platform(wf, 'paid');
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(states(end).slice(0, 4)).toEqual(['received', 'awaiting_payment', 'paid', 'risk_check']);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace().slice(0, 5)).toEqual([`recordOrder ${id}:record`, `lockInventory ${id}:lock-0`, `confirmInventoryPaid ${id}:lock-0`, 'checkOrderRules', `lockInventory ${id}:lock-0`]);
      const [countdown, paid] = stubs.calls.filter((c) => c.name === 'lockInventory').map((c) => c.input);
      expect(countdown).toMatchObject({ expiresAt: expect.any(Number) });
      expect(paid).toMatchObject({ expiresAt: null });
      expect(stubs.trace((c) => c.name === 'releaseInventory')).toEqual([]);
    });
  });

  it('locks again under a new key when the countdown sweep released the reservation first', async () => {
    const stubs = stubActivities({ confirmInventoryPaid: () => ({ confirmed: false }) });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ status: 'awaiting_payment' }) }));
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      await run.platform(wf, 'paid');
      const s = await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      expect(s.compensationsPending).toEqual(['release stock', 'cancel waybill', 'intercept at wms-1']);
      expect(stubs.trace((c) => c.name === 'lockInventory' || c.name === 'confirmInventoryPaid')).toEqual([`lockInventory ${id}:lock-0`, `confirmInventoryPaid ${id}:lock-0`, `lockInventory ${id}:lock-1`]);
    });
  });

  it('gives the stock back when the countdown ends, keeps waiting for payment, and closes as unpaid_expired after unpaidCloseHours', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const order = canonicalOrder({ status: 'awaiting_payment', createdAt: new Date(await run.env.currentTimeMs()).toISOString() });
      const wf = await run.start(lifecycleInput({ order, settings: lifecycleSettings({ unpaidLockMinutes: 30, unpaidCloseHours: 72 }) }));
      const id = wf.workflowId;
      // Nobody pays: awaiting the result lets the server skip the 30 minutes, then the 72 hours.
      const end = await run.result(wf);
      expect(states(end)).toEqual(['received', 'awaiting_payment', 'closed']);
      expect(end.timeline.some((t) => /unpaid after 30 minutes: stock released/.test(t.cause))).toBe(true);
      expect(end.timeline.at(-1)).toMatchObject({ cause: 'unpaid_expired: not paid within 72 h', actor: 'hub' });
      expect(minutesBetween(end, 'awaiting_payment', 'closed')).toBeGreaterThanOrEqual(71 * 60);
      // The stock went back once, at the countdown; closing calls nobody.
      expect(stubs.trace()).toEqual([`recordOrder ${id}:record`, `lockInventory ${id}:lock-0`, `releaseInventory ${id}:lock-0`]);
      expect(stubs.calls.at(-1)?.input).toEqual({ holdKey: `${id}:lock-0`, reason: 'unpaid countdown ended' });
    });
  });

  // Seen on the 2,000-order day: the paid copy reached the run just after the hub closed it unpaid,
  // while it wrote its last view to the store. The intake answered it as delivered to the order,
  // the run ignored it (already final), and the order never shipped.
  it('a payment that reaches the run while it winds down its unpaid close starts the order again, store writes numbered on', async () => {
    let closing!: () => void;
    const reachedClose = new Promise<void>((r) => (closing = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const stubs = stubActivities({
      projectOrder: async (p) => {
        if (p.state === LIFECYCLE_STATE.CLOSED) {
          closing();
          await released;
        }
        return { written: true };
      },
    });
    await h.run(stubs, async (run) => {
      const order = canonicalOrder({ status: 'awaiting_payment', createdAt: new Date(await run.env.currentTimeMs()).toISOString() });
      const wf = await run.start({ ...lifecycleInput({ order, settings: lifecycleSettings({ unpaidLockMinutes: 30, unpaidCloseHours: 72 }) }), projection: true });
      // The server's clock moves over the 72 h to the close; the close's last store write then waits.
      await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      const firstRun = (await wf.describe()).runId;
      const slept = run.env.sleep(72 * 3_600_000 + 60_000);
      await reachedClose;
      await wf.signal(platformSnapshot, { status: 'paid', platformStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: new Date(await run.env.currentTimeMs()).toISOString(), receivedAt: new Date().toISOString(), lines: order.lines.map((l) => ({ lineId: l.lineId, refundStatus: l.refundStatus })), address: order.address });
      release();
      await slept;
      await run.waitFor(wf, LIFECYCLE_STATE.PUSHED_TO_WMS);
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      const seqs = stubs.calls.filter((c) => c.name === 'projectOrder').map((c) => (c.input as { seq: number }).seq);
      // The new run's writes continue after the closed run's last one.
      const closedAt = stubs.calls.findIndex((c) => c.name === 'projectOrder' && (c.input as { state: string }).state === LIFECYCLE_STATE.CLOSED);
      expect(closedAt).toBeGreaterThanOrEqual(0);
      expect(seqs.slice(closedAt + 1).every((s, i, all) => s > (seqs[closedAt] ?? 0) && (i === 0 || s > (all[i - 1] ?? 0)))).toBe(true);
      // The closed run that took the payment and went on as a new one (patch paid-while-closing-reopens).
      await recordHistory(wf.workflowId, 'paid-while-closing-continued', { address: run.env.address, runId: firstRun });
    });
  });

  it('a payment after the countdown locks stock again under a new key and ships', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const order = canonicalOrder({ status: 'awaiting_payment', createdAt: new Date(await run.env.currentTimeMs()).toISOString() });
      const wf = await run.start(lifecycleInput({ order, settings: lifecycleSettings({ unpaidLockMinutes: 30 }) }));
      const id = wf.workflowId;
      await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      await run.env.sleep(31 * 60_000);
      await run.until(() => run.stubs.trace().includes(`releaseInventory ${id}:lock-0`), 'the countdown release');
      await run.platform(wf, 'paid');
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace()).toContain(`lockInventory ${id}:lock-1`);
      expect(stubs.trace().filter((t) => t.startsWith('releaseInventory'))).toEqual([`releaseInventory ${id}:lock-0`]);
    });
  });

  it('holds a pre-sale order until its balance is paid, allocating no stock before that', async () => {
    const stubs = stubActivities();
    const presale = { depositPaid: { minor: 5000, currency: 'CNY' }, balanceDue: { minor: 34800, currency: 'CNY' }, balancePaidAt: null };
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ orderType: 'presale', presale }) }));
      const id = wf.workflowId;
      const waiting = await run.waitFor(wf, LIFECYCLE_STATE.AWAITING_PAYMENT);
      expect(waiting.timeline.at(-1)?.cause).toBe('pre-sale: deposit paid, waiting for the balance');
      expect(stubs.trace()).toEqual([`recordOrder ${id}:record`]);
      await run.platform(wf, 'balance_paid');
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(states(end).slice(0, 4)).toEqual(['received', 'awaiting_payment', 'paid', 'risk_check']);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace().slice(1, 3)).toEqual(['checkOrderRules', `lockInventory ${id}:lock-0`]);
    });
  });

  it.each([
    ['cancelled', LIFECYCLE_STATE.CANCELLED],
    ['closed_by_refund', LIFECYCLE_STATE.CLOSED],
  ] as const)('ends an order the platform reports %s at first sight as %s, with nothing to undo', async (status, end) => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ order: canonicalOrder({ status }) }));
      const s = await run.result(wf);
      expect(states(s)).toEqual(['received', end]);
      expect(s.timeline.at(-1)).toMatchObject({ cause: `platform reports ${status}`, actor: 'platform' });
      expect(stubs.trace()).toEqual([`recordOrder ${wf.workflowId}:record`]);
    });
  });
});

describe('ERP write-back (settings.shipmentWriteBack)', () => {
  const settings = lifecycleSettings({ shipmentWriteBack: { 'tb-1': 'erp-1' } });

  it('writes shipped on pickup and delivered on delivery back to the channel’s ERP, each under its own key', async () => {
    const stubs = stubActivities();
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ settings }));
      const id = wf.workflowId;
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      const writes = stubs.calls.filter((c) => c.capability === 'shipment.confirm');
      expect(writes.map((c) => c.key)).toEqual([`${id}:erp-write-back-shipped`, `${id}:erp-write-back-delivered`]);
      expect(writes[0]?.input).toMatchObject({ connector: 'erp-1', input: { orderNo: end.order.source.platformOrderId, event: 'shipped', status: 'SHIPPED', carrier: 'courier-sf', trackingNo: 'SF1001', at: '2026-12-02T09:00:00+08:00' } });
      expect(writes[1]?.input).toMatchObject({ input: { event: 'delivered', status: 'DELIVERED', at: '2026-12-03T15:00:00+08:00' } });
      expect(causes(end)).toEqual(expect.arrayContaining(['ERP erp-1: shipped written back', 'ERP erp-1: delivered written back']));
    });
  });

  it('waits out an ERP outage with the same key and completes only once the ERP has both writes', async () => {
    const stubs = stubActivities({
      invokeAdapter: (req, n) => {
        if (req.capability === 'shipment.confirm' && req.idempotencyKey.endsWith('shipped') && n <= 3) throw ApplicationFailure.retryable('ERP answers 504', 'Unavailable');
        return { ok: true };
      },
    });
    await h.run(stubs, async (run) => {
      const wf = await run.start(lifecycleInput({ settings, order: canonicalOrder() }));
      const id = wf.workflowId;
      await run.shipAndDeliver(wf);
      const end = await run.result(wf);
      expect(end.state).toBe(LIFECYCLE_STATE.COMPLETED);
      expect(stubs.trace((c) => c.capability === 'shipment.confirm')).toEqual([
        ...Array<string>(4).fill(`invokeAdapter shipment.confirm ${id}:erp-write-back-shipped`),
        `invokeAdapter shipment.confirm ${id}:erp-write-back-delivered`,
      ]);
      expect(causes(end).some((c) => c.startsWith('ERP shipped write-back: erp-1 unavailable'))).toBe(true);
      expect(causes(end)).toContain('erp-1 reachable again: ERP shipped write-back done');
    });
  });
});
