import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { PddTransport } from '../transport.js';
import { pullRefunds } from './refund-pull.js';

const URL_ = 'https://pdd.test/api/router';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const NOW = new Date('2024-05-01T02:00:00Z');
const transport = new PddTransport({ clientId: 'c', clientSecret: 's', accessToken: 't', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => NOW });
const deps = { transport, pageSize: 2 };
const window = { start: '2024-05-01T01:27:00Z', end: '2024-05-01T01:57:00Z' };
const ROWS = [1, 2, 3, 4, 5].map((id) => ({ id, order_sn: `240501-00000000000000${id}`, after_sales_type: 3, after_sales_status: 3, refund_amount: '1.00', sku_id: '77', goods_number: 1, updated_time: '2024-05-01 09:30:00' }));

describe('pinduoduo aftersales.pull', () => {
  it('every type and status in the unix-second window; page 1 for the count, then the last page back to the first', async () => {
    const calls: URLSearchParams[] = [];
    server.use(
      http.post(URL_, async ({ request }) => {
        const f = new URLSearchParams(await request.text());
        calls.push(f);
        const page = Number(f.get('page'));
        const size = Number(f.get('page_size'));
        return HttpResponse.json({ refund_increment_get_response: { total_count: ROWS.length, refund_list: ROWS.slice((page - 1) * size, page * size) } });
      }),
    );
    const ctx = testContext();
    const a = await pullRefunds(deps, { window }, ctx);
    expect(ctx.limited).toEqual(['pdd.refund.list.increment.get', 'pdd.refund.list.increment.get']);
    expect(calls.map((c) => [c.get('type'), c.get('page'), c.get('after_sales_type'), c.get('after_sales_status'), c.get('start_updated_at'), c.get('end_updated_at')])).toEqual([
      ['pdd.refund.list.increment.get', '1', '1', '1', '1714526820', '1714528620'],
      ['pdd.refund.list.increment.get', '3', '1', '1', '1714526820', '1714528620'],
    ]);
    expect(a).toEqual({ refunds: [ROWS[4]], nextPage: 2 });
    const b = await pullRefunds(deps, { window, page: 1 }, testContext());
    expect(b).toEqual({ refunds: [ROWS[0], ROWS[1]], nextPage: null });
  });

  it('an empty window is one call and no next page; a body without the response names it', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ refund_increment_get_response: { total_count: 0 } })));
    expect(await pullRefunds(deps, { window }, testContext())).toEqual({ refunds: [], nextPage: null });
    server.use(http.post(URL_, () => HttpResponse.json({ something_else: {} })));
    const err = await pullRefunds(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.retryable, /refund_increment_get_response/.test(err.message)]).toEqual([false, true]);
  });

  it('refuses a window over 30 minutes before any call', async () => {
    const err = await pullRefunds(deps, { window: { start: '2024-05-01T01:00:00Z', end: '2024-05-01T01:31:00Z' } }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['invalid_input', false]);
  });
});
