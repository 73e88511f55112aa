import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as wecomSandbox, type WecomSandbox } from '../adapters/wecom/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { orderApi } from './support/orders.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

/**
 * Holds that tell someone: the hub on the real dev server tells the WeCom robot sandbox of a
 * level-3 stock hold (the purchasing alert), once per event however often the order is read or
 * the activity retried.
 */
const WH = 'WH-N';
let robot: WecomSandbox;
let hub: Hub & { prefix: string };

beforeAll(async () => {
  robot = await wecomSandbox.start();
  const cfg = robot.connectorConfig();
  hub = await startTestHub({
    env: { WECOM_KEY: String(cfg['key']) },
    config: {
      lifecycle: { enabled: true, warehouse: WH, onLockFailure: 'hold', notify: { insufficient_stock: 'wecom-purchasing' } },
      connectors: [{ id: 'wecom-purchasing', adapter: 'wecom', config: { ...cfg, key: '${WECOM_KEY}' } }],
    },
  });
  const pool = new InventoryPool(hub.redis, hub.prefix);
  await pool.setOnHand(WH, 'HN-A', 0);
  await pool.setOnHand(WH, 'HN-B', 5);
});
afterAll(async () => {
  await hub?.stop();
  await robot?.close();
});

const { waitFor } = orderApi(() => hub);

describe('holds that tell someone', () => {
  it('a level-3 stock hold sends the purchasing alert to the configured robot, once', async () => {
    const id = newOrderId();
    const body = sampleOrder(id, (o) => o.replace('"sku": "IPOD2008PINK"', '"sku": "HN-A"').replace('"sku": "IPOD2008BLUE"', '"sku": "HN-B"').replaceAll('"phone": "555-555-SHIP"', `"phone": "555-${id.slice(-7)}"`));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(200);
    const key = (await json(res)).orderKey;
    const held = await waitFor(key, 'on_hold');
    expect(held.hold).toMatchObject({ reason: 'insufficient_stock', level: 3 });
    // The notice is the activity right after the decision request: wait for the robot to have it.
    for (let i = 0; i < 100 && robot.state().messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const messages = robot.state().messages;
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0])).toContain('采购提醒');
    expect(JSON.stringify(messages[0])).toContain(key);
    // No buyer phone reaches a chat group.
    expect(JSON.stringify(messages[0])).not.toContain('555-');
    const decision = await hub.app.request(`/api/decisions/${key}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'reject' }) });
    expect(decision.status).toBe(200);
    expect(robot.state().messages).toHaveLength(1);
  });
});
