import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { createLogger } from '../logger.js';
import { secret } from '../sdk/connector-config.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { limiterConnectors } from './connector-refs.js';
import { RateLimitsConfig, bucketsFor } from './rate-limit.js';

const logger = createLogger({ level: 'silent' });
const config = RateLimitsConfig.parse({});

function taobaoShop(appKeyRef: string) {
  return { appKey: appKeyRef, appSecret: '${TOP_SECRET}', sessionKey: '${TOP_SESSION}' };
}

describe('limiterConnectors', () => {
  it('keys the app bucket by the resolved app key: two ${ENV} refs with one value share one bucket', () => {
    const env = { TOP_APP_KEY_A: '12345678', TOP_APP_KEY_B: '12345678', TOP_SECRET: 'sec', TOP_SESSION: 'sess' };
    const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, env);
    for (const def of BUILTIN_ADAPTERS) registry.register(def);
    registry.configure([
      { id: 'tb-a', adapter: 'taobao', config: taobaoShop('${TOP_APP_KEY_A}') },
      { id: 'tb-b', adapter: 'taobao', config: taobaoShop('${TOP_APP_KEY_B}') },
    ]);
    const refs = limiterConnectors(registry);
    const [a, b] = refs.map((r) => bucketsFor(config, r, 'order.pull'));
    expect(a?.[0]?.key).toBe('rl:{taobao:12345678}:app');
    expect(b?.[0]?.key).toBe(a?.[0]?.key);
    // Each shop (here: each connector) keeps its own bucket.
    expect([a?.[1]?.key, b?.[1]?.key]).toEqual(['rl:{taobao:12345678}:shop:tb-a', 'rl:{taobao:12345678}:shop:tb-b']);
    // Only the identifying fields are kept: no secret, no session in the limiter.
    expect(JSON.stringify(refs)).not.toMatch(/sec|sess/);
  });

  it('hashes an app field its adapter marks secret, so the value never reaches a Redis key', () => {
    const Partner = defineAdapter({
      manifest: { id: 'partner', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'platform', displayName: 'Partner', summary: 'Secret app id (tests only).', capabilities: ['order.pull'] },
      configSchema: z.object({ appId: secret('the app id, secret on this platform') }).strict(),
      create: () => ({ testConnection: async () => ({ ok: true }), invoke: async () => ({}), close: async () => {} }),
    });
    const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, { PARTNER_APP: 'very-secret-app-id' });
    registry.register(Partner);
    registry.configure([{ id: 'p1', adapter: 'partner', config: { appId: '${PARTNER_APP}' } }]);
    const custom = RateLimitsConfig.parse({ adapters: { partner: { perApp: { perSecond: 1, burst: 1 } } } });
    const [ref] = limiterConnectors(registry);
    const key = ref ? bucketsFor(custom, ref, 'order.pull')[0]?.key : undefined;
    expect(key).toMatch(/^rl:\{partner:h:[0-9a-f]{16}\}:app$/);
    expect(key).not.toContain('very-secret');
  });
});
