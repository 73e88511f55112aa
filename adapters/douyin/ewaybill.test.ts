import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../../src/canonical/order.js';
import { MappingEngine } from '../../src/mapping/engine.js';
import { fixtureContext } from '../../src/mapping/fixtures.js';
import { mapInboundOrder } from '../../src/mapping/inbound.js';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { packageRoot } from '../../src/util/package-info.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import { packIdFor } from './ewaybill.js';
import douyin from './index.js';
import { DOUYIN_ERRORS, sandbox, type DouyinSandbox } from './sandbox.js';
import { DOUYIN_ORDER_STATUS } from './sandbox-orders.js';
import { sandbox as sfSandbox } from '../sf-express/sandbox.js';

/** The e-waybill capabilities of the real Douyin adapter against the Douyin sandbox over 127.0.0.1. */
const SENDER = { name: '中枢仓', phone: '4000000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 号仓' };
const EWAYBILL = { logisticsCode: 'shunfeng', courier: 'SF' };
let sb: DouyinSandbox;
let engine: MappingEngine;
let dy: AdapterInstance;
let seq = 0;

beforeAll(async () => {
  sb = await sandbox.start();
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  dy = await douyin.create(douyin.configSchema.parse(sb.ewaybillConnectorConfig(EWAYBILL)), testDeps(new Date()));
});
afterAll(async () => {
  await sb?.close();
});

