import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import wangdiantong from '../adapters/wangdiantong/index.js';
import { sampleOrder } from '../adapters/wangdiantong/testing.js';
import type { AdapterInstance } from '../src/sdk/define.js';
import { AdapterError } from '../src/sdk/errors.js';
import { startFakeWdt, type FakeWdt, type FakeWdtEdition } from './support/fake-wdt.js';

/**
 * The Wangdiantong adapter against the fake gateway over a real socket, both editions: signature
 * accepted by an independent implementation, idempotency per tid, intercept, stock, the logistics
 * sync-back loop, and the failure modes the lifecycle workflow relies on (down, slow, bad secret).
 */
const logger = pino({ level: 'silent' });
const ctx = () => ({ signal: new AbortController().signal, idempotencyKey: 'wf:push', logger, heartbeat() {} });

const CREDS = {
  enterprise: { sid: 'fake-sid', appkey: 'fake-key', appsecret: 'fake-secret-123' },
  ultimate: { sid: 'fake-sid', appkey: 'fake-key', appsecret: 'fakesecret:fakesalt' },
} as const;

let fakes: FakeWdt[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(edition: FakeWdtEdition, patch: { appsecret?: string; timeoutMs?: number; signLength?: 'chars' | 'bytes'; fakeSignLength?: 'chars' | 'bytes'; slowMs?: number } = {}) {
  const fake = await startFakeWdt({ ...CREDS[edition], edition, signLength: patch.fakeSignLength ?? 'chars', slowMs: patch.slowMs ?? 1_000 });
  fakes.push(fake);
  const config = wangdiantong.configSchema.parse({
    edition,
    baseUrl: fake.url,
    ...CREDS[edition],
    ...(patch.appsecret ? { appsecret: patch.appsecret } : {}),
    shopNo: 'hub-shop',
    signLength: patch.signLength ?? 'chars',
    timeoutMs: patch.timeoutMs ?? 5_000,
  });
  const adapter: AdapterInstance = await wangdiantong.create(config, { logger, fetch: globalThis.fetch, mappings: null, now: () => new Date() });
  return { fake, adapter };
}

async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof AdapterError)) throw new Error(`expected AdapterError, got ${String(e)}`);
  return e;
}

