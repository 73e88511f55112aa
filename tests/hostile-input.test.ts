import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { createLogger } from '../src/logger.js';
import { QuarantineStore } from '../src/store/quarantine.js';
import { packageRoot } from '../src/util/package-info.js';
import { ADMIN_KEY, CS_KEY, ENGINEER_KEY, SHOP, startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

// Issue 14: payloads written by an attacker, not by a platform. Each probe here once hurt the hub.

const engineer = { authorization: `Bearer ${ENGINEER_KEY}` };
const BOMB_SHOP = 'bomb.myshopify.com';
let hub: Hub;
let dir: string;
const logLines: string[] = [];

beforeAll(async () => {
  // The real mappings, plus one whose own expression is a catastrophic regex over the order note:
  // what a mapping author's mistake (or an unreviewed draft) can do, and what JSONata's time
  // limit, checked only between steps, cannot stop.
  dir = await mkdtemp(path.join(tmpdir(), 'zs-hostile-'));
  await cp(path.join(packageRoot(), 'mappings'), dir, { recursive: true });
  await writeFile(path.join(dir, 'shopify', 'bomb.v1.jsonata'), '$match(note, /(a+)+$/)');
  hub = await startTestHub({
    worker: false,
    logger: createLogger({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    config: {
      mappings: { dir, workers: { threads: 1, queue: 0, dryRunThreads: 1, dryRunQueue: 0, deadlineMs: 1500, overloadRetryAfterSeconds: 7 } },
      channels: [
        { id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
        { id: 'shopify-bomb', adapter: 'shopify', shop: BOMB_SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/bomb.v1', currency: 'USD' },
      ],
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'engineer', key: '${ENGINEER_KEY}', roles: ['platform_engineer'] },
          { name: 'cs', key: '${CS_KEY}', roles: ['customer_service'] },
        ],
      },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `p` with a flag saying whether it has settled yet. */
function tracked<T>(p: T | Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const promise = Promise.resolve(p).finally(() => {
    done = true;
  });
  return { promise, settled: () => done };
}

const bombBody = () => sampleOrder(newOrderId(), (o) => o.replace(/"note": (null|"[^"]*")/, `"note": "${'a'.repeat(32)}!"`));

describe('no code from data', () => {
  it('a legacy-ERP order whose lines_json is a regex bomb gets a clear 422 naming the field, and /healthz answers meanwhile', async () => {
    const probe = {
      order_no: 'SO-PROBE-1',
      status: 'paid',
      created_at: '2026-03-11 21:00:00',
      lines_json: '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
    };
    const dry = hub.app.request('/api/mappings/legacy-erp/order.v1/dry-run', { method: 'POST', body: JSON.stringify(probe), headers: engineer });
    // One turn of the event loop: a mapping that blocks it holds this request until it is done.
    await new Promise((r) => setImmediate(r));
    const health = hub.app.request('/healthz');
    const [dryRes, healthRes] = await Promise.all([dry, health]);
    expect(healthRes.status).toBe(200);
    expect(dryRes.status).toBe(422);
    const err = (await json(dryRes)).error;
    expect(err.code).toBe('mapping_failed');
    expect(err.message).toMatch(/legacy-erp\/order\.v1.*\$parseJson: lines_json: not valid JSON text/);
    expect(err.message).not.toContain('aaaa');
  });
});

describe('mapping off the event loop', () => {
  it('a runaway mapping is stopped at the hard deadline with a clear 422, and /healthz answers while it runs', async () => {
    const body = bombBody();
    expect(body).toContain(`"note": "${'a'.repeat(32)}!"`);
    const dry = tracked(hub.app.request('/api/mappings/shopify/bomb.v1/dry-run', { method: 'POST', body, headers: engineer }));
    await new Promise((r) => setImmediate(r));
    const health = await hub.app.request('/healthz');
    expect(health.status).toBe(200);
    // Causal, not timed: the health answer came back while the mapping was still running.
    expect(dry.settled()).toBe(false);
    const res = await dry.promise;
    expect(res.status).toBe(422);
    const err = (await json(res)).error;
    expect(err.details.code).toBe('E_DEADLINE');
    expect(err.message).toMatch(/shopify\/bomb\.v1.*1500 ms hard deadline/);
  });

  it('answers a webhook 503 with Retry-After when every mapping thread is busy and the queue is full', async () => {
    const first = tracked(hub.app.request('/webhooks/shopify', shopifyRequest(bombBody(), { shop: BOMB_SHOP })));
    await new Promise((r) => setImmediate(r));
    const second = await hub.app.request('/webhooks/shopify', shopifyRequest(bombBody(), { shop: BOMB_SHOP }));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('7');
    expect((await json(second)).error.code).toBe('mapping_overloaded');
    expect(first.settled()).toBe(false);
    // The one that got the thread was stopped at the deadline and kept for replay.
    const res = await first.promise;
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toMatchObject({ code: 'E_DEADLINE', quarantineId: expect.any(String) });
  });
});

/** A body of `total` bytes made on demand, counting what the server pulled: never held in memory. */
function lazyBody(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const block = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= total) return ctrl.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      ctrl.enqueue(n === chunk ? block : block.subarray(0, n));
    },
  });
  return { stream, pulled: () => sent };
}

describe('bodies bounded on every route', () => {
  const FOUR_HUNDRED_MB = 400 * 1024 * 1024;
  const cs = { authorization: `Bearer ${CS_KEY}`, 'content-type': 'application/json' };

  it('a declared 400 MB body to POST /api/orders/:id/address gets 413 before it is read', async () => {
    const body = lazyBody(FOUR_HUNDRED_MB);
    const res = await hub.app.request('/api/orders/shopify-test:1/address', {
      method: 'POST',
      body: body.stream,
      headers: { ...cs, 'content-length': String(FOUR_HUNDRED_MB) },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await json(res)).error).toMatchObject({ code: 'body_too_large', message: expect.stringMatching(/262144-byte limit/) });
    expect(body.pulled()).toBeLessThan(1024 * 1024);
  });

  it('a 400 MB body streamed without a length is cut off at the /api limit', async () => {
    const body = lazyBody(FOUR_HUNDRED_MB);
    const res = await hub.app.request('/api/orders/shopify-test:1/address', { method: 'POST', body: body.stream, headers: cs, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThan(2 * 1024 * 1024);
  });

  it('webhooks keep their own (larger) limit, dry runs the /api one', async () => {
    const big = `{"note": "${'x'.repeat(300 * 1024)}"}`;
    const dry = await hub.app.request('/api/mappings/shopify/order.v1/dry-run', { method: 'POST', body: big, headers: engineer });
    expect(dry.status).toBe(413);
    // 300 KiB is under the 1 MiB webhook limit: it gets as far as the signature check.
    const hook = await hub.app.request('/webhooks/shopify', shopifyRequest(big, { hmac: 'bad' }));
    expect(hook.status).toBe(401);
  });
});

describe('quarantine as a store', () => {
  const eng = { headers: engineer };
  async function quarantineOne(): Promise<string> {
    const bad = sampleOrder(newOrderId(), (o) => o.replace('"currency": "USD"', '"currency": "usd"'));
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(bad));
    expect(res.status).toBe(422);
    return (await json(res)).error.details.quarantineId;
  }

  it('POST /api/quarantine/index/discard is refused and the index survives', async () => {
    const id = await quarantineOne();
    const res = await hub.app.request('/api/quarantine/index/discard', { method: 'POST', ...eng });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_id', message: expect.stringMatching(/^id: /) });
    const list = await json(await hub.app.request('/api/quarantine', eng));
    expect(list.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(list.total).toBeGreaterThan(0);
    // Every route checks the id the same way; a well-formed unknown id is a 404.
    for (const [method, p] of [['GET', 'index'], ['GET', 'index/raw'], ['POST', 'index/replay']] as const) {
      expect((await hub.app.request(`/api/quarantine/${p}`, { method, ...eng })).status).toBe(400);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await hub.app.request(`/api/quarantine/${unknown}/discard`, { method: 'POST', ...eng })).status).toBe(404);
    expect((await hub.app.request(`/api/quarantine/${unknown}`, eng)).status).toBe(404);
  });

  it('keeps entries and the index in separate key namespaces, entries with a retention TTL', async () => {
    const id = await quarantineOne();
    const keys = await hub.redis.keys(`${(hub as Hub & { prefix: string }).prefix}quarantine:*`);
    expect(keys).toContain(`${(hub as Hub & { prefix: string }).prefix}quarantine:index`);
    const entryKey = keys.find((k) => k.endsWith(id));
    expect(entryKey).toBe(`${(hub as Hub & { prefix: string }).prefix}quarantine:entry:${id}`);
    const ttl = await hub.redis.ttl(entryKey ?? '');
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
    // A failed replay counts the attempt and keeps the TTL.
    expect((await hub.app.request(`/api/quarantine/${id}/replay`, { method: 'POST', ...eng })).status).toBe(422);
    expect(await hub.redis.ttl(entryKey ?? '')).toBeGreaterThan(29 * 24 * 3600);
  });

  it('drops an entry from the index once it is past the retention (its key expired with its TTL)', async () => {
    const prefix = `${(hub as Hub & { prefix: string }).prefix}retention:`;
    const store = new QuarantineStore(hub.redis, prefix, { retentionSeconds: 3600 });
    const kept = await store.put({ channel: 'c', adapter: 'shopify', mappingId: 'shopify/order.v1', receivedAt: new Date().toISOString(), deliveryId: null, error: { code: 'E', message: 'm', issues: [] }, rawBody: '{}' });
    const old = await store.put({ channel: 'c', adapter: 'shopify', mappingId: 'shopify/order.v1', receivedAt: new Date().toISOString(), deliveryId: null, error: { code: 'E', message: 'm', issues: [] }, rawBody: '{}' });
    // As if `old` had been put two hours ago.
    await hub.redis.zadd(`${prefix}quarantine:index`, Date.now() - 2 * 3600 * 1000, old.id);
    expect(await store.count()).toBe(1);
    expect((await store.list({ limit: 10 })).map((e) => e.id)).toEqual([kept.id]);
  });

  it('lists and shows entries without raw bodies; the raw body only for the configured roles', async () => {
    const id = await quarantineOne();
    const list = await json(await hub.app.request('/api/quarantine', eng));
    expect(list.items.length).toBeGreaterThan(0);
    for (const item of list.items) expect(item).not.toHaveProperty('rawBody');
    const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };
    const one = await hub.app.request(`/api/quarantine/${id}`, admin);
    expect(one.status).toBe(200);
    expect(await json(one)).not.toHaveProperty('rawBody');
    // Not even operations_lead: raw bodies hold buyer PII, and only the config's roles read them.
    expect((await hub.app.request(`/api/quarantine/${id}/raw`, admin)).status).toBe(403);
    const raw = await hub.app.request(`/api/quarantine/${id}/raw`, eng);
    expect(raw.status).toBe(200);
    expect((await json(raw)).rawBody).toContain('"currency": "usd"');
  });
});

describe('errors without leaks', () => {
  it('a Shopify body that fails mapping: the 422 and the log name the mapping id and the field, no file path, no buyer data', async () => {
    const phone = '+86 138 0013 8000';
    const body = sampleOrder(newOrderId(), (o) => o.replace('"currency": "USD"', '"currency": "usd"').replace(/"phone": "[^"]*"/g, `"phone": "${phone}"`));
    expect(body).toContain(phone);
    const from = logLines.length;
    const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body));
    expect(res.status).toBe(422);
    const err = (await json(res)).error;
    expect(err.message).toMatch(/^shopify\/order\.v1: output fails the canonical order schema: currency/);
    const logged = logLines.slice(from).join('\n');
    expect(logged).toMatch(/payload quarantined: shopify\/order\.v1: output fails the canonical order schema: currency/);
    for (const text of [JSON.stringify(err), logged]) {
      expect(text).not.toContain(dir);
      expect(text).not.toContain('.jsonata');
      expect(text).not.toContain(phone);
    }
  });
});

describe('deliveries deduplicated by the signed body too', () => {
  it('a captured signed body replayed under a fresh webhook id is answered as a duplicate without being mapped again', async () => {
    const body = sampleOrder(newOrderId());
    const first = await hub.app.request('/webhooks/shopify', shopifyRequest(body, { webhookId: 'wh-original' }));
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ ok: true, duplicate: false });
    // The webhook id header is not signed: an attacker can change it at will.
    const replayed = await hub.app.request('/webhooks/shopify', shopifyRequest(body, { webhookId: 'wh-forged' }));
    expect(replayed.status).toBe(200);
    // Answered from the delivery dedupe (no orderKey: nothing was mapped or sent to the workflow).
    expect(await json(replayed)).toEqual({ ok: true, duplicate: true });
  });
});
