import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestHub, ADMIN_KEY } from './support/hub.js';
import odbc from 'odbc';
import { createErpTables, erpOrderRow, erpTime } from './support/erp-db.js';
import { json } from './support/json.js';
import { recordHistory } from './support/histories.js';
import { packageRoot } from '../src/util/package-info.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { signErpBody } from '../adapters/legacy-erp/signature.js';
import { orderApi } from './support/orders.js';

type Hub = Awaited<ReturnType<typeof startTestHub>>;
let hub: Hub;
let erp: Awaited<ReturnType<typeof createErpTables>>;
let mappingsDir: string;
const SECRET = 'erp-webhook-secret';
const API_KEY = 'erp-api-key-1';
const WH = 'WH-ERP';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

beforeAll(async () => {
  erp = await createErpTables();
  mappingsDir = await mkdtemp(path.join(tmpdir(), 'zs-erp-mappings-'));
  await cp(path.join(packageRoot(), 'mappings'), mappingsDir, { recursive: true });
  hub = await startTestHub({
    env: { ERP_ODBC: inject('odbcConnectionString'), ERP_SECRET: SECRET, ERP_KEY: API_KEY },
    config: {
      mappings: { dir: mappingsDir },
      // Short retries and ERP deadlines, so the write-back outage case below plays out in seconds.
      lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold', retry: { maximumAttempts: 2, initialIntervalMs: 200, backoffCoefficient: 1 } },
      resilience: { breakers: { connectors: { 'erp-signed': { capabilities: { 'shipment.confirm': { timeout: 1_000, resetTimeout: 1_000 } } } } }, outageRetryMs: 1_000 },
      connectors: [
        { id: 'erp-signed', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { secret: '${ERP_SECRET}' }, writeBack: { table: erp.shipments } } },
        { id: 'erp-keyed', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { apiKey: '${ERP_KEY}', warehouse: 'WH-KEYED' } } },
      ],
      channels: [
        { id: 'erp-signed', adapter: 'legacy-erp', shop: 'SIGNED', connector: 'erp-signed', mapping: 'legacy-erp/order.v1' },
        { id: 'erp-keyed', adapter: 'legacy-erp', shop: 'KEYED', connector: 'erp-keyed', mapping: 'legacy-erp/order.v1' },
      ],
    },
  });
});

afterAll(async () => {
  await hub?.stop();
  await erp?.close();
  await rm(mappingsDir, { recursive: true, force: true });
});

