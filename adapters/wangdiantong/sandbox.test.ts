import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { wdtConfig, type WdtEdition } from './config.js';
import wangdiantong from './index.js';
import { sandbox, type WdtSandbox, type WdtSandboxOptions } from './sandbox.js';
import { sampleOrder } from './testing.js';

let sb: WdtSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(edition: WdtEdition, opts: WdtSandboxOptions = {}, now?: () => Date): Promise<{ sb: WdtSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start(opts);
  const adapter = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig(edition)), sandboxDeps(now));
  return { sb, adapter };
}

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

const order = sampleOrder();
const TID = order.source.platformOrderId;

describe.each(['enterprise', 'ultimate'] as const)('Wangdiantong sandbox, %s edition, driven by the real adapter', (edition) => {
  it('keeps a pushed trade by tid: a re-push updates it, an intercept marks it intercepted', async () => {
    const { sb, adapter } = await setUp(edition);
    expect(await adapter.invoke('wms.order.push', { order }, sandboxCtx('p1'))).toMatchObject({ tid: TID, edition, newCount: 1, chgCount: 0 });
    expect(await adapter.invoke('wms.order.push', { order }, sandboxCtx('p1'))).toMatchObject({ newCount: 0, chgCount: 1 });
    expect(sb.state().trades.counts).toEqual({ live: 1, intercepted: 0, shipped: 0 });
    expect(sb.state().trades.list[0]).toMatchObject({ tid: TID, edition, pushes: 2, tradeStatus: 30, lines: [{ specNo: 'ZP-2026-01', num: 1 }, { specNo: 'FP-001', num: 1 }] });

    expect(await adapter.invoke('wms.order.intercept', { order, reason: 'buyer refunded' }, sandboxCtx('i1'))).toMatchObject({ tid: TID, tradeStatus: 80 });
    const st = sb.state();
    expect(st.trades.counts).toEqual({ live: 0, intercepted: 1, shipped: 0 });
    expect(st.trades.list[0]?.interceptedAfterShipping).toBe(false);
    // One trade read alone is the same copy, and a copy: changing it moves nothing in the warehouse.
    const one = sb.trade(TID);
    expect(one).toEqual(st.trades.list[0]);
    if (one) one.state = 'live';
    expect(sb.trade(TID)?.state).toBe('intercepted');
    expect(sb.trade('NO-SUCH-TID')).toBeUndefined();
    expect(sb.log.events.map((e) => e.kind)).toEqual(['trade.push', 'trade.update', 'trade.intercept']);
  });

  it('answers stock queries from figures set with setStock, exact spec_no only', async () => {
    const { sb, adapter } = await setUp(edition);
    sb.setStock('ZP-2026-01', 12);
    sb.setStock('ZP-2026-01', 3, 'WH2');
    sb.setStock('ZP-2026-01X', 99);
    expect(await adapter.invoke('stock.query', { skus: ['ZP-2026-01', 'NONE'] }, sandboxCtx('s'))).toEqual([{ sku: 'ZP-2026-01', warehouse: 'WH1', onHand: 12, available: 12 }]);
    expect(await adapter.invoke('stock.query', { skus: ['ZP-2026-01'], warehouse: 'WH2' }, sandboxCtx('s'))).toEqual([{ sku: 'ZP-2026-01', warehouse: 'WH2', onHand: 3, available: 3 }]);
    expect(sb.state().stock).toEqual({ 'ZP-2026-01': { WH1: 12, WH2: 3 }, 'ZP-2026-01X': { WH1: 99 } });
  });

  it('ships a live trade into the logistics sync-back pool; the ack settles it and stock goes down', async () => {
    const { sb, adapter } = await setUp(edition);
    sb.setStock('ZP-2026-01', 5);
    await adapter.invoke('wms.order.push', { order }, sandboxCtx('p'));
    const sync = sb.ship(TID, { logisticsNo: 'SF1500000000099' });
    const pending = await adapter.invoke('logistics.sync', { action: 'pending' }, sandboxCtx('l'));
    expect(pending).toEqual([{ syncId: sync.syncId, tid: TID, logisticsNo: 'SF1500000000099', logisticsCode: 'SF', logisticsName: '顺丰速运', oids: [] }]);
    expect(await adapter.invoke('logistics.sync', { action: 'ack', acks: [{ syncId: sync.syncId, result: 'ok' }] }, sandboxCtx('a'))).toMatchObject({ acked: [sync.syncId], errors: [] });
    expect(await adapter.invoke('logistics.sync', { action: 'pending' }, sandboxCtx('l'))).toEqual([]);
    const st = sb.state();
    expect(st.syncs[0]).toMatchObject({ state: 'synced', acks: 1 });
    expect(st.stock['ZP-2026-01']).toEqual({ WH1: 4 });
    expect(st.trades.counts.shipped).toBe(1);
    // Too late to intercept: the WMS takes the refund, the parcel has left.
    await adapter.invoke('wms.order.intercept', { order, reason: 'late' }, sandboxCtx('i'));
    expect(sb.state().trades.list[0]).toMatchObject({ state: 'shipped', interceptedAfterShipping: true });
  });

  it('checks the signature and the timestamp window, with WDT’s codes', async () => {
    const { sb } = await setUp(edition);
    const cfg = sb.connectorConfig(edition);
    const wrong = await wangdiantong.create(wdtConfig.parse({ ...cfg, appsecret: edition === 'ultimate' ? 'other:sandbox-salt' : 'other' }), sandboxDeps());
    const bad = await failure(wrong.invoke('wms.order.push', { order }, sandboxCtx('p')));
    expect([bad.code, bad.retryable]).toEqual(['wdt_1', false]);
    const skewed = await wangdiantong.create(wdtConfig.parse(cfg), sandboxDeps(() => new Date(Date.now() - 3_600_000)));
    expect((await failure(skewed.invoke('wms.order.push', { order }, sandboxCtx('p')))).code).toBe('wdt_7');
    expect(sb.state().trades.list).toEqual([]);
    expect(sb.log.of('request.rejected').map((e) => z.object({ code: z.number() }).parse(e.data).code)).toEqual([1, 7]);
  });

  it('fault switches: forced bad signature, the 504 storm, a rate-limit answer, then recovery', async () => {
    const { sb, adapter } = await setUp(edition);
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 2 });
    expect((await failure(adapter.invoke('wms.order.push', { order }, sandboxCtx('p')))).code).toBe('wdt_1');
    expect((await failure(adapter.invoke('wms.order.push', { order }, sandboxCtx('p')))).code).toBe('wdt_1');
    sb.server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT, remaining: 1 });
    const storm = await failure(adapter.invoke('wms.order.push', { order }, sandboxCtx('p')));
    expect([storm.code, storm.retryable]).toEqual(['http_504', true]);
    sb.failNext(100, '超过每分钟最大调用频率限制');
    const limited = await failure(adapter.invoke('wms.order.push', { order }, sandboxCtx('p')));
    expect([limited.code, limited.retryable]).toEqual(['wdt_100', true]);
    expect(await adapter.invoke('wms.order.push', { order }, sandboxCtx('p'))).toMatchObject({ newCount: 1 });
    expect(sb.state().trades.counts.live).toBe(1);
  });
});

