import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../../src/canonical/order.js';
import { MappingEngine } from '../../src/mapping/engine.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { packageRoot } from '../../src/util/package-info.js';
import { wdtConfig, type WdtEdition } from './config.js';
import wangdiantong from './index.js';
import { sandbox, type WdtSandbox } from './sandbox.js';
import { sampleOrder } from './testing.js';

/**
 * An order shipping on its platform's own e-waybill (a Douyin order on 抖音电子面单) reaches the
 * WMS with the platform's waybill and the receiver exactly as the platform sent it (ciphertext);
 * any other order with a non-plaintext receiver is still refused.
 */
const CIPHER = { name: { ciphertext: '##SbxName01==#1##', masked: '李*' }, phone: { ciphertext: '$$SbxTel01==$1$$', masked: '159****1111' } };
const douyinOrder = (): CanonicalOrder => {
  const o = sampleOrder();
  return {
    ...o,
    source: { ...o.source, platform: 'douyin', channel: 'dy-shop', platformOrderId: '6930000000000000001' },
    recipient: CIPHER,
    address: { country: 'CN', province: '河南省', city: null, district: '济源市', street: '沁园街道', detail: { ciphertext: '##SbxDetail01==#1##', masked: '沁园路**号' } },
  };
};
const WAYBILL = { platform: 'douyin', waybillNo: 'SF1400000001021', carrier: 'SF' } as const;

let sb: WdtSandbox | undefined;
let engine: MappingEngine;
beforeAll(async () => {
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
});
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});
async function setUp(edition: WdtEdition): Promise<{ sb: WdtSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start();
  return { sb, adapter: await wangdiantong.create(wdtConfig.parse(sb.connectorConfig(edition)), sandboxDeps()) };
}
async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe.each(['enterprise', 'ultimate'] as const)('wms.order.push of a platform e-waybill order, %s edition', (edition) => {
  it('pushes the ciphertext receiver and the platform waybill; the warehouse ships on that waybill', async () => {
    const { sb, adapter } = await setUp(edition);
    // As the lifecycle sends it through the channel's WMS mapping.
    const input = await engine.evaluate('wangdiantong/trade-push-platform-waybill.v1', { order: douyinOrder(), orderKey: 'dy-shop:6930000000000000001', waybillNo: WAYBILL.waybillNo, carrier: 'SF' }, {});
    expect(input).toMatchObject({ platformWaybill: WAYBILL });
    expect(await adapter.invoke('wms.order.push', input, sandboxCtx('p1'))).toMatchObject({ tid: '6930000000000000001', newCount: 1 });
    const trade = sb.state().trades.list.find((t) => t.tid === '6930000000000000001');
    expect(trade?.platformWaybillNo).toBe(WAYBILL.waybillNo);
    expect(trade?.raw).toMatchObject({ receiver_name: '##SbxName01==#1##', receiver_mobile: '$$SbxTel01==$1$$', receiver_address: '沁园街道##SbxDetail01==#1##', logistics_no: WAYBILL.waybillNo });
    expect(String(trade?.raw['remark'])).toContain(`platform e-waybill douyin SF ${WAYBILL.waybillNo}`);
    expect(sb.ship('6930000000000000001').logisticsNo).toBe(WAYBILL.waybillNo);
  });

  it('still refuses a ciphertext receiver without a platform waybill, and a waybill of another platform, before any call', async () => {
    const { sb, adapter } = await setUp(edition);
    const before = sb.server.requestCount;
    const plain = await failure(adapter.invoke('wms.order.push', { order: douyinOrder() }, sandboxCtx('p2')));
    expect([plain.code, plain.retryable]).toEqual(['recipient_not_plaintext', false]);
    const other = await failure(adapter.invoke('wms.order.push', { order: douyinOrder(), platformWaybill: { ...WAYBILL, platform: 'pinduoduo' } }, sandboxCtx('p3')));
    expect(other.code).toBe('platform_waybill_mismatch');
    // The old mapping (no platformWaybill) still refuses it too: only the channel's platform-waybill mapping lets it through.
    const viaOld = await engine.evaluate('wangdiantong/trade-push.v1', { order: douyinOrder(), orderKey: 'k', waybillNo: 'SF1', carrier: 'SF' }, {});
    expect((await failure(adapter.invoke('wms.order.push', viaOld, sandboxCtx('p4')))).code).toBe('recipient_not_plaintext');
    expect(sb.server.requestCount).toBe(before);
    expect(sb.state().trades.list).toEqual([]);
  });

  it('intercepts a pushed platform e-waybill trade (a re-push as refunded, receiver as sent)', async () => {
    const { sb, adapter } = await setUp(edition);
    await adapter.invoke('wms.order.push', { order: douyinOrder(), platformWaybill: WAYBILL }, sandboxCtx('p5'));
    expect(await adapter.invoke('wms.order.intercept', { order: douyinOrder(), reason: 'refunded' }, sandboxCtx('i5'))).toMatchObject({ tradeStatus: 80 });
    expect(sb.state().trades.list.find((t) => t.tid === '6930000000000000001')).toMatchObject({ state: 'intercepted', pushes: 2, platformWaybillNo: WAYBILL.waybillNo });
  });
});