function signed(body: string, opts: { ts?: number; secret?: string } = {}) {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  return { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-zhongshu-timestamp': ts, 'x-zhongshu-signature': signErpBody(opts.secret ?? SECRET, ts, body) } };
}
const send = (body: unknown, opts: { ts?: number; secret?: string } = {}) => hub.app.request('/webhooks/legacy-erp/erp-signed', signed(typeof body === 'string' ? body : JSON.stringify(body), opts));
const event = (type: string, data: Record<string, unknown>, id = `evt-${randomUUID()}`) => ({ id, type, occurredAt: erpTime(), data });

const { stateOf, waitFor } = orderApi(() => hub);

describe('ERP webhooks', () => {
  it('authenticates by HMAC over timestamp + "." + raw body, refusing skew beyond 5 minutes', async () => {
    const body = JSON.stringify(event('stock.changed', { items: [{ sku: 'A', qty: 1 }] }));
    const unsigned = await hub.app.request('/webhooks/legacy-erp/erp-signed', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect((await json(unsigned)).error.code).toBe('missing_signature');
    expect((await json(await send(body, { secret: 'wrong' }))).error.code).toBe('invalid_signature');
    const skewed = await send(body, { ts: Math.floor(Date.now() / 1000) - 301 });
    expect(skewed.status).toBe(401);
    expect((await json(skewed)).error.code).toBe('timestamp_out_of_tolerance');
    // A valid signature on other bytes: the body was tampered with after signing.
    const req = signed(body);
    const tampered = await hub.app.request('/webhooks/legacy-erp/erp-signed', { ...req, body: body.replace('"qty":1', '"qty":9') });
    expect((await json(tampered)).error.code).toBe('invalid_signature');
    expect((await send(body)).status).toBe(200);
  });

  it('authenticates by API key where the connector has one', async () => {
    const body = JSON.stringify(event('stock.changed', { items: [{ sku: 'K-1', qty: 4 }] }));
    const ok = await hub.app.request('/webhooks/legacy-erp/erp-keyed', { method: 'POST', body, headers: { 'x-api-key': API_KEY } });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toMatchObject({ result: 'stock_updated', detail: '1 SKU(s) in WH-KEYED' });
    const bad = await hub.app.request('/webhooks/legacy-erp/erp-keyed', { method: 'POST', body, headers: { 'x-api-key': 'nope' } });
    expect(bad.status).toBe(401);
    expect((await json(bad)).error.code).toBe('invalid_api_key');
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const notJson = await send('{"id": ');
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.message).toMatch(/^body: not valid JSON/);
    const noId = await send({ type: 'order.shipped', data: {} });
    expect(noId.status).toBe(422);
    expect((await json(noId)).error.message).toMatch(/body\.id: /);
    const badType = await send({ id: 'x1', type: 'order.exploded', data: {} });
    expect((await json(badType)).error.message).toMatch(/body\.type: /);
    const unknownChannel = await hub.app.request('/webhooks/legacy-erp/nope', signed('{}'));
    expect(unknownChannel.status).toBe(404);
    const unknownOrder = await send(event('order.shipped', { order_no: 'NO-SUCH', tracking_no: 'SF1' }));
    expect(unknownOrder.status).toBe(404);
    expect((await json(unknownOrder)).error.message).toMatch(/^data\.order_no: no order NO-SUCH/);
  });

  it('order.approved starts the order, a redelivery is answered from the first time, order.shipped moves it and the ERP gets the tracking number back', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    await pool.setOnHand(WH, 'ERP-SKU-1', 5);
    const orderNo = `W-${randomUUID().slice(0, 8)}`;
    const approved = event('order.approved', { order: erpOrderRow({ orderNo, updatedAt: erpTime(), sku: 'ERP-SKU-1', phone: '13900000001' }) });
    const first = await send(approved);
    expect(first.status).toBe(200);
    const firstBody = await json(first);
    expect(firstBody).toMatchObject({ ok: true, result: 'started', orderKey: `erp-signed:${orderNo}` });
    const again = await send(approved);
    expect(await json(again)).toEqual({ ...firstBody, duplicate: true });
    await waitFor(`erp-signed:${orderNo}`, 'inventory_locked');

    const shipped = await send(event('order.shipped', { order_no: orderNo, tracking_no: 'SF7000000001', carrier: 'SF', shipped_at: erpTime() }));
    expect(await json(shipped)).toMatchObject({ result: 'signalled', orderKey: `erp-signed:${orderNo}` });
    const moving = await waitFor(`erp-signed:${orderNo}`, 'in_transit');
    let rows: { event: string; status: string; tracking_no: string }[] = [];
    for (let i = 0; i < 100 && !rows.length; i++) {
      rows = Array.from(await erp.db.query<{ event: string; status: string; tracking_no: string }>(`SELECT event, status, tracking_no FROM ${erp.shipments} WHERE order_no = ?`, [orderNo]));
      if (!rows.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ event: 'shipped', status: 'SHIPPED', tracking_no: 'SF7000000001' }]);
    let timeline = '';
    for (let i = 0; i < 100 && !timeline.includes('shipped written back'); i++) {
      timeline = JSON.stringify((await stateOf(`erp-signed:${orderNo}`))?.timeline);
      if (!timeline.includes('shipped written back')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(timeline).toContain('ERP erp-signed: shipped written back');
    await recordHistory(`order:erp-signed:${orderNo}`, 'legacy-erp-shipped-written-back');
    expect(JSON.stringify(moving?.timeline)).toContain('picked up (erp:erp-signed:SF)');
  });

  it('an ERP that hangs while the parcel moves: the order goes on, waits delivered, and completes once both write-backs land, once each', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    await pool.setOnHand(WH, 'ERP-SKU-2', 5);
    const orderNo = `H-${randomUUID().slice(0, 8)}`;
    const key = `erp-signed:${orderNo}`;
    expect((await send(event('order.approved', { order: erpOrderRow({ orderNo, updatedAt: erpTime(), sku: 'ERP-SKU-2' }) }))).status).toBe(200);
    await waitFor(key, 'inventory_locked');

    // The ERP's shipment table is locked by another session: every write-back hangs past its deadline.
    const locker = await odbc.connect(inject('odbcConnectionString'));
    await locker.beginTransaction();
    await locker.query(`LOCK TABLE ${erp.shipments} IN ACCESS EXCLUSIVE MODE`);
    try {
      await send(event('order.shipped', { order_no: orderNo, tracking_no: 'SF7000000002', carrier: 'SF', shipped_at: erpTime() }));
      await waitFor(key, 'in_transit');
      await hub.client.workflow.getHandle(`order:${key}`).signal('trackingEvent', { event: 'delivered', at: new Date().toISOString(), waybillNo: 'SF7000000002', source: 'test' });
      // The parcel did not wait for its ERP record; the order did not complete without it.
      await waitFor(key, 'delivered');
      await expect
        .poll(async () => JSON.stringify((await stateOf(key))?.timeline), { timeout: 30_000, interval: 250 })
        .toContain('ERP shipped write-back: erp-signed unavailable');
      expect((await stateOf(key))?.state).toBe('delivered');
    } finally {
      await locker.rollback();
      await locker.close();
    }

    const done = await waitFor(key, 'completed', 60_000);
    await recordHistory(`order:${key}`, 'legacy-erp-write-back-waited-out');
    const causes: string[] = (done?.timeline ?? []).map((t: { cause: string }) => t.cause);
    const shippedAt = causes.indexOf('ERP erp-signed: shipped written back');
    expect(shippedAt).toBeGreaterThan(-1);
    expect(causes.indexOf('ERP erp-signed: delivered written back')).toBeGreaterThan(shippedAt);
    const rows = await erp.db.query<{ event: string; status: string; tracking_no: string }>(`SELECT event, status, tracking_no FROM ${erp.shipments} WHERE order_no = ? ORDER BY event`, [orderNo]);
    expect(Array.from(rows)).toEqual([
      { event: 'delivered', status: 'DELIVERED', tracking_no: 'SF7000000002' },
      { event: 'shipped', status: 'SHIPPED', tracking_no: 'SF7000000002' },
    ]);
  });

  it('stock.changed sets on-hand in the pool; an older message never overwrites a newer figure', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    const newer = await send({ id: `s-${randomUUID()}`, type: 'stock.changed', occurredAt: '2026-05-01 12:00:00', data: { warehouse: 'WH-S', items: [{ sku: 'S-1', qty: 7 }] } });
    expect(newer.status).toBe(200);
    await send({ id: `s-${randomUUID()}`, type: 'stock.changed', occurredAt: '2026-05-01 11:00:00', data: { warehouse: 'WH-S', items: [{ sku: 'S-1', qty: 2 }] } });
    expect((await pool.get('WH-S', 'S-1')).onHand).toBe(7);
  });

  it('a mapping failure is kept in quarantine (the same answer on redelivery) and replays once the mapping is fixed', async () => {
    const orderNo = `Q-${randomUUID().slice(0, 8)}`;
    const pool = new InventoryPool(hub.redis, hub.prefix);
    await pool.setOnHand(WH, 'ERP-SKU-2', 5);
    expect((await send(event('order.approved', { order: erpOrderRow({ orderNo, updatedAt: erpTime(), sku: 'ERP-SKU-2', phone: '13900000002' }) }))).status).toBe(200);
    // This ERP spells the tracking number "waybill": the mapping does not know it yet.
    const ev = event('order.shipped', { order_no: orderNo, waybill: 'EMS123' });
    const res = await send(ev);
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'mapping_failed', details: { mappingId: 'legacy-erp/event.v1' } });
    expect(body.error.details.issues[0].path).toBe('trackingNo');
    const qid: string = body.error.details.quarantineId;
    expect(await json(await send(ev))).toMatchObject({ duplicate: true, error: { details: { quarantineId: qid } } });

    const file = path.join(mappingsDir, 'legacy-erp', 'event.v1.jsonata');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"trackingNo": $text(data.tracking_no),', '"trackingNo": $text(data.tracking_no) ? $text(data.tracking_no) : $text(data.waybill),'));
    expect(await hub.mappings.loadOne({ id: 'legacy-erp/event.v1', adapter: 'legacy-erp', name: 'event', version: 1 })).toBe(true);
    await waitFor(`erp-signed:${orderNo}`, 'inventory_locked');
    const replay = await hub.app.request(`/api/quarantine/${qid}/replay`, { method: 'POST', headers: admin });
    expect(replay.status).toBe(200);
    expect(await json(replay)).toMatchObject({ ok: true, replayed: qid, result: 'signalled', orderKey: `erp-signed:${orderNo}` });
    await waitFor(`erp-signed:${orderNo}`, 'in_transit');
  });
});
