import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { mappingsDiffCommand } from '../src/cli/mappings-diff.js';
import { Hono } from 'hono';
import { sha256 } from '../src/http/auth.js';
import { HttpError } from '../src/http/errors.js';
import { mappingRoutes } from '../src/http/routes/mappings.js';
import { createLogger } from '../src/logger.js';
import { diffMappings, type DiffReport } from '../src/mapping/diff.js';
import type { Json } from './support/json.js';
import { MappingEngine } from '../src/mapping/engine.js';
import type { StoreDb } from '../src/store/db/connect.js';
import { purgeRawPayloads, RawPayloadRecorder, readRawPayloads } from '../src/store/db/raw-payloads.js';
import { startTestHub } from './support/hub.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';
import { testSchema, testStore } from './support/store.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(root, 'mappings/legacy-erp/__fixtures__/order.v1');
const logger = createLogger({ level: 'silent' });
const V1 = 'legacy-erp/order.v1';
const V2 = 'legacy-erp/order.v2';

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(fixtures, `${name}.input.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * A mappings directory with legacy-erp/order.v1 and a v2 with three planted changes: the phone
 * gets a +86 prefix, the seller memo an "[ERP] " prefix, and the postal code becomes required.
 */
async function mappingsWithV2(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zs-diff-maps-'));
  await cp(path.join(root, 'mappings/_tables'), path.join(dir, '_tables'), { recursive: true });
  await cp(path.join(root, 'mappings/legacy-erp/order.v1.jsonata'), path.join(dir, 'legacy-erp/order.v1.jsonata'));
  const v1 = await readFile(path.join(dir, 'legacy-erp/order.v1.jsonata'), 'utf8');
  const v2 = v1
    .replace('"phone": $pii(null, null, buyer_phone)', '"phone": $pii(null, null, $text(buyer_phone) ? "+86" & $text(buyer_phone) : null)')
    .replace('"sellerMemo": $text(seller_memo)', '"sellerMemo": $text(seller_memo) ? "[ERP] " & $text(seller_memo) : null')
    .replace('"postalCode": $text(postal_code)', '"postalCode": $text(postal_code) ? $text(postal_code) : $error("postal_code: required from v2 on")');
  expect(v2).not.toBe(v1);
  await writeFile(path.join(dir, 'legacy-erp/order.v2.jsonata'), v2);
  return dir;
}

describe('mapping impact diff over kept payloads (real PostgreSQL, mapping worker pool)', () => {
  let store: StoreDb;
  let mapsDir: string;
  let engine: MappingEngine;
  const schema = testSchema();
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    store = await testStore(schema);
    mapsDir = await mappingsWithV2();
    engine = new MappingEngine({ dir: mapsDir, limits: { timeoutMs: 5_000 }, pool: { lanes: { default: { threads: 1, queue: 1 }, dryRun: { threads: 1, queue: 16 } }, deadlineMs: 20_000, workerMemoryMb: 128 } });
    await engine.loadAll();
    const shipped = await fixture('municipality-shipped-parsed-lines');
    const paid = { ...(await fixture('paid-order-discount-allocated')), postal_code: '310012' };
    const cancelled = await fixture('cancelled-unpaid-minimal');
    const bad = await fixture('error-unknown-status');
    const noPhone = { ...shipped, order_no: 'SO-NO-PHONE', buyer_phone: null };
    const recorder = new RawPayloadRecorder(store, { logger, maxBatch: 2, flushMs: 10 });
    const kept = { shipped, paid, cancelled, bad, noPhone };
    let i = 0;
    for (const body of Object.values(kept)) recorder.record({ receivedAt: at(60 - i++), channel: 'erp-main', platform: 'erp', shop: 'main', currency: 'CNY', mapping: V1, body: JSON.stringify(body) });
    // Another channel's payload, and one past the retention period.
    recorder.record({ receivedAt: at(30), channel: 'erp-other', platform: 'erp', shop: 'other', currency: 'CNY', mapping: V1, body: JSON.stringify(cancelled) });
    recorder.record({ receivedAt: at(10 * 24 * 60), channel: 'erp-main', platform: 'erp', shop: 'main', currency: 'CNY', mapping: V1, body: JSON.stringify(cancelled) });
    await recorder.close();
    expect(recorder.counts).toEqual({ written: 7, notKept: 0 });
    const names = Object.keys(kept);
    let j = 0;
    for await (const p of readRawPayloads(store, { since: new Date(now - 2 * 3_600_000), channel: 'erp-main' })) ids[names[j++] ?? '?'] = p.id;
    expect(Object.keys(ids)).toEqual(names);
  });
  afterAll(async () => {
    await engine.close();
    await store.close();
  });

  it('a full buffer (database slow or down) counts what it did not keep instead of growing', async () => {
    const other = await testStore();
    try {
      const recorder = new RawPayloadRecorder(other, { logger, maxBuffered: 2, flushMs: 60_000 });
      for (let k = 0; k < 5; k++) recorder.record({ receivedAt: at(1), channel: 'c', platform: 'erp', shop: 's', currency: 'CNY', mapping: V1, body: `{"n":${k}}` });
      await recorder.close();
      expect(recorder.counts).toEqual({ written: 2, notKept: 3 });
      const bodies: string[] = [];
      for await (const p of readRawPayloads(other, { since: new Date(0) })) bodies.push(p.body);
      expect(bodies).toEqual(['{"n":0}', '{"n":1}']);
    } finally {
      await other.close();
    }
  });

  it('purges payloads past the retention period and keeps the rest', async () => {
    expect(await purgeRawPayloads(store, new Date(now - 7 * 86_400_000))).toBe(1);
    let left = 0;
    for await (const _ of readRawPayloads(store, { since: new Date(0) })) left++;
    expect(left).toBe(6);
  });

  it('reports the planted field changes (PII masked) and the planted new failure', async () => {
    const r: DiffReport = await diffMappings(engine, V1, V2, readRawPayloads(store, { since: new Date(now - 7 * 86_400_000), channel: 'erp-main' }), { concurrency: 2 });
    expect(r).toMatchObject({ from: V1, to: V2, payloads: 5, identical: 1, changed: 2, bothFail: 1, newlySucceeding: [] });
    expect(r.newlyFailing).toEqual([{ payloadId: ids['cancelled'], channel: 'erp-main', receivedAt: expect.any(String) as string, error: expect.stringContaining('postal_code: required from v2 on') as string }]);
    expect(r.fields).toEqual([
      {
        path: 'recipient.phone.plaintext',
        count: 2,
        examples: [
          { payloadId: ids['shipped'], before: '1***1', after: '+***1' },
          { payloadId: ids['paid'], before: '1***0', after: '+***0' },
        ],
      },
      { path: 'sellerMemo', count: 1, examples: [{ payloadId: ids['paid'], before: '老客户，加送试用装', after: '[ERP] 老客户，加送试用装' }] },
    ]);
    // No phone number leaves the diff unmasked.
    expect(JSON.stringify(r)).not.toContain('13800000');
  });

  it('zhongshu mappings diff exits 1 on a new failure, 0 for an identical version, 2 on a bad --since', async () => {
    const config = path.join(mapsDir, 'hub.yaml');
    await writeFile(config, `log:\n  level: silent\nmappings:\n  dir: ${mapsDir}\ndatabase:\n  schema: ${schema}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
    const env = { DATABASE_URL: inject('hubDatabaseUrl') };
    try {
      expect(await mappingsDiffCommand(V1, V2, { config, since: '7d', channel: 'erp-main' }, env)).toBe(1);
      expect(out.join('')).toContain(`NEWLY FAILING #${ids['cancelled'] ?? ''}`);
      expect(out.join('')).toContain('recipient.phone.plaintext: 2');
      out.length = 0;
      expect(await mappingsDiffCommand(V1, V1, { config, since: '7d', json: true }, env)).toBe(0);
      expect(JSON.parse(out.join(''))).toMatchObject({ payloads: 6, identical: 5, bothFail: 1, newlyFailing: [], fields: [] });
      expect(await mappingsDiffCommand(V1, V2, { config, since: 'a week' }, env)).toBe(2);
      expect(err.join('')).toContain('--since: expected a duration like 7d, 12h or 30m, got "a week"');
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
  });

  it('POST /api/mappings/diff answers the same report, to platform engineers only', async () => {
    const keys = [
      { name: 'pe', roles: ['platform_engineer'] as const, sha256: sha256('pe-key') },
      { name: 'ops', roles: ['operations_lead'] as const, sha256: sha256('ops-key') },
    ];
    // The routes as mounted, with the answer the hub's error handler gives an HttpError.
    const app = new Hono();
    app.route('/', mappingRoutes({ mappings: engine, channels: [], apiKeys: keys, store }));
    app.onError((err, c) => (err instanceof HttpError ? c.json({ error: { code: err.code, message: err.message } }, err.status) : c.json({ error: { code: 'internal', message: String(err) } }, 500)));
    const ask = (key: string, body: unknown) => app.request('/diff', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // operations_lead may do everything else, but not read kept payloads.
    expect((await ask('ops-key', { from: V1, to: V2 })).status).toBe(403);
    const bad = await ask('pe-key', { from: V1, to: 'v2' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('to: expected <adapter>/<name>.v<N>');
    const res = await ask('pe-key', { from: V1, to: V2, channel: 'erp-main' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ payloads: 5, identical: 1, changed: 2, newlyFailing: [{ payloadId: ids['cancelled'] }], nextCursor: null });

    // Two payloads a page: three pages cover the same five payloads once each, the counts adding up to the one-page report.
    const pages: Json[] = [];
    let cursor: string | undefined;
    do {
      const r = await ask('pe-key', { from: V1, to: V2, channel: 'erp-main', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      const body: Json = await r.json();
      pages.push(body);
      cursor = body.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.payloads)).toEqual([2, 2, 1]);
    expect(pages.reduce((n, p) => n + p.identical, 0)).toBe(1);
    expect(pages.reduce((n, p) => n + p.changed, 0)).toBe(2);
    expect(pages.flatMap((p) => p.newlyFailing.map((f: Json) => f.payloadId))).toEqual([ids['cancelled']]);
    const forged = await ask('pe-key', { from: V1, to: V2, cursor: 'not-a-cursor' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('cursor: not a cursor this API returned');
  });
});

describe('the hub keeps every inbound payload for the diff (real Temporal, Redis, PostgreSQL)', () => {
  it('a signed webhook and a payload that fails mapping are both kept, as received, once the hub stops', async () => {
    const hub = await startTestHub({ worker: false });
    const schema = `s_${hub.prefix.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
    const body = sampleOrder(newOrderId());
    const broken = sampleOrder(newOrderId(), (o) => o.replace('"currency": "USD"', '"currency": 12'));
    let store: StoreDb | null = null;
    try {
      expect((await hub.app.request('/webhooks/shopify', shopifyRequest(body))).status).toBe(200);
      expect((await hub.app.request('/webhooks/shopify', shopifyRequest(broken))).status).toBeGreaterThanOrEqual(200);
    } finally {
      await hub.stop();
    }
    try {
      store = await testStore(schema);
      const kept: string[] = [];
      for await (const p of readRawPayloads(store, { since: new Date(Date.now() - 3_600_000) })) {
        expect(p).toMatchObject({ channel: 'shopify-test', platform: 'shopify', mapping: 'shopify/order.v1', currency: 'USD' });
        kept.push(p.body);
      }
      expect(kept).toEqual([body, broken]);
    } finally {
      await store?.close();
    }
  });
});