describe.each(['enterprise', 'ultimate'] as const)('Wangdiantong adapter <-> fake gateway (%s)', (edition) => {
  it('pushes a trade once per tid: a repeat updates it, an intercept marks it refunded', async () => {
    const { fake, adapter } = await setup(edition);
    const order = sampleOrder();

    const first = await adapter.invoke('wms.order.push', { order }, ctx());
    expect(first).toMatchObject({ tid: order.source.platformOrderId, wmsCode: 0, newCount: 1, chgCount: 0 });
    const again = await adapter.invoke('wms.order.push', { order }, ctx());
    expect(again).toMatchObject({ newCount: 0, chgCount: 1 });

    expect(fake.trades.size).toBe(1);
    const t = fake.trades.get(order.source.platformOrderId);
    expect(t).toMatchObject({ shopNo: 'hub-shop', status: 30, pushes: 2 });
    expect(t?.trade['remark']).toBe('Gift: 饮水机滤芯 x1 (label: top right of the waybill); handle with care');
    expect(t?.lines.map((l) => [l['spec_no'], l['price']])).toEqual([
      ['ZP-2026-01', '299.0000'],
      ['FP-001', '0.0000'],
    ]);

    await adapter.invoke('wms.order.intercept', { order, reason: 'buyer cancelled before shipping' }, ctx());
    expect(fake.trades.size).toBe(1);
    expect(fake.trades.get(order.source.platformOrderId)?.status).toBe(80);

    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.every((r) => r.signOk)).toBe(true);
  });

  it('reads stock per sku and warehouse', async () => {
    const { fake, adapter } = await setup(edition);
    fake.setStock('ZP-2026-01', 12, 'WH1');
    fake.setStock('ZP-2026-01', 3, 'WH2');
    fake.setStock('FP-001', 0, 'WH1');
    const all = await adapter.invoke('stock.query', { skus: ['ZP-2026-01', 'FP-001', 'UNKNOWN'] }, ctx());
    expect(all).toEqual([
      { sku: 'ZP-2026-01', warehouse: 'WH1', onHand: 12, available: 12 },
      { sku: 'ZP-2026-01', warehouse: 'WH2', onHand: 3, available: 3 },
      { sku: 'FP-001', warehouse: 'WH1', onHand: 0, available: 0 },
    ]);
    const wh2 = await adapter.invoke('stock.query', { skus: ['ZP-2026-01'], warehouse: 'WH2' }, ctx());
    expect(wh2).toEqual([{ sku: 'ZP-2026-01', warehouse: 'WH2', onHand: 3, available: 3 }]);
  });

  it('runs the logistics sync-back loop: pending, ack ok / retry / fail, pending again', async () => {
    const { fake, adapter } = await setup(edition);
    const a = fake.queueShipment({ tid: 'T-A', logisticsNo: 'SF100', logisticsCode: 'SF' });
    const b = fake.queueShipment({ tid: 'T-B', logisticsNo: 'YT200', logisticsCode: 'YTO' });
    const c = fake.queueShipment({ tid: 'T-C', logisticsNo: 'ZT300', logisticsCode: 'ZTO' });

    const pending = await adapter.invoke('logistics.sync', { action: 'pending' }, ctx());
    expect(pending).toEqual([
      { syncId: a, tid: 'T-A', logisticsNo: 'SF100', logisticsCode: 'SF', logisticsName: '', oids: [] },
      { syncId: b, tid: 'T-B', logisticsNo: 'YT200', logisticsCode: 'YTO', logisticsName: '', oids: [] },
      { syncId: c, tid: 'T-C', logisticsNo: 'ZT300', logisticsCode: 'ZTO', logisticsName: '', oids: [] },
    ]);
    if (edition === 'enterprise') expect(BigInt(a)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER)); // exact over the wire

    await adapter.invoke(
      'logistics.sync',
      {
        action: 'ack',
        acks: [
          { syncId: a, result: 'ok' },
          { syncId: b, result: 'retry', message: 'platform busy' },
          { syncId: c, result: 'fail', message: 'order closed' },
        ],
      },
      ctx(),
    );
    expect([fake.syncs.get(a)?.state, fake.syncs.get(b)?.state, fake.syncs.get(c)?.state]).toEqual(['synced', 'pending', 'failed']);
    const left = await adapter.invoke('logistics.sync', { action: 'pending' }, ctx());
    expect(left).toEqual([expect.objectContaining({ syncId: b, tid: 'T-B' })]);
  });

  it('a wrong secret is rejected by the gateway and classified as not retryable', async () => {
    const { fake, adapter } = await setup(edition, { appsecret: edition === 'ultimate' ? 'wrong:fakesalt' : 'wrong' });
    const err = await rejection(adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx()));
    expect([err.code, err.retryable]).toEqual(['wdt_1', false]);
    expect(fake.requests.map((r) => r.signOk)).toEqual([false]);
    expect(fake.trades.size).toBe(0);
  });

  it('a gateway that is down is retryable and changes nothing', async () => {
    const { fake, adapter } = await setup(edition);
    fake.setMode('down');
    const err = await rejection(adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx()));
    expect([err.code, err.retryable]).toEqual(['http_503', true]);
    expect(fake.trades.size).toBe(0);
    fake.setMode('ok');
    await adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx());
    expect(fake.trades.size).toBe(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('a slow gateway times out as retryable; the retry after it finds the trade and updates, never duplicates', async () => {
    const { fake, adapter } = await setup(edition, { timeoutMs: 200, slowMs: 600 });
    fake.setMode('slow');
    const err = await rejection(adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx()));
    expect([err.code, err.retryable]).toEqual(['timeout', true]);
    await new Promise((r) => setTimeout(r, 700)); // the WMS finishes the work whose answer was lost
    fake.setMode('ok');
    const retry = await adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx());
    expect(retry).toMatchObject({ newCount: 0, chgCount: 1 });
    expect(fake.trades.size).toBe(1);
    expect(fake.trades.get(sampleOrder().source.platformOrderId)?.pushes).toBe(2);
  });
});

describe('enterprise signature length switch over the wire', () => {
  it('a gateway counting bytes refuses a char-counted sign on a Chinese value, and accepts it once switched', async () => {
    const mismatch = await setup('enterprise', { fakeSignLength: 'bytes', signLength: 'chars' });
    const err = await rejection(mismatch.adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx()));
    expect(err.code).toBe('wdt_1');

    const matched = await setup('enterprise', { fakeSignLength: 'bytes', signLength: 'bytes' });
    await matched.adapter.invoke('wms.order.push', { order: sampleOrder() }, ctx());
    expect(matched.fake.trades.size).toBe(1);
  });
});
