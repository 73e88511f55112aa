import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { testContext } from '../../_shared/platform-testing.js';
import { TopTransport } from '../transport.js';
import { pullRefunds } from './refund-pull.js';

const URL_ = 'https://top.test/router/rest';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const transport = new TopTransport({ appKey: 'k', appSecret: 's', session: 'sess', signMethod: 'hmac-sha256', baseUrl: URL_, timeoutMs: 2000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date('2024-05-01T02:00:00Z') });
const window = { start: '2024-05-01T01:30:00Z', end: '2024-05-01T02:00:00Z' };
// refund_id past 2^53, as TOP sends it: a bare number in the JSON text.
const BIG = '7000000000000000123';

describe('taobao aftersales.pull', () => {
  it('GMT+8 modified window, no status (every one), last page first; refund ids past 2^53 kept exact', async () => {
    const forms: URLSearchParams[] = [];
    server.use(
      http.post(URL_, async ({ request }) => {
        const f = new URLSearchParams(await request.text());
        forms.push(f);
        const page = Number(f.get('page_no'));
        const refunds = page === 2 ? `{"refunds":{"refund":[{"refund_id":${BIG},"tid":1,"status":"WAIT_SELLER_AGREE"}]}}` : `{"refunds":{"refund":[{"refund_id":1,"tid":1,"status":"SUCCESS"},{"refund_id":2,"tid":1,"status":"CLOSED"}]}}`;
        return new HttpResponse(`{"refunds_receive_get_response":{"total_results":3,${refunds.slice(1, -1)}}}`, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const a = await pullRefunds({ transport, pageSize: 2 }, { window }, testContext());
    expect(forms.map((f) => [f.get('method'), f.get('page_no'), f.get('start_modified'), f.get('end_modified'), f.get('status')])).toEqual([
      ['taobao.refunds.receive.get', '1', '2024-05-01 09:30:00', '2024-05-01 10:00:00', null],
      ['taobao.refunds.receive.get', '2', '2024-05-01 09:30:00', '2024-05-01 10:00:00', null],
    ]);
    expect(forms[0]?.get('fields')).toContain('has_good_return');
    expect(a).toEqual({ refunds: [{ refund_id: BIG, tid: 1, status: 'WAIT_SELLER_AGREE' }], nextPage: 1 });
  });

  it('an empty page omits the list; a TOP error maps through; a longer window than a day is refused before a call', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ refunds_receive_get_response: { total_results: 0 } })));
    expect(await pullRefunds({ transport, pageSize: 2 }, { window }, testContext())).toEqual({ refunds: [], nextPage: null });
    server.use(http.post(URL_, () => HttpResponse.json({ error_response: { code: 27, msg: 'Invalid session', sub_code: 'session-expired' } })));
    expect(await pullRefunds({ transport, pageSize: 2 }, { window }, testContext()).catch((e: unknown) => e)).toBeInstanceOf(AdapterError);
    const err = await pullRefunds({ transport, pageSize: 2 }, { window: { start: '2024-05-01T00:00:00Z', end: '2024-05-02T00:00:01Z' } }, testContext()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['invalid_input', false]);
  });
});
