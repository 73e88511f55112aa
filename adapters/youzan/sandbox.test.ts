import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingEngine } from '../../src/mapping/engine.js';
import { fixtureContext } from '../../src/mapping/fixtures.js';
import { mapInboundOrder } from '../../src/mapping/inbound.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { packageRoot } from '../../src/util/package-info.js';
import { testDeps } from '../_shared/platform-testing.js';
import { startWebhookReceiver, type WebhookReceiver } from '../_shared/webhook-receiver.test-helper.js';
import youzan from './index.js';
import { javaUrlEncode, sandbox, type YouzanSandbox } from './sandbox.js';
import { decodeYouzanMsg } from './webhook.js';

/** Youzan pushes from the sandbox, verified and parsed by the real adapter, mapped by the real mapping. */
let sb: YouzanSandbox;
let hub: WebhookReceiver;
let engine: MappingEngine;
const TID = 'E20261111000000011112222';

async function adapter(): Promise<AdapterInstance> {
  return youzan.create(youzan.configSchema.parse(sb.connectorConfig()), testDeps(new Date()));
}
const lastEvent = () => hub.received.at(-1)?.events[0];
const orderOf = (payload: unknown) => (payload as { order: unknown }).order;

beforeAll(async () => {
  engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
  await engine.loadAll();
  hub = await startWebhookReceiver(() => adapter());
  sb = await sandbox.start({ push: { hubUrl: hub.url }, channel: 'yz-main' });
  sb.placeOrder({ id: TID, lines: [{ sku: 'YZ-SOCK-M', qty: 2, price: 1500, title: '棉袜 M+L (2 双)' }, { sku: 'YZ-SOCK-L', qty: 1, price: 1500 }], postFee: 600, discount: 500 });
});
afterAll(async () => {
  await sb.close();
  await hub.close();
});

describe('youzan sandbox: pushes', () => {
  it('pushOrder sends a signed trade push the adapter accepts; msg decodes to a trade the mapping reads', async () => {
    const r = await sb.pushOrder(TID);
    expect(r).toMatchObject({ status: 200, type: 'trade_TradePaid' });
    expect(JSON.parse(r.body)).toEqual({ code: 0, msg: 'success' });
    expect(hub.received.at(-1)?.path).toBe('/webhooks/youzan/yz-main');
    const ev = lastEvent();
    expect(ev).toMatchObject({ messageId: r.msgId, topic: 'trade_TradePaid', orderId: TID, payload: { version: r.version, status: 'WAIT_SELLER_SEND_GOODS' } });
    const c = await mapInboundOrder(engine, 'youzan/order.v1', orderOf(ev?.payload), fixtureContext('youzan'));
    expect(c).toMatchObject({ status: 'paid', source: { platformOrderId: TID }, totals: { paid: { minor: 4500 + 600 - 500 } } });
    // The title's '+' and spaces survive Java-style encoding.
    expect(c.lines[0]?.title).toBe('棉袜 M+L (2 双)');
    expect(c.recipient.name).toMatchObject({ ciphertext: '$c2J4LXJlY2VpdmVyLW5hbWU=$1$' });
  });

  it('a full refund closes the trade; its push has a higher version and the close type', async () => {
    const first = sb.state().pushes.at(-1);
    sb.updateOrder(TID, { refundState: 12, modifiedAt: new Date(Date.now() + 60_000) });
    const r = await sb.pushOrder(TID);
    expect(r.type).toBe('trade_TradeClose');
    expect(r.version).toBeGreaterThan(first?.version ?? Infinity);
    const c = await mapInboundOrder(engine, 'youzan/order.v1', orderOf(lastEvent()?.payload), fixtureContext('youzan'));
    expect(c.status).toBe('closed_by_refund');
  });

  it('a delayed push carries the trade as it was when rendered, with its lower version, and arrives after a newer one', async () => {
    const tid = 'E20261111000000011113333';
    sb.placeOrder({ id: tid, status: 'WAIT_BUYER_PAY', lines: [{ sku: 'YZ-SOCK-M', qty: 1, price: 1500 }] });
    const late = sb.delayPush(tid);
    sb.updateOrder(tid, { status: 'WAIT_SELLER_SEND_GOODS', paidAt: new Date(), modifiedAt: new Date(Date.now() + 60_000) });
    const newer = await sb.pushOrder(tid);
    const stale = await late.deliver();
    expect(stale).toMatchObject({ status: 200, type: 'trade_TradeCreate', version: late.version });
    expect(stale.version).toBeLessThan(newer.version);
    expect(stale.msgId).not.toBe(newer.msgId);
    expect(lastEvent()).toMatchObject({ messageId: stale.msgId, payload: { status: 'WAIT_BUYER_PAY' } });
  });

  it('a resend repeats msg_id with a higher sendCount; test messages are acknowledged as topic test', async () => {
    const r = await sb.pushOrder(TID);
    await sb.pushOrder(TID, { msgId: r.msgId });
    expect(sb.state().pushes.filter((p) => p.msgId === r.msgId).map((p) => p.sendCount)).toEqual([0, 1]);
    expect(lastEvent()?.messageId).toBe(r.msgId);
    const t = await sb.pushTest();
    expect(t.status).toBe(200);
    expect(lastEvent()).toMatchObject({ topic: 'test', orderId: null });
  });

  it('a push signed with another client secret is refused by the adapter', async () => {
    const other = await sandbox.start({ push: { hubUrl: hub.url }, clientSecret: 'not-ours' });
    try {
      other.placeOrder({ id: TID, lines: [{ sku: 'A', qty: 1, price: 100 }] });
      expect((await other.pushOrder(TID)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('javaUrlEncode writes what the adapter decodes, spaces as +', () => {
    const text = `{"a":"x y+z!'()~*"}`;
    expect(javaUrlEncode(text)).toBe('%7B%22a%22%3A%22x+y%2Bz%21%27%28%29%7E*%22%7D');
    expect(decodeYouzanMsg(javaUrlEncode(text))).toBe(text);
  });

  it('placeOrder and updateOrder name the bad field; state() is plain JSON', () => {
    expect(() => sb.placeOrder({ id: '123', lines: [{ sku: 'A', qty: 1, price: 1 }] })).toThrow(/id: a Youzan tid/);
    expect(() => sb.updateOrder(TID, { refundState: 3 as never })).toThrow(/refundState/);
    expect(() => sb.updateOrder('E0000000000', {})).toThrow(/no trade E0000000000/);
    const s = sb.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
