import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { EMS_TEST, emsCtx, emsTransport } from '../testing.js';
import { EMS_PATH } from '../transport.js';
import { queryTracking } from './query-tracking.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('ems tracking.query (POST /tracking/query)', () => {
  it('returns the canonical result, events sorted oldest first', async () => {
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.TRACKING}`, () =>
        HttpResponse.json({
          waybillNo: 'E1CN',
          state: 'in_transit',
          carrierState: '30',
          events: [
            { at: '2024-06-03T09:00:00+08:00', location: '拉萨市', description: '到达拉萨处理中心', code: '30' },
            { at: '2024-06-01T18:00:00+08:00', location: '成都市', description: '已收寄', code: '10' },
          ],
        }),
      ),
    );
    const out = await queryTracking(emsTransport(), { waybillNo: 'E1CN' }, emsCtx());
    expect(out).toMatchObject({ carrier: 'ems', trackingNo: 'E1CN', state: 'in_transit', carrierState: '30' });
    expect(out.events.map((e) => e.code)).toEqual(['10', '30']);
  });

  it('a state outside the canonical set or a time without offset breaks the contract: rejected', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.TRACKING}`, () => HttpResponse.json({ waybillNo: 'E1CN', state: 'lost', events: [] })));
    const err: unknown = await queryTracking(emsTransport(), { waybillNo: 'E1CN' }, emsCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['bad_response', false]);
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.TRACKING}`, () =>
        HttpResponse.json({ waybillNo: 'E1CN', state: 'none', events: [{ at: '2024-06-01 18:00:00', location: null, description: 'x', code: null }] }),
      ),
    );
    const err2: unknown = await queryTracking(emsTransport(), { waybillNo: 'E1CN' }, emsCtx()).catch((e: unknown) => e);
    expect(err2 instanceof AdapterError && err2.code).toBe('bad_response');
  });
});
