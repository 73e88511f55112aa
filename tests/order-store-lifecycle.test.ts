import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../src/activities/index.js';
import { createLogger } from '../src/logger.js';
import { createPhoneHasher } from '../src/store/db/phone-hash.js';
import { OrderStore } from '../src/store/db/order-store.js';
import { installTemporalLogger } from '../src/temporal/runtime-logger.js';
import { getOrderState, platformSnapshot, trackingEvent, type OrderState } from '../workflows/order-lifecycle.js';
import { CanonicalOrder } from '../src/canonical/order.js';
import { StoreFinanceSource } from '../src/store/db/finance-source.js';
import { monthRange } from '../src/finance/reconcile.js';
import { canonicalOrder, lifecycleInput } from './support/lifecycle-builders.js';
import { adapterAnswer, stubActivities } from './support/lifecycle-stubs.js';
import { recordHistory } from './support/histories.js';
import { rebuildFromTemporal } from '../src/store/db/rebuild.js';
import { testSchema } from './support/store.js';

/**
 * The lifecycle writing its order into the store (real Temporal dev server, real PostgreSQL and
 * Redis): the downstream systems are recording stubs, the store activities are the real ones.
 */
const logger = createLogger({ level: 'silent' });
const PHONE_KEY = 'lifecycle-store-key';
let store: OrderStore;
let redis: Redis;
let client: Client;
const workers: { worker: Worker; running: Promise<void> }[] = [];

/** Each order's own waybill number, so a search by waybill can only find that order. */
const stubs = stubActivities({
  invokeAdapter: (req) => (req.capability === 'waybill.create' ? { waybillNo: `SF${req.idempotencyKey.replace(/\D/g, '').slice(-10)}`, orderId: req.idempotencyKey } : adapterAnswer(req)),
});

async function startWorker(taskQueue: string, orderStore: OrderStore, projectionStore = orderStore): Promise<{ worker: Worker; running: Promise<void> }> {
  const real = createActivities({ redis, keyPrefix: `st-${taskQueue}:`, logger, orderStore });
  const projecting = createActivities({ redis, keyPrefix: `st-${taskQueue}:`, logger, orderStore: projectionStore });
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: { ...stubs.activities, recordOrder: real.recordOrder, projectOrder: projecting.projectOrder },
  });
  const w = { worker, running: worker.run().finally(() => connection.close()) };
  workers.push(w);
  return w;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  installTemporalLogger(createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'error', name: 'temporal-sdk' }));
  redis = new Redis(inject('redisUrl'));
  store = await OrderStore.open({ url: inject('hubDatabaseUrl'), schema: testSchema(), phoneHashKey: PHONE_KEY, logger });
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  for (const w of workers) {
    if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    await w.running;
  }
  await client?.connection.close();
  await store?.close();
  redis?.disconnect();
});

function start(taskQueue: string, projection = true, status: 'paid' | 'awaiting_payment' = 'paid') {
  const order = canonicalOrder({ channel: 'tb-store', status });
  const input = { ...lifecycleInput({ order }), ...(projection ? { projection: true } : {}) };
  const workflowId = `order:${input.orderKey}`;
  return client.workflow.start('orderLifecycle', { taskQueue, workflowId, args: [input] }).then((h) => ({ h, workflowId, order }));
}

/** The store's row agrees with the workflow's own state. */
function expectStoreAgrees(stored: Awaited<ReturnType<OrderStore['read']>>, live: OrderState): void {
  expect(stored).toMatchObject({ state: live.state, waybillNo: live.waybillNo, carrier: live.carrier, holdReason: live.hold?.reason ?? null });
  expect(stored?.timeline).toEqual(live.timeline);
  expect(stored?.order).toEqual(JSON.parse(JSON.stringify(live.order)));
}

