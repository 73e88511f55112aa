import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { TrackingResult } from '../../_shared/tracking.js';
import { KdniaoTransport } from '../transport.js';
import { kdniaoState, queryTracking } from './query-tracking.js';

// The vector from transport.test.ts (computed there with openssl), repeated so this file stands alone.
const KDNIAO_VECTOR = {
  requestData: '{"OrderCode":"","ShipperCode":"SF","LogisticCode":"SF1234567890123","CustomerName":"5678"}',
  appKey: '56da2cf8-c8a2-44b2-b6fa-476cd7d1ba17',
  dataSign: 'YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU%3D',
};
const URL_ = 'https://kdniao.test/Ebusiness/EbusinessOrderHandle.aspx';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const logger = createLogger({ level: 'silent' });
const ctx = (signal = new AbortController().signal): InvokeContext => ({ signal, idempotencyKey: 'wf-1_track', logger, heartbeat() {} });
const transport = (timeoutMs = 5_000) => new KdniaoTransport({ url: URL_, eBusinessId: '1234567', appKey: KDNIAO_VECTOR.appKey, timeoutMs, fetch: (...a) => globalThis.fetch(...a), logger });
const INPUT = { shipperCode: 'SF', logisticCode: 'SF1234567890123', customerName: '5678' };

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('kdniao tracking.query', () => {
  it('sends the signed form and maps State and Traces to the canonical result', async () => {
    let raw = '';
    server.use(
      http.post(URL_, async ({ request }) => {
        raw = await request.text();
        return HttpResponse.json({
          EBusinessID: '1234567',
          ShipperCode: 'SF',
          LogisticCode: 'SF1234567890123',
          Success: true,
          State: '2',
          Traces: [
            { AcceptTime: '2024-06-01 18:05:00', AcceptStation: '顺丰速运 已收取快件' },
            { AcceptTime: '2024-06-02 08:10:00', AcceptStation: '快件到达 【深圳南山集散点】' },
          ],
        });
      }),
    );
    const out = await queryTracking(transport(), '1002', INPUT, ctx());
    // The RequestData signed is the vector's, so the DataSign on the wire is the vector's.
    expect(raw).toContain(`DataSign=${KDNIAO_VECTOR.dataSign}`);
    expect(new URLSearchParams(raw).get('RequestData')).toBe(KDNIAO_VECTOR.requestData);
    expect(TrackingResult.parse(out)).toEqual({
      carrier: 'kdniao/SF',
      trackingNo: 'SF1234567890123',
      state: 'in_transit',
      carrierState: '2',
      events: [
        { at: '2024-06-01T18:05:00+08:00', location: null, description: '顺丰速运 已收取快件', code: null },
        { at: '2024-06-02T08:10:00+08:00', location: null, description: '快件到达 【深圳南山集散点】', code: null },
      ],
    });
  });

  it('8001 enhanced: StateEx and Location and Action are kept', async () => {
    server.use(
      http.post(URL_, () =>
        HttpResponse.json({ Success: true, LogisticCode: 'SF1', ShipperCode: 'SF', State: 3, StateEx: 301, Traces: [{ AcceptTime: '2024-06-03 10:00:00', AcceptStation: '已签收', Location: '深圳市', Action: '301' }] }),
      ),
    );
    const out = await queryTracking(transport(), '8001', { shipperCode: 'SF', logisticCode: 'SF1' }, ctx());
    expect(out).toMatchObject({ state: 'delivered', carrierState: '3/301', events: [{ location: '深圳市', code: '301' }] });
  });

  it('State 0 with no traces is state none, not an error', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ Success: true, LogisticCode: 'SF1', State: '0', Reason: '暂无轨迹信息', Traces: [] })));
    expect(await queryTracking(transport(), '1002', { shipperCode: 'SF', logisticCode: 'SF1' }, ctx())).toMatchObject({ state: 'none', events: [] });
  });

  it('Success:false is rejected with the Reason', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ EBusinessID: '1234567', Success: false, Reason: '没有可用套餐' })));
    const err = await failure(queryTracking(transport(), '1002', INPUT, ctx()));
    expect([err.code, err.retryable]).toEqual(['query_failed', false]);
    expect(err.message).toContain('没有可用套餐');
  });

  it('HTTP 502 is retryable, a malformed body rejected', async () => {
    server.use(http.post(URL_, () => new HttpResponse('bad gateway', { status: 502 })));
    expect(await failure(queryTracking(transport(), '1002', INPUT, ctx()))).toMatchObject({ code: 'http_502', retryable: true });
    server.use(http.post(URL_, () => HttpResponse.json({ Success: 'yes' })));
    expect(await failure(queryTracking(transport(), '1002', INPUT, ctx()))).toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('the AbortSignal aborts a slow call', async () => {
    server.use(
      http.post(URL_, async () => {
        await delay(10_000);
        return HttpResponse.json({ Success: true });
      }),
    );
    const ctrl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctrl.abort(), 100);
    await expect(queryTracking(transport(30_000), '1002', INPUT, ctx(ctrl.signal))).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a bad input before sending', async () => {
    expect(await failure(queryTracking(transport(), '1002', { shipperCode: 'sf', logisticCode: '' }, ctx()))).toMatchObject({ code: 'invalid_input', retryable: false });
  });
});

describe('kdniaoState', () => {
  it('maps the documented states', () => {
    expect([0, 1, 2, 3, 4, 5, null].map(kdniaoState)).toEqual(['none', 'picked_up', 'in_transit', 'delivered', 'problem', 'in_transit', 'none']);
  });
});
