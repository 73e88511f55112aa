import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { EMS_TEST, emsCtx, emsTransport } from '../testing.js';
import { EMS_PATH } from '../transport.js';
import { cancelWaybill } from './cancel-waybill.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('ems waybill.cancel (POST /waybills/cancel)', () => {
  it('cancels, and a second cancel is success with alreadyCancelled', async () => {
    let cancelled = false;
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CANCEL}`, () => {
        const already = cancelled;
        cancelled = true;
        return HttpResponse.json({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: already });
      }),
    );
    expect(await cancelWaybill(emsTransport(), { orderId: 'wf-1_waybill', waybillNo: 'E1CN' }, emsCtx())).toEqual({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: false });
    expect(await cancelWaybill(emsTransport(), { orderId: 'wf-1_waybill' }, emsCtx())).toEqual({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: true });
  });

  it('order_not_found (404) is rejected, 503 retried', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CANCEL}`, () => HttpResponse.json({ code: 'order_not_found' }, { status: 404 })));
    const err: unknown = await cancelWaybill(emsTransport(), { orderId: 'x' }, emsCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['order_not_found', false]);
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CANCEL}`, () => HttpResponse.json({ code: 'unavailable' }, { status: 503 })));
    const busy: unknown = await cancelWaybill(emsTransport(), { orderId: 'x' }, emsCtx()).catch((e: unknown) => e);
    expect(busy instanceof AdapterError && busy.retryable).toBe(true);
  });
});