describe.each(['enterprise', 'ultimate'] as const)('Wangdiantong sandbox, %s edition: a lost answer', (edition) => {
  it('a slow gateway times out as retryable; the WMS did the work, so the retry updates the trade, never duplicates it', async () => {
    sb = await sandbox.start();
    const box = sb;
    const adapter = await wangdiantong.create(wdtConfig.parse({ ...box.connectorConfig(edition), timeoutMs: 200 }), sandboxDeps());
    box.server.setFaults({ latencyMs: 600 });
    const err = await failure(adapter.invoke('wms.order.push', { order }, sandboxCtx('p')));
    expect([err.code, err.retryable]).toEqual(['timeout', true]);
    // The request was held before the WMS saw it; it lands once the latency is over.
    await vi.waitFor(() => expect(box.state().trades.list).toHaveLength(1), { timeout: 5_000 });
    box.server.setFaults({ latencyMs: 0 });
    expect(await adapter.invoke('wms.order.push', { order }, sandboxCtx('p'))).toMatchObject({ newCount: 0, chgCount: 1 });
    expect(box.state().trades.list.map((t) => [t.tid, t.pushes])).toEqual([[TID, 2]]);
  });
});

describe('Wangdiantong sandbox, enterprise signature lengths over the wire', () => {
  it('a gateway counting bytes refuses a char-counted sign on a Chinese value, and accepts it once the adapter counts bytes too', async () => {
    sb = await sandbox.start({ signLength: 'bytes' });
    const cfg = sb.connectorConfig('enterprise');
    const chars = await wangdiantong.create(wdtConfig.parse({ ...cfg, signLength: 'chars' }), sandboxDeps());
    expect((await failure(chars.invoke('wms.order.push', { order }, sandboxCtx('p')))).code).toBe('wdt_1');
    const bytes = await wangdiantong.create(wdtConfig.parse({ ...cfg, signLength: 'bytes' }), sandboxDeps());
    expect(await bytes.invoke('wms.order.push', { order }, sandboxCtx('p'))).toMatchObject({ newCount: 1 });
    expect(sb.state().trades.list).toHaveLength(1);
  });
});

describe('Wangdiantong sandbox warehouse', () => {
  it('ships a live trade by itself after autoShipMs, never an intercepted one', async () => {
    const { sb, adapter } = await setUp('enterprise', { autoShipMs: 1 });
    await adapter.invoke('wms.order.push', { order }, sandboxCtx('p'));
    const other = sampleOrder({ source: { ...order.source, platformOrderId: 'E-INTERCEPTED' } });
    await adapter.invoke('wms.order.intercept', { order: other, reason: 'refund before push' }, sandboxCtx('i'));
    await vi.waitFor(() => expect(sb.state().trades.counts.shipped).toBe(1));
    expect(sb.state().trades.list.map((t) => [t.tid, t.state])).toEqual([
      [TID, 'shipped'],
      ['E-INTERCEPTED', 'intercepted'],
    ]);
    expect(() => sb.ship('E-INTERCEPTED')).toThrow(/intercepted/);
  });

  it('one store serves both editions: a trade pushed by one is visible to the other', async () => {
    const { sb, adapter } = await setUp('enterprise');
    const ultimate = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig('ultimate')), sandboxDeps());
    await adapter.invoke('wms.order.push', { order }, sandboxCtx('p'));
    expect(await ultimate.invoke('wms.order.push', { order }, sandboxCtx('p'))).toMatchObject({ newCount: 0, chgCount: 1 });
  });
});
