import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { configCheckCommand } from './config-check.js';

// `zhongshu config check` is what an operator runs before a deploy: it must exit non-zero on any
// problem and print every problem with the path to fix, one per line, on stderr.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'zhongshu-config-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const channel = (o: { secret?: string; mapping?: string } = {}) => `
channels:
  - id: shop-a
    adapter: shopify
    shop: a.myshopify.com
    secret: ${o.secret ?? '${SHOPIFY_WEBHOOK_SECRET}'}
    mapping: ${o.mapping ?? 'shopify/order.v1'}
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const ENV = { SHOPIFY_WEBHOOK_SECRET: 'whsec-test' };

let stderr: MockInstance<typeof process.stderr.write>;
let stdout: MockInstance<typeof process.stdout.write>;
beforeEach(() => {
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const lines = (spy: MockInstance<typeof process.stderr.write>) =>
  spy.mock.calls
    .map((c) => String(c[0]))
    .join('')
    .split('\n')
    .filter(Boolean);

describe('configCheckCommand', () => {
  it('exits 0 and says ok for a valid file', async () => {
    const file = write('valid.yaml', channel());
    expect(await configCheckCommand(file, ENV)).toBe(0);
    expect(lines(stdout)).toEqual([`${file}: ok (1 channel(s), 0 API key(s))`]);
    expect(lines(stderr)).toEqual([]);
  });

  it('refuses a literal secret, naming its path', async () => {
    const file = write('literal.yaml', channel({ secret: 'hunter2' }));
    expect(await configCheckCommand(file, ENV)).toBe(1);
    expect(lines(stderr)).toEqual(['channels[0].secret: secrets must be a ${ENV_VAR} reference, never a literal value', `${file}: 1 problem(s)`]);
    expect(lines(stdout)).toEqual([]);
  });

  it('names the missing environment variable', async () => {
    const file = write('missing-env.yaml', channel());
    expect(await configCheckCommand(file, {})).toBe(1);
    expect(lines(stderr)).toContain('channels[0].secret: missing env SHOPIFY_WEBHOOK_SECRET');
  });

  it('rejects a malformed mapping id', async () => {
    const file = write('bad-mapping.yaml', channel({ mapping: 'shopify/order' }));
    expect(await configCheckCommand(file, ENV)).toBe(1);
    expect(lines(stderr)).toContain('channels[0].mapping: expected <adapter>/<name>.v<N>, e.g. shopify/order.v1');
  });

  it('prints every problem, not just the first', async () => {
    const file = write('all-wrong.yaml', `${channel({ secret: 'hunter2', mapping: 'Shopify' })}  - id: shop-b\n    adapter: shopify\n    shop: b.myshopify.com\n    secret: \${SHOP_B_SECRET}\n    mapping: shopify/order.v1\n`);
    expect(await configCheckCommand(file, ENV)).toBe(1);
    expect(lines(stderr)).toEqual([
      'channels[0].secret: secrets must be a ${ENV_VAR} reference, never a literal value',
      'channels[0].mapping: expected <adapter>/<name>.v<N>, e.g. shopify/order.v1',
      'channels[1].secret: missing env SHOP_B_SECRET',
      `${file}: 3 problem(s)`,
    ]);
  });

  it('reports YAML syntax errors at the root', async () => {
    const file = write('broken.yaml', 'channels: [\n');
    expect(await configCheckCommand(file, ENV)).toBe(1);
    expect(lines(stderr)[0]).toMatch(/^\(root\): YAML: /);
  });

  it('exits 1 when the file cannot be read', async () => {
    const file = path.join(dir, 'does-not-exist.yaml');
    expect(await configCheckCommand(file, ENV)).toBe(1);
    expect(lines(stderr)).toEqual([`${file}: cannot read (ENOENT)`]);
  });
});

describe('config/zhongshu.yaml', () => {
  const shipped = path.join(root, 'config', 'zhongshu.yaml');

  it('passes with its two secrets set', async () => {
    // Only these two: everything else in the shipped file must have a default.
    expect(await configCheckCommand(shipped, { SHOPIFY_WEBHOOK_SECRET: 'whsec-test', ZHONGSHU_ADMIN_KEY: 'admin-test' })).toBe(0);
    expect(lines(stderr)).toEqual([]);
    expect(lines(stdout)[0]).toMatch(/: ok \(1 channel\(s\), 1 API key\(s\)\)$/);
  });

  it('fails naming both when they are not set', async () => {
    expect(await configCheckCommand(shipped, {})).toBe(1);
    expect(lines(stderr)).toEqual(['auth.apiKeys[0].key: missing env ZHONGSHU_ADMIN_KEY', 'channels[0].secret: missing env SHOPIFY_WEBHOOK_SECRET', `${shipped}: 2 problem(s)`]);
  });
});

describe('polling config', () => {
  it('names a channel whose window is longer than its platform allows', async () => {
    const file = write(
      'poll.yaml',
      `
connectors:
  - { id: pdd, adapter: pinduoduo, config: { clientId: c, clientSecret: "\${PDD_SECRET}", accessToken: "\${PDD_TOKEN}" } }
channels:
  - { id: pdd-a, adapter: pinduoduo, shop: a, connector: pdd, mapping: pinduoduo/order.v1, poll: { windowMinutes: 45 } }
`,
    );
    expect(await configCheckCommand(file, { PDD_SECRET: 's', PDD_TOKEN: 't' })).toBe(1);
    expect(lines(stderr)).toEqual(['channels[0]: channels.pdd-a.poll.windowMinutes: 45 min is longer than pinduoduo allows (30 min)', `${file}: 1 problem(s)`]);
  });

  it('names shop-poll fields on an ERP channel and two channels on one ERP poll, with the shop-poll problems', async () => {
    const file = write(
      'erp-poll.yaml',
      `
connectors:
  - { id: pdd, adapter: pinduoduo, config: { clientId: c, clientSecret: "\${PDD_SECRET}", accessToken: "\${PDD_TOKEN}" } }
  - { id: erp, adapter: legacy-erp, config: { connection: "\${ERP_ODBC}", poll: { table: orders, keyColumn: order_no, updatedAtColumn: updated_at } } }
channels:
  - { id: pdd-a, adapter: pinduoduo, shop: a, connector: pdd, mapping: pinduoduo/order.v1, poll: { windowMinutes: 45 } }
  - { id: erp-a, adapter: legacy-erp, shop: A, connector: erp, mapping: legacy-erp/order.v1, poll: { everyMinutes: 1 } }
  - { id: erp-b, adapter: legacy-erp, shop: B, connector: erp, mapping: legacy-erp/order.v1 }
`,
    );
    expect(await configCheckCommand(file, { PDD_SECRET: 's', PDD_TOKEN: 't', ERP_ODBC: 'DSN=erp' })).toBe(1);
    expect(lines(stderr)).toEqual([
      'channels[0]: channels.pdd-a.poll.windowMinutes: 45 min is longer than pinduoduo allows (30 min)',
      "channels[1].poll.everyMinutes: not used on a legacy-erp channel; an ERP's polling is set in connector erp's config (intervalSeconds, poll)",
      'channels[2].connector: connector erp is already polled into channel erp-a (channels[1]); one ERP poll feeds one channel (its cursor is per connector), so set poll.enabled: false on all but one',
      `${file}: 3 problem(s)`,
    ]);
  });
});
