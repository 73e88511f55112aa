import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { signTop, TopTransport } from '../transport.js';
import { FullinfoCache } from '../fullinfo-cache.js';
import { pullOrders } from './order-pull.js';

const URL_ = 'https://top.test/router/rest';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const transport = new TopTransport({ appKey: 'k', appSecret: 's', session: 'sess', signMethod: 'hmac-sha256', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date('2024-05-01T02:00:00Z') });
const window = { start: '2024-05-01T01:28:00Z', end: '2024-05-01T02:00:00Z' };

/** 250 trades in the window, newest first, 100 per page: pages 1..3. tids beyond 2^53. */
const ALL = Array.from({ length: 250 }, (_, i) => `40123456789012${String(34567 + i)}`);
function topApi(calls: { method: string; form: URLSearchParams }[], opts: { total?: number; modified?: (tid: string) => string } = {}) {
  return http.post(URL_, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    const method = form.get('method') ?? '';
    calls.push({ method, form });
    const params = Object.fromEntries(form);
    if (form.get('sign') !== signTop(params, 's', 'hmac-sha256')) return HttpResponse.json({ error_response: { code: 25, msg: 'Invalid signature' } });
    if (method === 'taobao.trades.sold.increment.get') {
      const total = opts.total ?? ALL.length;
      const page = Number(form.get('page_no'));
      const size = Number(form.get('page_size'));
      const slice = ALL.slice(0, total).slice((page - 1) * size, page * size);
      // tids as bare JSON numbers, as TOP sends them
      const trades = slice.length ? `,"trades":{"trade":[${slice.map((t) => `{"tid":${t},"modified":"${opts.modified?.(t) ?? '2024-05-01 09:59:00'}"}`).join(',')}]}` : '';
      return HttpResponse.text(`{"trades_sold_increment_get_response":{"total_results":${total}${trades}}}`);
    }
    if (method === 'taobao.trade.fullinfo.get') {
      const tid = form.get('tid') ?? '';
      return HttpResponse.text(`{"trade_fullinfo_get_response":{"trade":{"tid":${tid},"status":"WAIT_SELLER_SEND_GOODS","orders":{"order":[{"oid":${tid}}]}}}}`);
    }
    return HttpResponse.json({ error_response: { code: 22, msg: 'Invalid method' } });
  });
}
const deps = { transport, pageSize: 100, tradeTypes: ['fixed', 'step'] };

