import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import legacyErp from '../adapters/legacy-erp/index.js';
import { LegacyErpConnector } from '../adapters/legacy-erp/instance.js';
import { sandbox, type LegacyErpSandbox } from '../adapters/legacy-erp/sandbox.js';
import { SANDBOX_FAULT } from '../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps, startHubStub, type HubStub } from '../src/sandbox/testing.js';
import { CAPABILITY } from '../src/sdk/capabilities.js';
import { AdapterError } from '../src/sdk/errors.js';

/**
 * The real legacy-ERP adapter against its sandbox: rows in a real PostgreSQL schema read over
 * unixODBC + psqlODBC, flags and shipments written back, signed webhooks sent, and the fault
 * switches acting inside the database.
 */
let sb: LegacyErpSandbox;
let hubStub: HubStub;
let erp: LegacyErpConnector;
const T0 = new Date('2026-03-09T10:00:00+08:00');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(e)}`);
  return e;
}

beforeAll(async () => {
  hubStub = await startHubStub();
  sb = await sandbox.start({
    connection: inject('odbcConnectionString'),
    push: { hubUrl: hubStub.url },
    seed: [
      { orderNo: 'SO-1', lines: [{ sku: 'ERP-TEA-100', qty: 2, price: 3330 }, { sku: 'ERP-CUP-01', qty: 1, price: 1990 }], freight: 1200, discount: 1000, updatedAt: at(1) },
      { orderNo: 'SO-2', lines: [{ sku: 'ERP-CUP-01', qty: 1, price: 1990 }], updatedAt: at(2) },
      { orderNo: 'SO-3', status: 'CANCELLED', lines: [{ sku: 'ERP-CUP-01', qty: 1, price: 1990 }], updatedAt: at(3) },
    ],
  });
  const instance = await legacyErp.create(legacyErp.configSchema.parse({ ...sb.connectorConfig(), poll: { ...(sb.connectorConfig()['poll'] as object), batchSize: 2 } }), sandboxDeps());
  if (!(instance instanceof LegacyErpConnector)) throw new Error('legacy-erp creates a LegacyErpConnector');
  erp = instance;
});
afterAll(async () => {
  await erp?.close();
  await sb?.close();
  await hubStub?.close();
});

describe('legacy-erp sandbox: polling over ODBC', () => {
  it('serves the seeded rows in (updated_at, order_no) order, batch after batch from the cursor', async () => {
    const first = (await erp.invoke(CAPABILITY.ORDER_PULL, {}, sandboxCtx('pull-1'))) as { rows: Record<string, unknown>[] };
    expect(first.rows.map((r) => r['order_no'])).toEqual(['SO-1', 'SO-2']);
    expect(first.rows[0]).toMatchObject({ status: 'PAID', freight: 12, discount: 10, updated_at: '2026-03-09 10:01:00' });
    expect(JSON.parse(String(first.rows[0]?.['lines_json']))).toEqual([{ line_no: 1, sku: 'ERP-TEA-100', name: 'ERP-TEA-100', qty: 2, price: '33.30' }, { line_no: 2, sku: 'ERP-CUP-01', name: 'ERP-CUP-01', qty: 1, price: '19.90' }]);
    const last = first.rows[1];
    const next = (await erp.invoke(CAPABILITY.ORDER_PULL, { from: { updatedAt: String(last?.['updated_at']), key: String(last?.['order_no']) } }, sandboxCtx('pull-2'))) as { rows: Record<string, unknown>[] };
    expect(next.rows.map((r) => r['order_no'])).toEqual(['SO-3']);
  });

  it('the flag write-back lands on the rows; an ERP update makes a row unsynced and moves it past the cursor', async () => {
    await erp.markRows(1, ['SO-1', 'SO-2']);
    expect((await sb.snapshot()).orders.map((o) => [o.orderNo, o.isSynced])).toEqual([['SO-1', 1], ['SO-2', 1], ['SO-3', 0]]);
    await sb.updateOrder('SO-1', { status: 'CANCELLED', updatedAt: at(10) });
    const rows = await erp.fetchBatch({ updatedAt: '2026-03-09 10:03:00.000', key: 'SO-3' });
    expect(rows.map((r) => [r['order_no'], r['status'], r['is_synced']])).toEqual([['SO-1', 'CANCELLED', 0]]);
    await expect(sb.updateOrder('NOPE', { status: 'PAID' })).rejects.toThrow(/orderNo: no order NOPE/);
  });

  it('shipment.confirm writes the shipment back once per order and event', async () => {
    const ship = { orderNo: 'SO-2', event: 'shipped', status: 'SHIPPED', carrier: 'SF', trackingNo: 'SF1000000001', at: '2026-03-09T12:00:00+08:00' };
    await expect(erp.invoke(CAPABILITY.SHIPMENT_CONFIRM, ship, sandboxCtx('ship-1'))).resolves.toMatchObject({ written: true, action: 'inserted' });
    await expect(erp.invoke(CAPABILITY.SHIPMENT_CONFIRM, { ...ship, trackingNo: 'SF1000000002' }, sandboxCtx('ship-2'))).resolves.toMatchObject({ written: true, action: 'updated' });
    expect((await sb.snapshot()).shipments).toEqual([{ orderNo: 'SO-2', event: 'shipped', status: 'SHIPPED', carrier: 'SF', trackingNo: 'SF1000000002', eventAt: ship.at }]);
  });
});

describe('legacy-erp sandbox: database faults reach the adapter through ODBC', () => {
  it('server error, statement timeout and serialization failure (the rate limit) fail the next statement(s), retryable, then clear', async () => {
    for (const mode of [SANDBOX_FAULT.SERVER_ERROR, SANDBOX_FAULT.GATEWAY_TIMEOUT, SANDBOX_FAULT.RATE_LIMITED]) {
      sb.server.setFaults({ mode, remaining: 1 });
      await sb.snapshot(); // the switch is written to the database
      const e = await rejection(erp.fetchBatch(null));
      expect(e, mode).toMatchObject({ code: 'odbc_error', retryable: true, message: expect.stringContaining('fault switch') });
      await expect(erp.fetchBatch(null), mode).resolves.toHaveLength(2);
    }
  });

  it('a hang holds the statement until the call deadline makes the driver give up; the write-back table is gated too', async () => {
    sb.server.setFaults({ mode: SANDBOX_FAULT.HANG, remaining: 1 });
    await sb.snapshot();
    const e = await rejection(erp.fetchBatch(null, { deadline: Date.now() + 1000 }));
    expect(e.retryable).toBe(true);
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
    await sb.snapshot();
    const w = await rejection(erp.invoke(CAPABILITY.SHIPMENT_CONFIRM, { orderNo: 'SO-3', event: 'shipped', status: 'SHIPPED', at: '2026-03-09T12:00:00+08:00' }, sandboxCtx('ship-3')));
    expect(w.retryable).toBe(true);
    expect((await sb.snapshot()).shipments.map((s) => s.orderNo)).toEqual(['SO-2']);
  });
});

describe('legacy-erp sandbox: webhooks', () => {
  const verdict = (i: number) => {
    const p = hubStub.received[i];
    if (!p) throw new Error(`no push ${i}`);
    const headers = Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
    const req = { headers, rawBody: new TextEncoder().encode(p.body) };
    return { path: p.path, verdict: erp.verifyWebhook(req), parse: () => erp.parseWebhook(req) };
  };

  it('sends signed events the adapter verifies and parses', async () => {
    const r = await sb.sendWebhook('erp-main', 'order.shipped', { order_no: 'SO-2', tracking_no: 'SF1', carrier: 'SF' }, { id: 'evt-1' });
    expect(r.status).toBe(200);
    const v = verdict(0);
    expect(v.path).toBe('/webhooks/legacy-erp/erp-main');
    expect(v.verdict).toEqual({ ok: true });
    expect(v.parse()).toEqual([expect.objectContaining({ messageId: 'evt-1', topic: 'order.shipped', orderId: 'SO-2' })]);
  });

  it('the bad-signature switch signs the counted webhooks with a wrong key; malformed sends a cut body', async () => {
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    await sb.sendWebhook('erp-main', 'order.shipped', { order_no: 'SO-2', tracking_no: 'SF1' });
    expect(verdict(1).verdict).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(sb.server.faults.mode).toBe(SANDBOX_FAULT.NONE);
    sb.server.setFaults({ mode: SANDBOX_FAULT.MALFORMED, remaining: 1 });
    await sb.sendWebhook('erp-main', 'order.shipped', { order_no: 'SO-2', tracking_no: 'SF1' });
    expect(verdict(2).verdict).toEqual({ ok: true });
    expect(() => verdict(2).parse()).toThrow(/not JSON/);
    await sb.sendWebhook('erp-main', 'stock.changed', { items: [{ sku: 'ERP-CUP-01', on_hand: 3 }] });
    expect(verdict(3).verdict).toEqual({ ok: true });
    expect(sb.state().webhooksSent.map((w) => w.type)).toEqual(['order.shipped', 'order.shipped', 'order.shipped', 'stock.changed']);
  });

  it('placeOrder names a bad field', async () => {
    await expect(sb.placeOrder({ orderNo: 'SO 9', lines: [] })).rejects.toThrow(/orderNo: .*ERP order number[\s\S]*lines/);
  });
});
