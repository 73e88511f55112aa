import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { ChannelConfig } from '../src/config/schema.js';
import { CAPABILITY } from '../src/sdk/capabilities.js';
import { ShadowGate } from '../src/shadow/gate.js';
import { ShadowRecorder } from '../src/shadow/recorder.js';
import type { StoreDb } from '../src/store/db/connect.js';
import { testStore } from './support/store.js';

/** The shadow gate's decisions against the real store (PostgreSQL): stock pushes, reads, pinning. */
let store: StoreDb;
beforeAll(async () => {
  store = await testStore();
});
afterAll(async () => {
  await store.close();
});

function channels(modes: Record<string, 'live' | 'shadow'>, connectorOf: Record<string, string>): ChannelConfig[] {
  const connectors = [...new Set(Object.values(connectorOf))].map((id) => ({ id, adapter: 'douyin', config: {} }));
  const r = parseConfig({ connectors, channels: Object.entries(modes).map(([id, mode]) => ({ id, adapter: 'douyin', shop: id, connector: connectorOf[id], mapping: 'douyin/order.v2', mode, poll: { enabled: false } })) }, {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config.channels;
}

describe('the shadow gate', () => {
  it('records a stock push only to a connector whose channels are all in shadow; reads always go out', async () => {
    const recorder = new ShadowRecorder(store);
    const gate = new ShadowGate(channels({ 'dy-a': 'shadow', 'dy-b': 'shadow', 'tb-a': 'shadow', 'tb-b': 'live' }, { 'dy-a': 'dy', 'dy-b': 'dy', 'tb-a': 'tb', 'tb-b': 'tb' }), recorder);
    const push = (connector: string) => gate.route({ connector, capability: CAPABILITY.INVENTORY_PUSH, idempotencyKey: `stock-sync:run-1:${connector}`, payload: { warehouse: 'WH1', items: [{ sku: 'A', available: 3 }] }, workflowId: 'stock-sync:WH1' });
    expect(await push('dy')).toEqual({ shadow: true, accepted: true });
    expect(await push('tb')).toBeNull();
    expect(await gate.route({ connector: 'dy', capability: CAPABILITY.ORDER_GET, idempotencyKey: 'k', payload: {}, workflowId: 'order:dy-a:1' })).toBeNull();
    expect(await gate.route({ connector: 'dy', capability: CAPABILITY.STOCK_QUERY, idempotencyKey: 'k2', payload: {}, workflowId: 'order:dy-a:1' })).toBeNull();
    const recorded = await recorder.list({ workflowId: 'stock-sync:WH1' });
    expect(recorded.map((w) => [w.channel, w.connector, w.capability, w.request])).toEqual([['dy-a,dy-b', 'dy', 'inventory.push', { warehouse: 'WH1', items: [{ sku: 'A', available: 3 }] }]]);
  });

  it('keeps an order in the mode of its first write; a retried write is recorded once with the same waybill', async () => {
    const recorder = new ShadowRecorder(store);
    const write = (gate: ShadowGate, workflowId: string, step: string) => gate.route({ connector: 'sf', capability: CAPABILITY.WAYBILL_CREATE, idempotencyKey: `${workflowId}:${step}`, payload: { order: 1 }, workflowId });
    const shadowNow = new ShadowGate(channels({ 'dy-c': 'shadow' }, { 'dy-c': 'dy' }), recorder);
    const liveNow = new ShadowGate(channels({ 'dy-c': 'live' }, { 'dy-c': 'dy' }), recorder);
    const first = await write(shadowNow, 'order:dy-c:1', 'waybill-1');
    expect(first?.['waybillNo']).toMatch(/^SHADOW-[0-9A-F]{12}$/);
    expect(await write(shadowNow, 'order:dy-c:1', 'waybill-1')).toEqual(first);
    // Began live: stays live after the channel turns to shadow. Began in shadow: stays there after the switch to live.
    expect(await write(liveNow, 'order:dy-c:2', 'waybill-1')).toBeNull();
    expect(await write(shadowNow, 'order:dy-c:2', 'waybill-2')).toBeNull();
    expect(await write(liveNow, 'order:dy-c:1', 'waybill-2')).not.toBeNull();
    expect((await recorder.list({ channel: 'dy-c' })).map((w) => w.idempotencyKey)).toEqual(['order:dy-c:1:waybill-1', 'order:dy-c:1:waybill-2']);
  });
});