describe('order store projection from the lifecycle', () => {
  it('follows an order to completion; it is found by its waybill and its buyer phone hash', async () => {
    const taskQueue = `store-${randomUUID().slice(0, 8)}`;
    await startWorker(taskQueue, store);
    const { h, workflowId } = await start(taskQueue);
    const waiting = await until('the waybill in the store', async () => {
      const r = await store.read(workflowId);
      return r?.state === 'pushed_to_wms' && r.waybillNo ? r : null;
    });
    const byWaybill = await store.search({ waybillNo: waiting.waybillNo ?? '' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(byWaybill.orders.map((o) => o.workflowId)).toEqual([workflowId]);
    // Taobao sends the phone as ciphertext: the hash is of the ciphertext as sent.
    const hash = createPhoneHasher(PHONE_KEY).ofCiphertext('~ct~phone~');
    const byPhone = await store.search({ buyerPhoneHash: hash, channel: 'tb-store' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(byPhone.orders.map((o) => o.workflowId)).toContain(workflowId);

    await h.signal(trackingEvent, { event: 'picked_up', at: new Date().toISOString(), source: 'test' });
    await h.signal(trackingEvent, { event: 'delivered', at: new Date().toISOString(), source: 'test' });
    const final = await h.result();
    expect(final.state).toBe('completed');
    // The workflow waits for its last write before it ends: the store has the end state now.
    const stored = await store.read(workflowId);
    expectStoreAgrees(stored, final);
    expect(stored?.seq).toBeGreaterThan(3);
    await recordHistory(workflowId, 'store-projection-completed');
  });

  it('loses nothing when the worker dies between a step and its projection write', async () => {
    const taskQueue = `store-crash-${randomUUID().slice(0, 8)}`;
    // The first worker's projection connection is gone (its pool closed): every projection write
    // fails after the step it follows has completed, and the server keeps retrying it.
    const broken = await OrderStore.open({ url: inject('hubDatabaseUrl'), schema: store.db.schema, logger });
    await broken.close();
    const first = await startWorker(taskQueue, store, broken);
    const { h, workflowId } = await start(taskQueue);
    const live = await until('the order waiting for pickup', async () => {
      const s = await h.query(getOrderState);
      return s.state === 'pushed_to_wms' ? s : null;
    });
    // Only the intake record (seq 0) is in: none of the steps after it reached the store.
    expect(await store.read(workflowId)).toMatchObject({ seq: 0, state: 'received', waybillNo: null });
    // The worker process ends here, its projection never written.
    first.worker.shutdown();
    await first.running;

    await startWorker(taskQueue, store);
    const stored = await until('the projection after the restart', async () => {
      const r = await store.read(workflowId);
      return r?.state === 'pushed_to_wms' && r.seq > 0 ? r : null;
    });
    expectStoreAgrees(stored, live);
    expect(stored.waybills).toEqual([{ waybillNo: live.waybillNo, carrier: live.carrier, live: true, confirmedAt: null }]);
    await h.terminate('test done');
  });

  it('an order first seen unpaid carries the payment of its paid copy into the store, so the reconciliation counts it', async () => {
    const taskQueue = `store-paid-${randomUUID().slice(0, 8)}`;
    await startWorker(taskQueue, store);
    const { h, workflowId, order } = await start(taskQueue, true, 'awaiting_payment');
    await until('the unpaid order in the store', async () => (await store.read(workflowId))?.state === 'awaiting_payment');
    // The platform's paid copy: its pay time and what the buyer paid (the simulated shop day found
    // every order paid after it was first seen missing from the month's reconciliation).
    const paidAt = '2026-12-01T10:05:00+08:00';
    const totals = { ...order.totals, paid: { minor: 39800, currency: 'CNY' } };
    await h.signal(platformSnapshot, { status: 'paid', platformStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: paidAt, receivedAt: new Date().toISOString(), lines: order.lines.map((l) => ({ lineId: l.lineId, refundStatus: l.refundStatus })), address: order.address, paidAt, totals });
    const stored = await until('the paid order pushed, in the store', async () => {
      const r = await store.read(workflowId);
      return r?.state === 'pushed_to_wms' ? r : null;
    });
    const canonical = CanonicalOrder.parse(stored.order);
    expect(canonical.paidAt).toBe(paidAt);
    expect(canonical.totals.paid).toEqual({ minor: 39800, currency: 'CNY' });
    const december: string[] = [];
    for await (const o of new StoreFinanceSource(store.db).orders(monthRange('2026-12', '+08:00'))) if (o.source.platformOrderId === order.source.platformOrderId) december.push(o.paidAt ?? 'unpaid');
    expect(december).toEqual([paidAt]);
    expectStoreAgrees(stored, await h.query(getOrderState));
    await recordHistory(workflowId, 'store-projection-paid-after-first-seen');
    await h.terminate('test done');
  });

  it('db rebuild back-fills orders whose workflows never projected, and leaves projected ones alone', async () => {
    const taskQueue = `store-rebuild-${randomUUID().slice(0, 8)}`;
    await startWorker(taskQueue, store);
    // Two orders of a hub from before the store: they write nothing but their intake record.
    const done = await start(taskQueue, false);
    const waiting = await start(taskQueue, false);
    const projected = await start(taskQueue, true);
    for (const o of [done, projected]) {
      await until('pushed to the WMS', async () => (await o.h.query(getOrderState)).state === 'pushed_to_wms');
      await o.h.signal(trackingEvent, { event: 'picked_up', at: new Date().toISOString(), source: 'test' });
      await o.h.signal(trackingEvent, { event: 'delivered', at: new Date().toISOString(), source: 'test' });
    }
    const doneState = await done.h.result();
    await projected.h.result();
    const waitingState = await until('pushed to the WMS', async () => {
      const st = await waiting.h.query(getOrderState);
      return st.state === 'pushed_to_wms' ? st : null;
    });
    expect(await store.read(done.workflowId)).toMatchObject({ seq: 0, state: 'received' });
    // One of them not even in the store (an order from before the intake record).
    await store.db.db.deleteFrom('orders').where('workflow_id', '=', done.workflowId).execute();
    const projectedBefore = await store.read(projected.workflowId);

    const query = `WorkflowType = 'orderLifecycle' AND TaskQueue = '${taskQueue}'`;
    await until('all three listed by Temporal visibility', async () => (await client.workflow.count(query)).count === 3);
    const report = await rebuildFromTemporal({ client, store, query });
    expect(report).toEqual({ listed: 3, written: 2, alreadyProjected: 1, failed: [] });
    expectStoreAgrees(await store.read(done.workflowId), doneState);
    expectStoreAgrees(await store.read(waiting.workflowId), waitingState);
    expect(await store.read(projected.workflowId)).toEqual(projectedBefore);
    // Run again: it refreshes back-filled rows, and still never touches a projected one.
    expect(await rebuildFromTemporal({ client, store, query })).toEqual({ listed: 3, written: 2, alreadyProjected: 1, failed: [] });
    await waiting.h.terminate('test done');
  });
});