describe('taobao order.pull', () => {
  it('reads page 1 for the count, then the last page, and pages backwards to 1', async () => {
    const calls: { method: string; form: URLSearchParams }[] = [];
    server.use(topApi(calls));
    const ctx = testContext();
    const first = await pullOrders(deps, { window }, ctx);
    const lists = calls.filter((c) => c.method === 'taobao.trades.sold.increment.get');
    expect(lists.map((c) => c.form.get('page_no'))).toEqual(['1', '3']);
    expect(lists[0]?.form.get('start_modified')).toBe('2024-05-01 09:28:00');
    expect(lists[0]?.form.get('end_modified')).toBe('2024-05-01 10:00:00');
    expect(lists[0]?.form.get('type')).toBe('fixed,step');
    expect(lists[0]?.form.get('fields')).toBe('tid,modified');
    expect(first.orders).toHaveLength(50);
    expect(first.nextPage).toBe(2);
    expect(first.highWater).toBeNull();
    expect(ctx.beats).toBe(50);
    // ids beyond 2^53 survive exactly, from the list through the detail
    expect(first.orders[0]).toMatchObject({ trade_fullinfo_get_response: { trade: { tid: ALL[200] } } });
    const fullinfo = calls.find((c) => c.method === 'taobao.trade.fullinfo.get');
    expect(fullinfo?.form.get('fields')).toContain('orders');
    expect(fullinfo?.form.get('tid')).toBe(ALL[200]);

    const second = await pullOrders(deps, { window, page: 2 }, ctx);
    expect(second.nextPage).toBe(1);
    const third = await pullOrders(deps, { window, page: 1 }, ctx);
    expect(third.nextPage).toBeNull();
    expect(third.highWater).toBe('2024-05-01T02:00:00.000Z');
    expect(new Set([...first.orders, ...second.orders, ...third.orders].map((o) => JSON.stringify(o))).size).toBe(250);
    // One rate-limit token per TOP request, named by its method: 4 list + 250 fullinfo requests.
    expect(ctx.limited).toEqual(calls.map((c) => c.method));
    expect(ctx.limited).toHaveLength(254);
  });

  it('one page only: a single list call and the window is done', async () => {
    const calls: { method: string; form: URLSearchParams }[] = [];
    server.use(topApi(calls, { total: 3 }));
    const r = await pullOrders(deps, { window }, testContext());
    expect(calls.filter((c) => c.method === 'taobao.trades.sold.increment.get')).toHaveLength(1);
    expect(r.orders).toHaveLength(3);
    expect([r.nextPage, r.highWater]).toEqual([null, '2024-05-01T02:00:00.000Z']);
  });

  it('an empty window (no trades key at all) is done', async () => {
    server.use(topApi([], { total: 0 }));
    const r = await pullOrders(deps, { window }, testContext());
    expect(r).toEqual({ orders: [], nextPage: null, highWater: '2024-05-01T02:00:00.000Z' });
  });

  it('refuses a window longer than a day and a reversed one, as rejected', async () => {
    for (const w of [{ start: '2024-04-29T00:00:00Z', end: '2024-05-01T00:00:00Z' }, { start: window.end, end: window.start }]) {
      const err = await pullOrders(deps, { window: w }, testContext()).catch((e: unknown) => e);
      expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['invalid_input', false]);
    }
  });

  it('a rate limit while listing is retryable', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count', sub_msg: 'wait 1s' } })));
    const err = await pullOrders(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.retryable, err.code]).toEqual([true, 'accesscontrol.limited-by-app-access-count']);
  });

  it('an unexpected list shape is rejected, not half-read', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ trades_sold_increment_get_response: { trades: { trade: [{ tid: 1.5 }] } } })));
    const err = await pullOrders(deps, { window }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.retryable, err.code]).toEqual([false, 'bad_response']);
  });

  it('stops when the workflow cancels', async () => {
    server.use(topApi([]));
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(pullOrders(deps, { window }, testContext(ac.signal))).rejects.toThrow('cancelled');
  });

  // A poll re-lists its 2-minute overlap every run: an unchanged trade must not cost a detail call
  // each time (5 calls/s per shop), or a busy shop's new orders wait a minute for the next poll.
  it('reads a trade in full again only when its modified time changed, or the last read may have missed a change', async () => {
    const calls: { method: string; form: URLSearchParams }[] = [];
    const modified = new Map<string, string>([
      [ALL[0]!, '2024-05-01 09:59:00'],
      [ALL[1]!, '2024-05-01 09:59:00'],
      [ALL[2]!, '2024-05-01 09:59:58'],
    ]);
    server.use(topApi(calls, { total: 3, modified: (t) => modified.get(t) ?? '2024-05-01 09:00:00' }));
    // TOP's clock: 10:00:00 GMT+8 is 02:00:00Z. The first read starts then.
    let clock = Date.parse('2024-05-01T02:00:00Z');
    const cache = new FullinfoCache(100, () => clock);
    const details = () => calls.filter((c) => c.method === 'taobao.trade.fullinfo.get').map((c) => c.form.get('tid'));
    const first = await pullOrders({ ...deps, details: cache }, { window }, testContext());
    expect(details()).toEqual([ALL[0], ALL[1], ALL[2]]);

    calls.length = 0;
    clock += 60_000;
    modified.set(ALL[1]!, '2024-05-01 10:00:30');
    const again = await pullOrders({ ...deps, details: cache }, { window }, testContext());
    // ALL[0]: unchanged, answered as read. ALL[1]: changed since. ALL[2]: changed 2 s before the
    // first read began, so a second change in that second (or a clock ahead of TOP's) could hide.
    expect(details()).toEqual([ALL[1], ALL[2]]);
    expect(again.orders[0]).toEqual(first.orders[0]);
    expect(again.orders).toHaveLength(3);

    calls.length = 0;
    await pullOrders({ ...deps, details: cache }, { window }, testContext());
    expect(details()).toEqual([]);
  });

  it('keeps at most its bound of trades, dropping the least recently read', () => {
    const cache = new FullinfoCache(2, () => Date.parse('2024-05-01T03:00:00Z'));
    for (const tid of ['1', '2', '3']) cache.put(tid, '2024-05-01 10:00:00', cache.started(), { tid });
    expect(cache.get('1', '2024-05-01 10:00:00')).toBeUndefined();
    expect(cache.get('3', '2024-05-01 10:00:00')).toEqual({ tid: '3' });
    expect(cache.get('3', undefined)).toBeUndefined();
  });
});