/** A paid Douyin order placed in the sandbox, as the hub has it: fetched and mapped by douyin/order.v2. */
async function paidOrder(): Promise<CanonicalOrder> {
  const id = `69300000000000${String(++seq).padStart(5, '0')}`;
  sb.placeOrder({ id, lines: [{ sku: 'EWB-1', qty: 2, price: 1500 }] });
  const detail = await dy.invoke(CAPABILITY.ORDER_GET, { orderId: id }, testContext());
  return mapInboundOrder(engine, 'douyin/order.v2', detail, fixtureContext('douyin'));
}
const ctx = (key: string) => ({ ...testContext(), idempotencyKey: key });
const create = (order: CanonicalOrder, key: string, over: Record<string, unknown> = {}) => dy.invoke(CAPABILITY.WAYBILL_CREATE, { order, orderId: key, sender: SENDER, surcharge: null, notes: ['赠品:滤芯×1'], ...over }, ctx(key));
const live = () => sb.state().ewaybills.live;
async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const e: unknown = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(e)}`);
  return e;
}

describe('douyin waybill.create (logistics.newCreateOrder)', () => {
  it('issues an e-waybill with the receiver as the platform ciphertext; the same key gets the same number, a new key a new one', async () => {
    const order = await paidOrder();
    const id = order.source.platformOrderId;
    const first = await create(order, `order:dy:${id}:waybill-1`);
    expect(first).toMatchObject({ waybillNo: expect.stringMatching(/^SF/), orderId: packIdFor(`order:dy:${id}:waybill-1`), logisticsCode: 'shunfeng', sortCode: '571-D01 00' });
    const w = live().find((x) => x.waybillNo === (first as { waybillNo: string }).waybillNo);
    // Douyin's ciphertext, never a mask or plaintext: the sandbox refuses anything but the order's own.
    expect(w?.receiver).toMatchObject({ contact: { name: '##SbxName01==#1##', mobile: '$$SbxTel01==$1$$' }, address: { detail_address: '##SbxDetail01==#1##', province_name: '河南省', district_name: '济源市' } });
    expect(w?.extra).toMatchObject({ douyinOrderId: id, logisticsCode: 'shunfeng', items: [{ item_name: 'EWB-1', item_count: 2 }], remark: '赠品:滤芯×1' });
    expect(await create(order, `order:dy:${id}:waybill-1`)).toEqual(first);
    expect(live().filter((x) => x.extra['douyinOrderId'] === id)).toHaveLength(1);
    const second = (await create(order, `order:dy:${id}:waybill-2`)) as { waybillNo: string };
    expect(second.waybillNo).not.toBe((first as { waybillNo: string }).waybillNo);
    expect(live().filter((x) => x.extra['douyinOrderId'] === id)).toHaveLength(2);
  });

  it('refuses before any call an order that is not Douyin\'s or whose receiver is masked only', async () => {
    const order = await paidOrder();
    const calls = sb.server.requestCount;
    const taobao = { ...order, source: { ...order.source, platform: 'taobao' as const } };
    expect((await failure(create(taobao, 'k-tb'))).code).toBe('not-a-douyin-order');
    const masked = { ...order, recipient: { ...order.recipient, phone: { masked: '159****1111' } } };
    const e = await failure(create(masked, 'k-mask'));
    expect([e.code, e.retryable, e.message]).toEqual(['receiver-incomplete', false, expect.stringContaining('recipient phone')]);
    expect((await failure(create(order, 'k-bad', { sender: { name: 'x' } }))).code).toBe('invalid_input');
    expect(sb.server.requestCount).toBe(calls);
  });

  it('a per-order refusal in err_infos is rejected; an unavailable platform is retryable; a bad signature is rejected', async () => {
    const order = await paidOrder();
    const id = order.source.platformOrderId;
    sb.updateOrder(id, { status: DOUYIN_ORDER_STATUS.CLOSED });
    const refused = await failure(create(order, `order:dy:${id}:waybill-1`));
    expect([refused.code, refused.retryable]).toEqual(['ewaybill-100002', false]);
    sb.updateOrder(id, { status: DOUYIN_ORDER_STATUS.TO_SHIP });
    sb.failNext(DOUYIN_ERRORS.SERVICE_UNAVAILABLE, { method: 'logistics.newCreateOrder' });
    expect((await failure(create(order, `order:dy:${id}:waybill-1`))).retryable).toBe(true);
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    expect((await failure(create(order, `order:dy:${id}:waybill-1`))).retryable).toBe(false);
    expect(await create(order, `order:dy:${id}:waybill-1`)).toMatchObject({ waybillNo: expect.stringMatching(/^SF/) });
  });

  it('a connector without the e-waybill subscription does not offer the waybill capabilities', () => {
    const shopOnly = douyin.configSchema.parse(sb.connectorConfig());
    expect(douyin.offers?.(shopOnly)).not.toContain(CAPABILITY.WAYBILL_CREATE);
    expect(douyin.offers?.(douyin.configSchema.parse(sb.ewaybillConnectorConfig(EWAYBILL)))).toEqual(expect.arrayContaining([CAPABILITY.WAYBILL_CREATE, CAPABILITY.WAYBILL_CANCEL, CAPABILITY.WAYBILL_UPDATE]));
    expect(douyin.configSchema.safeParse(sb.ewaybillConnectorConfig({ logisticsCode: 'shunfeng', courier: 'sf' })).success).toBe(false);
  });
});

describe('douyin waybill.cancel (logistics.cancelOrder) and waybill.update (logistics.updateOrder)', () => {
  it('cancels a live e-waybill; a repeated cancel is success; a picked-up one is refused', async () => {
    const order = await paidOrder();
    const id = order.source.platformOrderId;
    const { waybillNo, orderId } = (await create(order, `order:dy:${id}:waybill-1`)) as { waybillNo: string; orderId: string };
    const cancel = () => dy.invoke(CAPABILITY.WAYBILL_CANCEL, { orderId, waybillNo }, ctx(`order:dy:${id}:waybill-1:cancel`));
    expect(await cancel()).toEqual({ orderId, cancelled: true, alreadyCancelled: false });
    expect(sb.state().ewaybills.cancelled.map((w) => w.waybillNo)).toContain(waybillNo);
    expect(await cancel()).toEqual({ orderId, cancelled: true, alreadyCancelled: true });
    const other = (await create(order, `order:dy:${id}:waybill-2`)) as { waybillNo: string; orderId: string };
    sb.pickUpEwaybill(other.waybillNo);
    const e = await failure(dy.invoke(CAPABILITY.WAYBILL_CANCEL, { orderId: other.orderId, waybillNo: other.waybillNo }, ctx('k')));
    expect([e.code, e.retryable]).toEqual(['cancel-refused', false]);
    expect((await failure(dy.invoke(CAPABILITY.WAYBILL_CANCEL, { orderId: 'x' }, ctx('k2')))).code).toBe('invalid_input');
  });

  it('overwrites the receiver of a live e-waybill with the new ciphertext', async () => {
    const order = await paidOrder();
    const id = order.source.platformOrderId;
    const { waybillNo } = (await create(order, `order:dy:${id}:waybill-1`)) as { waybillNo: string };
    const moved = { ...order, address: { ...order.address, detail: { ciphertext: '##SbxDetail02==#1##', masked: '沁园路**号2楼' } } };
    expect(await dy.invoke(CAPABILITY.WAYBILL_UPDATE, { order: moved, orderId: null, waybillNo, sender: SENDER, surcharge: null, notes: [] }, ctx('u1'))).toEqual({ waybillNo, sortCode: '571-D01 00', updated: true });
    const w = live().find((x) => x.waybillNo === waybillNo);
    expect([w?.updates, (w?.receiver as { address: { detail_address: string } }).address.detail_address]).toEqual([1, '##SbxDetail02==#1##']);
  });
});

describe('douyin e-waybills carried by a courier sandbox', () => {
  it('hands each SF number to the SF sandbox, recycles it there on cancel, and refuses a cancel once SF picked the parcel up', async () => {
    const sf = await sfSandbox.start({ delays: { pickupMs: null, deliveryMs: null } });
    const carried = await sandbox.start({ ewaybillCarriers: { shunfeng: sf } });
    try {
      const a = await douyin.create(douyin.configSchema.parse(carried.ewaybillConnectorConfig(EWAYBILL)), testDeps(new Date()));
      const id = '6931000000000000001';
      carried.placeOrder({ id, lines: [{ sku: 'EWB-1', qty: 1, price: 1500 }] });
      const order = await mapInboundOrder(engine, 'douyin/order.v2', await a.invoke(CAPABILITY.ORDER_GET, { orderId: id }, testContext()), fixtureContext('douyin'));
      const issue = (key: string) => a.invoke(CAPABILITY.WAYBILL_CREATE, { order, orderId: key, sender: SENDER, surcharge: null, notes: [] }, ctx(key)) as Promise<{ waybillNo: string; orderId: string }>;
      const first = await issue(`order:dy:${id}:waybill-1`);
      expect(sf.state().waybills.live).toEqual([expect.objectContaining({ waybillNo: first.waybillNo, orderId: first.orderId, stage: 'created' })]);
      await a.invoke(CAPABILITY.WAYBILL_CANCEL, { orderId: first.orderId, waybillNo: first.waybillNo }, ctx('c1'));
      expect(sf.state().waybills.cancelled.map((w) => w.waybillNo)).toEqual([first.waybillNo]);
      const second = await issue(`order:dy:${id}:waybill-2`);
      await sf.pickUp(second.waybillNo);
      expect((await failure(a.invoke(CAPABILITY.WAYBILL_CANCEL, { orderId: second.orderId, waybillNo: second.waybillNo }, ctx('c2')))).code).toBe('cancel-refused');
      expect(sf.state().waybills.live.map((w) => [w.waybillNo, w.stage])).toEqual([[second.waybillNo, 'picked_up']]);
    } finally {
      await Promise.all([carried.close(), sf.close()]);
    }
  });
});
