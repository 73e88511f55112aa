import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { createShipConfirm } from '../activities/ship-confirm.js';
import type { CanonicalOrder } from '../canonical/order.js';
import { parseConfig } from '../config/load.js';
import type { HubConfig } from '../config/schema.js';
import { createLogger } from '../logger.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { channelLifecycleSettings, lifecycleSettings } from './settings.js';
import { canonicalOrder } from '../../tests/support/lifecycle-builders.js';

/**
 * A channel shipping with its own courier (a Douyin shop on the platform's e-waybill): its orders
 * start with that courier and its mappings, other channels keep the lifecycle's, and the shipment
 * confirmation takes the carrier from the e-waybill connector's subscription.
 */
const env = { S: 'secret', T: 'token', W: 'wdt-secret', SF: 'sf-check' };
const dy = { appKey: '7000000000000000001', appSecret: '${S}', accessToken: '${T}', baseUrl: 'http://127.0.0.1:1' };
function config(channelCourier: Record<string, unknown> | undefined): HubConfig {
  const r = parseConfig(
    {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: dy },
        { id: 'dy-ewb', adapter: 'douyin', config: { ...dy, ewaybill: { logisticsCode: 'shunfeng', courier: 'SF' } } },
        { id: 'sf', adapter: 'sf-express', config: { url: 'http://127.0.0.1:2', partnerId: 'p', checkword: '${SF}' } },
      ],
      channels: [
        { id: 'dy-shop', adapter: 'douyin', shop: '1', connector: 'dy', mapping: 'douyin/order.v2', ...(channelCourier ? { courier: channelCourier } : {}) },
        { id: 'other', adapter: 'douyin', shop: '2', connector: 'dy', mapping: 'douyin/order.v2' },
      ],
      lifecycle: { enabled: true, courier: 'sf', mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' } },
    },
    env,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}
function registry(c: HubConfig): AdapterRegistry {
  const r = new AdapterRegistry({ logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() }, env);
  for (const d of BUILTIN_ADAPTERS) r.register(d);
  r.configure(c.connectors);
  return r;
}

describe('channels[].courier', () => {
  it("pins the channel's courier and its mappings into that channel's orders; other channels keep the lifecycle's", () => {
    const c = config({ connector: 'dy-ewb', mappings: { wms: 'wangdiantong/trade-push-platform-waybill.v1' } });
    const reg = registry(c);
    const base = lifecycleSettings(c, reg);
    const per = channelLifecycleSettings(c, base, reg);
    expect(Object.keys(per)).toEqual(['dy-shop']);
    expect(per['dy-shop']).toMatchObject({ courier: 'dy-ewb', remoteCourier: 'dy-ewb', mappings: { waybill: null, waybillUpdate: null, wms: 'wangdiantong/trade-push-platform-waybill.v1' } });
    expect(base).toMatchObject({ courier: 'sf', mappings: { waybill: 'sf-express/waybill.v1', wms: 'wangdiantong/trade-push.v1' } });
  });

  it('refuses a courier that is no connector, or one that cannot issue waybills, naming the field', () => {
    const r = parseConfig({ connectors: [], channels: [{ id: 'x', adapter: 'douyin', shop: '1', mapping: 'douyin/order.v2', courier: { connector: 'nope' } }] }, env);
    expect(r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`)).toContain('channels[0].courier.connector: no connector "nope" in connectors');
    const c = config({ connector: 'dy' });
    const reg = registry(c);
    expect(() => channelLifecycleSettings(c, lifecycleSettings(c, reg), reg)).toThrow('channels[0].courier.connector: connector "dy" does not offer waybill.create');
  });

  it("the shipment confirmation takes the carrier from the e-waybill connector's subscription", async () => {
    const reg = registry(config(undefined));
    const sent: unknown[] = [];
    const confirm = createShipConfirm({
      registry: reg,
      carrierCode: (platform, courier) => `${platform}:${courier}`,
      invoke: async (req) => {
        sent.push(req.input);
        return { confirmed: true };
      },
    });
    const tb = canonicalOrder({ id: '6930000000000000001' });
    const order: CanonicalOrder = { ...tb, source: { ...tb.source, platform: 'douyin' } };
    const res = await confirm({ connector: 'dy', courier: 'dy-ewb', idempotencyKey: 'k', order, waybillNo: 'SF1', shippedAt: '2026-12-06T10:00:00+08:00' });
    expect(res).toEqual({ confirmed: true, carrierCode: 'douyin:SF' });
    expect(sent).toEqual([{ orderId: '6930000000000000001', trackingNumber: 'SF1', carrierCode: 'douyin:SF' }]);
    await expect(confirm({ connector: 'dy', courier: 'dy', idempotencyKey: 'k2', order, waybillNo: 'SF1', shippedAt: '2026-12-06T10:00:00+08:00' })).rejects.toThrow(/courier adapter "douyin" has no hub courier id/);
  });
});
