import { describe, expect, it } from 'vitest';
import { parseConfigText, formatPath } from './load.js';

const base = `
channels:
  - id: shopify-a
    adapter: shopify
    shop: a.myshopify.com
    secret: \${SHOPIFY_A}
    mapping: shopify/order.v1
`;

describe('config', () => {
  it('resolves secret references from the environment and applies defaults', () => {
    const r = parseConfigText(base, { SHOPIFY_A: 's3cret' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.channels[0]?.secret).toBe('s3cret');
    expect(r.config.server.port).toBe(8080);
    expect(r.config.server.bodyLimitBytes).toBe(1024 * 1024);
    expect(r.config.temporal.address).toBeUndefined();
  });

  it('bounds the shutdown drain: 30 s by default, a bad value named with its reason', () => {
    const r = parseConfigText(base, { SHOPIFY_A: 's3cret' });
    expect(r.ok && r.config.shutdown.drainMs).toBe(30_000);
    const env = parseConfigText(`${base}shutdown:\n  drainMs: \${DRAIN_MS}\n`, { SHOPIFY_A: 's3cret', DRAIN_MS: '5000' });
    expect(env.ok && env.config.shutdown.drainMs).toBe(5_000);
    const bad = parseConfigText(`${base}shutdown:\n  drainMs: -1\n`, { SHOPIFY_A: 's3cret' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.path)).toEqual(['shutdown.drainMs']);
    expect(bad.problems[0]?.message).toMatch(/>=\s*0|too small/i);
  });

  it('asks for eager start by default, takes the switch from the environment, and names a bad worker setting', () => {
    const r = parseConfigText(base, { SHOPIFY_A: 's3cret' });
    expect(r.ok && r.config.temporal.eagerStart).toBe(true);
    expect(r.ok && r.config.temporal.worker).toEqual({});
    const off = parseConfigText(`${base}temporal:\n  eagerStart: \${EAGER}\n  worker:\n    maxCachedWorkflows: 200\n`, { SHOPIFY_A: 's3cret', EAGER: 'false' });
    expect(off.ok && off.config.temporal.eagerStart).toBe(false);
    expect(off.ok && off.config.temporal.worker.maxCachedWorkflows).toBe(200);
    const bad = parseConfigText(`${base}temporal:\n  worker:\n    workflowTaskPollers: 0\n`, { SHOPIFY_A: 's3cret' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.path)).toEqual(['temporal.worker.workflowTaskPollers']);
    const threads = parseConfigText(`${base}temporal:\n  worker:\n    workflowThreadPoolSize: 2\n`, { SHOPIFY_A: 's3cret' });
    expect(threads.ok && threads.config.temporal.worker.workflowThreadPoolSize).toBe(2);
    const tooMany = parseConfigText(`${base}temporal:\n  worker:\n    workflowThreadPoolSize: 64\n`, { SHOPIFY_A: 's3cret' });
    expect(tooMany.ok ? [] : tooMany.problems.map((p) => p.path)).toEqual(['temporal.worker.workflowThreadPoolSize']);
  });

  it('names the path and the missing variable', () => {
    const r = parseConfigText(base, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContainEqual({ path: 'channels[0].secret', message: 'missing env SHOPIFY_A' });
  });

  it('refuses a literal secret', () => {
    const r = parseConfigText(base.replace('${SHOPIFY_A}', 'hunter2'), {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.path).toBe('channels[0].secret');
    expect(r.problems[0]?.message).toMatch(/never a literal/);
  });

  it('reports every problem, not just the first', () => {
    const text = `
server:
  port: 99999
channels:
  - id: Bad_Id
    adapter: shopify
    shop: x
    secret: \${NOPE}
    mapping: shopify/order
  - id: dup
    adapter: shopify
    shop: x
    secret: \${S}
    mapping: shopify/order.v1
  - id: dup
    adapter: shopify
    shop: x
    secret: \${S}
    mapping: shopify/order.v1
    surprise: 1
`;
    const r = parseConfigText(text, { S: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['server.port', 'channels[0].id', 'channels[0].secret', 'channels[0].mapping', 'channels[2]']));
  });

  it('interpolates non-secret values with defaults and numbers', () => {
    const r = parseConfigText('server:\n  port: ${PORT:-9000}\ntemporal:\n  address: ${TEMPORAL_ADDRESS:-}\n', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.server.port).toBe(9000);
  });

  it('reports YAML syntax errors as a problem', () => {
    const r = parseConfigText('channels: [\n', {});
    expect(r.ok).toBe(false);
  });

  it('formats paths like a person writes them', () => {
    expect(formatPath(['channels', 2, 'secret'])).toBe('channels[2].secret');
    expect(formatPath([])).toBe('');
  });
});

describe('shipped example configs', () => {
  it('config/lifecycle.example.yaml parses with its variables set, and names each one missing', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../config/lifecycle.example.yaml', import.meta.url), 'utf8');
    const vars = [...new Set([...text.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1] ?? ''))];
    // Padded past the 32 characters an SF route token needs.
    const r = parseConfigText(text, Object.fromEntries(vars.map((v) => [v, `value-of-${v}`.padEnd(40, '0')])));
    expect(r.ok ? [] : r.problems).toEqual([]);
    const missing = parseConfigText(text, {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems).toContainEqual({ path: 'channels[0].secret', message: 'missing env SHOPIFY_WEBHOOK_SECRET' });
  });
});

describe('hostile-input config (issue 14)', () => {
  it('refuses an SF route token shorter than 32 characters, naming the field', () => {
    const short = parseConfigText(`${base}webhooks:\n  sfRoutePushToken: \${SF_TOKEN}\n`, { SHOPIFY_A: 's3cret', SF_TOKEN: 'r0ute-t0ken' });
    expect(short.ok).toBe(false);
    if (short.ok) return;
    expect(short.problems.map((p) => p.path)).toEqual(['webhooks.sfRoutePushToken']);
    expect(short.problems[0]?.message).toMatch(/at least 32 characters/);
    // The message never echoes the token.
    expect(JSON.stringify(short.problems)).not.toContain('r0ute-t0ken');
    const long = parseConfigText(`${base}webhooks:\n  sfRoutePushToken: \${SF_TOKEN}\n`, { SHOPIFY_A: 's3cret', SF_TOKEN: 'x'.repeat(32) });
    expect(long.ok).toBe(true);
  });

  it('documents its defaults: metrics and OpenAPI open, PII views per role, signature failures limited', () => {
    const r = parseConfigText(base, { SHOPIFY_A: 's3cret' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.auth.metrics).toEqual({ requireKey: false, roles: ['sre', 'platform_engineer'] });
    expect(r.config.auth.openapi).toEqual({ requireKey: false });
    expect(r.config.auth.piiViews).toMatchObject({ warehouse: 'shipping', finance: 'none', customer_service: 'full' });
    expect(r.config.webhooks.signatureFailures).toEqual({ limit: 20, windowSeconds: 60, maxSources: 10_000 });
  });
});
