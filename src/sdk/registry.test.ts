import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { secret } from './connector-config.js';
import { defineAdapter, type AdapterDefinition } from './define.js';
import { AdapterRegistry } from './registry.js';

const make = (id: string, contractVersion = 1): AdapterDefinition =>
  defineAdapter({
    manifest: { id, contractVersion, version: '0.1.0', status: 'beta', kind: 'notifier', displayName: id, summary: 's', capabilities: ['alert.send'] },
    configSchema: z.object({ url: z.string().url(), token: secret() }).strict(),
    create: () => {
      created++;
      return { testConnection: async () => ({ ok: true }), invoke: async () => 'sent', close: async () => {} };
    },
  });
let created = 0;
const deps = { logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() };

describe('AdapterRegistry', () => {
  it('refuses a bad manifest when the adapter is defined, naming the field', () => {
    expect(() => make('Bad_Id')).toThrow(/id: kebab-case id expected/);
  });
  it('refuses duplicate ids and other contract versions at registration', () => {
    const r = new AdapterRegistry(deps, {});
    r.register(make('a'));
    expect(() => r.register(make('a'))).toThrow(/registered twice/);
    expect(() => r.register(make('b', 2))).toThrow(/contract v2; this hub implements v1/);
  });
  it('checks every connector config at start, creates instances lazily and once', async () => {
    const r = new AdapterRegistry(deps, { T: 'tok' });
    r.register(make('n'));
    expect(() => r.configure([{ id: 'x', adapter: 'nope', config: {} }])).toThrow(/connectors\[0\]\.adapter: no adapter "nope"/);
    const r2 = new AdapterRegistry(deps, { T: 'tok' });
    r2.register(make('n'));
    expect(() => r2.configure([{ id: 'x', adapter: 'n', config: { url: 'not a url', token: '${MISSING}' } }])).toThrow(/connectors\[0\]\.config\.token: missing env MISSING/);
    const r3 = new AdapterRegistry(deps, { T: 'tok' });
    r3.register(make('n'));
    r3.configure([{ id: 'x', adapter: 'n', config: { url: 'https://hooks.example/x', token: '${T}' } }]);
    const before = created;
    expect(created).toBe(before); // nothing created by configure
    const [a, b] = await Promise.all([r3.connector('x'), r3.connector('x')]);
    expect(a.instance).toBe(b.instance);
    expect(created).toBe(before + 1);
    await expect(r3.connector('y')).rejects.toThrow(/no connector "y"/);
  });
  it('supports: the manifest capabilities, narrowed to what the connector config enables when the adapter says (offers)', () => {
    const def = defineAdapter({
      manifest: { id: 'p', contractVersion: 1, version: '0.1.0', status: 'beta', kind: 'platform', displayName: 'p', summary: 's', capabilities: ['order.webhook', 'shipment.confirm'] },
      configSchema: z.object({ token: secret().optional() }).strict(),
      offers: (c) => (c.token ? ['order.webhook', 'shipment.confirm', 'order.pull'] : ['order.webhook']),
      create: () => ({ testConnection: async () => ({ ok: true }), invoke: async () => null, close: async () => {} }),
    });
    const r = new AdapterRegistry(deps, { T: 'tok' });
    r.register(def);
    r.register(make('plain'));
    r.configure([
      { id: 'bare', adapter: 'p', config: {} },
      { id: 'full', adapter: 'p', config: { token: '${T}' } },
      { id: 'n', adapter: 'plain', config: { url: 'https://hooks.example/x', token: '${T}' } },
    ]);
    expect([r.supports('bare', 'order.webhook'), r.supports('bare', 'shipment.confirm')]).toEqual([true, false]);
    expect(r.supports('full', 'shipment.confirm')).toBe(true);
    // offers cannot add what the manifest does not list; no offers = the manifest.
    expect(r.supports('full', 'order.pull')).toBe(false);
    expect([r.supports('n', 'alert.send'), r.supports('n', 'order.pull'), r.supports('missing', 'alert.send')]).toEqual([true, false, false]);
  });
});
