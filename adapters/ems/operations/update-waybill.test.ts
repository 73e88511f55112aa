import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { EMS_TEST, emsCtx, emsTransport } from '../testing.js';
import { EMS_PATH } from '../transport.js';
import { updateWaybill } from './update-waybill.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const RECEIVER = { name: '~C~0~', mobile: '13800000000', province: '西藏自治区', city: '拉萨市', district: '城关区', detail: '北京中路1号 3单元' };

describe('ems waybill.update (POST /waybills/update)', () => {
  it('sends the new receiver and returns the waybill', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.UPDATE}`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ orderId: 'wf-1_waybill', waybillNo: 'E1CN' });
      }),
    );
    expect(await updateWaybill(emsTransport(), { orderId: 'wf-1_waybill', receiver: RECEIVER }, emsCtx())).toEqual({ orderId: 'wf-1_waybill', waybillNo: 'E1CN', updated: true });
    expect(bodies).toEqual([{ orderId: 'wf-1_waybill', waybillNo: null, receiver: { ...RECEIVER, country: 'CN' } }]);
  });

  it('already_picked_up (409) is rejected: the workflow must cancel and re-issue or ask a person', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.UPDATE}`, () => HttpResponse.json({ code: 'already_picked_up' }, { status: 409 })));
    const err: unknown = await updateWaybill(emsTransport(), { orderId: 'wf-1_waybill', receiver: RECEIVER }, emsCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['already_picked_up', false]);
  });
});
