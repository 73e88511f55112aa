import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { PLATFORM_POLLING } from '../../adapters/_shared/polling.js';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { channelPolicy } from './policy.js';
import { pollScheduleId, pollTargets } from './schedules.js';

describe('channelPolicy', () => {
  it('keeps the platform limits and takes window and overlap from connector, then channel', () => {
    expect(channelPolicy('pinduoduo', {}, {}, 'pdd')).toEqual(PLATFORM_POLLING.pinduoduo);
    expect(channelPolicy('taobao', { polling: { windowMinutes: 60, overlapSeconds: 300 } }, {}, 'tb')).toMatchObject({ maxWindowMs: 3_600_000, overlapMs: 300_000, maxLookbackMs: PLATFORM_POLLING.taobao.maxLookbackMs });
    expect(channelPolicy('taobao', { polling: { windowMinutes: 60, overlapSeconds: 300 } }, { windowMinutes: 10, overlapSeconds: 30 }, 'tb')).toMatchObject({ maxWindowMs: 600_000, overlapMs: 30_000 });
    expect(channelPolicy('amazon', {}, {}, 'amz').minLagMs).toBe(120_000);
  });

  it('refuses a window above the platform ceiling, naming the field', () => {
    expect(() => channelPolicy('pinduoduo', {}, { windowMinutes: 31 }, 'pdd-main')).toThrow(/channels\.pdd-main\.poll\.windowMinutes: 31 min is longer than pinduoduo allows \(30 min\)/);
  });

  it('gives a partner adapter a conservative generic policy', () => {
    expect(channelPolicy('acme-shop', {}, {}, 'x')).toMatchObject({ maxWindowMs: 30 * 60_000, minLagMs: 0, overlapMs: 120_000 });
  });
});

describe('pollTargets', () => {
  const build = (channels: unknown[], connectors: unknown[]) => {
    const r = parseConfig({ connectors, channels }, { S: 's', T: 't' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const registry = new AdapterRegistry({ logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() }, { S: 's', T: 't' });
    for (const d of BUILTIN_ADAPTERS) registry.register(d);
    registry.configure(r.config.connectors);
    return { config: r.config, registry };
  };
  const tb = { id: 'tb', adapter: 'taobao', config: { appKey: 'k', appSecret: '${S}', sessionKey: '${T}' } };
  const yz = { id: 'yz', adapter: 'youzan', config: { clientId: 'c', clientSecret: '${S}' } };

  it('polls every enabled channel whose connector pulls, unless switched off', () => {
    const { config, registry } = build(
      [
        { id: 'tb-a', adapter: 'taobao', shop: 'a', connector: 'tb', mapping: 'taobao/order.v1', poll: { everyMinutes: 5 } },
        { id: 'tb-b', adapter: 'taobao', shop: 'b', connector: 'tb', mapping: 'taobao/order.v1', poll: { enabled: false } },
        { id: 'tb-c', adapter: 'taobao', shop: 'c', connector: 'tb', mapping: 'taobao/order.v1', enabled: false },
        { id: 'yz-a', adapter: 'youzan', shop: 'y', connector: 'yz', mapping: 'youzan/order.v1' },
      ],
      [tb, yz],
    );
    expect(pollTargets(config, registry).map((t) => [t.channel.id, t.everyMinutes])).toEqual([['tb-a', 5]]);
    expect(pollScheduleId('tb-a', 'orders')).toBe('zhongshu-poll:tb-a@orders');
  });

  it('fails at start for polling a connector cannot do or a window too long', () => {
    const { config, registry } = build(
      [
        { id: 'yz-a', adapter: 'youzan', shop: 'y', connector: 'yz', mapping: 'youzan/order.v1', poll: { enabled: true } },
        { id: 'tb-a', adapter: 'taobao', shop: 'a', connector: 'tb', mapping: 'taobao/order.v1', poll: { windowMinutes: 2000 } },
      ],
      [tb, yz],
    );
    expect(() => pollTargets(config, registry)).toThrow(/channels\[0\]\.poll\.enabled: connector yz does not offer order\.pull[\s\S]*channels\[1\]: channels\.tb-a\.poll\.windowMinutes: 2000 min is longer than taobao allows \(1440 min\)/);
  });

  it('rejects an alert connector that does not exist', () => {
    const r = parseConfig({ connectors: [tb], channels: [{ id: 'tb-a', adapter: 'taobao', shop: 'a', connector: 'tb', mapping: 'taobao/order.v1', poll: { alertConnector: 'nope' } }] }, { S: 's', T: 't' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.problems)).toContain('no connector \\"nope\\" in connectors');
  });
});
