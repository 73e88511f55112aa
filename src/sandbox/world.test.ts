import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { startSandboxWorld, type SandboxWorld } from './world.js';

let world: SandboxWorld;
beforeAll(async () => {
  world = await startSandboxWorld({ hubUrl: 'http://127.0.0.1:9', skus: [{ sku: 'W-1', price: 100, onHand: 7 }] });
});
afterAll(async () => {
  await world?.close();
});

describe('sandbox world', () => {
  it('its hub config parses with its env, secrets only as ${ENV} references', () => {
    const parts = world.hubConfig();
    const r = parseConfig({ connectors: parts.connectors, channels: parts.channels, webhooks: parts.webhooks, lifecycle: parts.lifecycle }, world.env);
    expect(r.ok ? [] : r.problems).toEqual([]);
    const tb = parts.connectors.find((c): c is { id: string; config: Record<string, unknown> } => typeof c === 'object' && c !== null && 'id' in c && c.id === 'tb');
    expect(tb?.config['appSecret']).toBe('${SIM_TB_APPSECRET}');
    expect(world.env['SIM_TB_APPSECRET']).toBe(world.taobao.connectorConfig()['appSecret']);
  });

  it('without its env the config names each missing secret', () => {
    const parts = world.hubConfig();
    const r = parseConfig({ connectors: parts.connectors, channels: parts.channels, webhooks: parts.webhooks, lifecycle: parts.lifecycle }, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message).join('\n')).toMatch(/SIM_SHOPIFY_CHANNEL_SECRET/);
  });

  it('lists every SKU on the platforms and stocks it in the WMS', () => {
    expect(world.taobao.connectorConfig()['listings']).toHaveProperty('W-1');
    expect(world.wdt.state().stock['W-1']).toEqual({ 'WH-SIM': 7 });
  });

  it('Douyin orders ship on the Douyin e-waybill and reach the WMS through the platform-waybill mapping', () => {
    const parts = world.hubConfig();
    expect(parts.channels.find((c) => typeof c === 'object' && c !== null && 'id' in c && c.id === 'sim-douyin')).toMatchObject({ courier: { connector: 'dy-ewb', mappings: { wms: 'wangdiantong/trade-push-platform-waybill.v1' } } });
    expect(parts.connectors.find((c) => typeof c === 'object' && c !== null && 'id' in c && c.id === 'dy-ewb')).toMatchObject({ adapter: 'douyin', config: { ewaybill: { logisticsCode: 'shunfeng', courier: 'SF' } } });
  });

  it('shipment confirmations can be switched off per channel', () => {
    const channels = world.hubConfig({ shipmentConfirm: false }).channels;
    for (const c of channels) expect(c).toMatchObject({ shipmentConfirm: { enabled: false } });
  });

  it("one platform's channel can run in shadow mode, the others stay live", () => {
    const parts = world.hubConfig({ shadow: 'douyin' });
    const r = parseConfig({ connectors: parts.connectors, channels: parts.channels, webhooks: parts.webhooks, lifecycle: parts.lifecycle }, world.env);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config.channels.map((c) => [c.id, c.mode])).toEqual([
      ['sim-taobao', 'live'],
      ['sim-pdd', 'live'],
      ['sim-douyin', 'shadow'],
      ['sim-youzan', 'live'],
      ['sim-shopify', 'live'],
    ]);
  });
});
