import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { FinanceConfig } from '../../finance/config.js';
import { JsonLinesOrderSource, type FinanceOrderSource } from '../../finance/source.js';
import { createLogger } from '../../logger.js';
import { sha256, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { financeRoutes } from './finance.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'finance', '__fixtures__', 'orders.jsonl');
const keys: ApiKeyEntry[] = [
  { name: 'fin', roles: ['finance'], sha256: sha256('k-fin') },
  { name: 'lead', roles: ['operations_lead'], sha256: sha256('k-lead') },
  { name: 'cs', roles: ['customer_service'], sha256: sha256('k-cs') },
];
const config = FinanceConfig.parse({ commission: { taobao: { rateBasisPoints: 500 } } });

function app(source?: FinanceOrderSource) {
  const a = new Hono<AppEnv>();
  a.route('/api/finance', financeRoutes({ source, config, apiKeys: keys, logger: createLogger({ level: 'silent' }) }));
  // The hub's onError in miniature: HttpError -> its status and code.
  a.onError((err, c) => (err instanceof HttpError ? c.json({ error: { code: err.code, message: err.message } }, err.status) : c.json({ error: { code: 'internal', message: String(err) } }, 500)));
  return a;
}
const get = (a: Hono<AppEnv>, query: string, key?: string) => a.request(`/api/finance/reconciliation?${query}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
const fixture = new JsonLinesOrderSource(FIXTURE);

describe('GET /api/finance/reconciliation', () => {
  it('finance and operations_lead may read it; others get 403, no key 401', async () => {
    const a = app(fixture);
    expect((await get(a, 'month=2026-11')).status).toBe(401);
    expect((await get(a, 'month=2026-11', 'k-cs')).status).toBe(403);
    expect((await get(a, 'month=2026-11', 'k-fin')).status).toBe(200);
    expect((await get(a, 'month=2026-11', 'k-lead')).status).toBe(200);
  });

  it('JSON summary carries the hand-computed totals (see src/finance/reconcile.test.ts)', async () => {
    const res = await get(app(fixture), 'month=2026-11&format=json', 'k-fin');
    const body: unknown = await res.json();
    expect(body).toMatchObject({ month: '2026-11', totals: [{ currency: 'CNY', orders: 4, received: '372.00', commission: '14.10', refunds: '60.00', net: '297.90' }, { currency: 'USD', net: '48.99' }] });
  });

  it('CSV summary: UTF-8 with BOM, attachment, totals rows', async () => {
    const res = await get(app(fixture), 'month=2026-11&format=csv', 'k-fin');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="reconciliation-2026-11-summary.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text).toContain('\r\n合计 total,,,CNY,4,400.00,10.00,38.00,15.00,372.00,14.10,11.00,60.00,297.90\r\n');
  });

  it('streams the detail view as CSV ending in totals, and as NDJSON ending in a totals line', async () => {
    const csv = await (await get(app(fixture), 'month=2026-11&format=csv&view=detail', 'k-fin')).text();
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 8 + 2);
    expect(lines.find((l) => l.includes(',D1,'))).toBe('2026-11-02,douyin,dy-shop,dy-main,D1,2026-10-28T12:00:00+08:00,CNY,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,30.00,-30.00,,,');
    const nd = (await (await get(app(fixture), 'month=2026-11&format=json&view=detail', 'k-fin')).text()).trim().split('\n');
    expect(nd).toHaveLength(8 + 1);
    expect(JSON.parse(nd[nd.length - 1] ?? '')).toMatchObject({ totals: [{ currency: 'CNY', net: '297.90' }, { currency: 'USD', net: '48.99' }] });
  });

  it('bad query: 400 naming the parameter; no source: 503', async () => {
    const bad = await get(app(fixture), 'month=2026-13', 'k-fin');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'invalid_query', message: 'month: expected YYYY-MM, e.g. 2026-11' } });
    const fmt = await get(app(fixture), 'month=2026-11&format=xlsx', 'k-fin');
    expect(fmt.status).toBe(400);
    expect(JSON.stringify(await fmt.json())).toContain('format: ');
    const none = await get(app(), 'month=2026-11', 'k-fin');
    expect(none.status).toBe(503);
  });

  it('a source failing mid-stream cuts the detail body before its totals rows, so the file reads as incomplete', async () => {
    const failing: FinanceOrderSource = {
      async *orders(range) {
        for await (const o of fixture.orders(range)) {
          yield o;
          throw new Error('store connection lost');
        }
      },
    };
    const res = await get(app(failing), 'month=2026-11&format=csv&view=detail', 'k-fin');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(',T1,');
    expect(text).not.toContain('合计 total');
  });
});
