import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import wangdiantong from './index.js';
import { ENTERPRISE_URL, FIXED_NOW, sampleOrder } from './testing.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const logger = pino({ level: 'silent' });
const ctx = { signal: new AbortController().signal, idempotencyKey: 'wf-1:push', logger, heartbeat() {} };

async function instance() {
  const config = wangdiantong.configSchema.parse({ edition: 'enterprise', baseUrl: ENTERPRISE_URL, sid: 'test2', appkey: 'test2-xx', appsecret: '12345', shopNo: 'api_test' });
  return wangdiantong.create(config, { logger, fetch: globalThis.fetch, mappings: null, now: () => FIXED_NOW });
}

describe('wangdiantong adapter', () => {
  it('declares a wms adapter with its five capabilities', () => {
    expect(wangdiantong.manifest).toMatchObject({ id: 'wangdiantong', kind: 'wms' });
    expect(wangdiantong.manifest.capabilities).toEqual(['wms.order.push', 'wms.order.intercept', 'stock.query', 'logistics.sync', 'wms.returns.received']);
  });

  it('refuses an ultimate config whose secret is not secret:salt', () => {
    const r = wangdiantong.configSchema.safeParse({ edition: 'ultimate', baseUrl: 'https://x.test/openapi', sid: 's', appkey: 'k', appsecret: 'nosalt', shopNo: 'x' });
    expect(r.success).toBe(false);
  });

  it('routes each capability to its operation, logistics.sync by action', async () => {
    const hits: string[] = [];
    server.use(
      http.post(`${ENTERPRISE_URL}/:file`, ({ params }) => {
        hits.push(String(params['file']));
        return HttpResponse.json({ code: 0, new_count: 1, chg_count: 0, stocks: [], trades: [] });
      }),
    );
    const a = await instance();
    await a.invoke('wms.order.push', { order: sampleOrder() }, ctx);
    await a.invoke('wms.order.intercept', { order: sampleOrder(), reason: 'cancel' }, ctx);
    await a.invoke('stock.query', { skus: ['A'] }, ctx);
    await a.invoke('logistics.sync', { action: 'pending' }, ctx);
    await a.invoke('logistics.sync', { action: 'ack', acks: [{ syncId: '1', result: 'ok' }] }, ctx);
    expect(hits).toEqual(['trade_push.php', 'trade_push.php', 'stock_query.php', 'logistics_sync_query.php', 'logistics_sync_ack.php']);
  });

  it('spends one rate-limit token per request, so stock.query paging one SKU per call counts each request', async () => {
    const hits: string[] = [];
    server.use(
      http.post(`${ENTERPRISE_URL}/:file`, ({ params }) => {
        hits.push(String(params['file']));
        return HttpResponse.json({ code: 0, new_count: 1, chg_count: 0, stocks: [], trades: [] });
      }),
    );
    const tokens: string[] = [];
    const limited = { ...ctx, rateLimit: async (api: string) => void tokens.push(api) };
    const a = await instance();
    await a.invoke('stock.query', { skus: ['A', 'B', 'C'] }, limited);
    await a.invoke('wms.order.push', { order: sampleOrder() }, limited);
    expect(hits).toEqual(['stock_query.php', 'stock_query.php', 'stock_query.php', 'trade_push.php']);
    expect(tokens).toEqual(['stock_query.php', 'stock_query.php', 'stock_query.php', 'trade_push.php']);
  });

  it('invalid input is rejected without echoing values, and unknown capabilities are refused', async () => {
    const a = await instance();
    const err = await a.invoke('wms.order.push', { order: { ...sampleOrder(), currency: 'yuan' } }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'invalid_input', retryable: false });
    expect(String(err)).toContain('order.currency');
    expect(String(err)).not.toContain('13800138000');
    await expect(a.invoke('waybill.create', {}, ctx)).rejects.toMatchObject({ code: 'unsupported_capability' });
  });

  it('testConnection reports a rejected signature as not ok', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/logistics_sync_query.php`, () => HttpResponse.json({ code: 1, message: 'sign error' })));
    const a = await instance();
    const r = await a.testConnection();
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('sign error');
  });
});
