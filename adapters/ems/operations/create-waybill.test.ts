import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { EMS_TEST, emsCtx, emsTransport } from '../testing.js';
import { EMS_PATH, emsSignature } from '../transport.js';
import { CreateWaybillOutput, createWaybill } from './create-waybill.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const PARTY = { mobile: '13800000000', province: '西藏自治区', city: '拉萨市', district: '城关区' };
const INPUT = {
  orderId: 'TB-1',
  sender: { ...PARTY, name: '成都仓', province: '四川省', city: '成都市', district: '双流区', detail: '物流园1号' },
  receiver: { ...PARTY, name: '~CIPHER~0~', detail: '北京中路1号' },
  cargo: [{ name: '饮水机', count: 1 }],
  remark: 'Gift: water fountain filter x1',
};

describe('ems waybill.create (POST /waybills/create)', () => {
  it('sends the contract body with orderId = idempotency key, signed; maps created and existing', async () => {
    const bodies: unknown[] = [];
    const waybills = new Map<string, string>();
    server.use(
      http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, async ({ request }) => {
        const text = await request.text();
        expect(request.headers.get('x-zs-signature')).toBe(emsSignature(EMS_TEST.secret, request.headers.get('x-zs-timestamp') ?? '', text));
        const body: unknown = JSON.parse(text);
        bodies.push(body);
        const orderId = typeof body === 'object' && body !== null && 'orderId' in body && typeof body.orderId === 'string' ? body.orderId : '';
        const existing = waybills.get(orderId);
        waybills.set(orderId, existing ?? `E${waybills.size + 1}CN`);
        return HttpResponse.json({ orderId, waybillNo: waybills.get(orderId), status: existing ? 'existing' : 'created' });
      }),
    );
    const a = await createWaybill(emsTransport(), INPUT, emsCtx());
    const b = await createWaybill(emsTransport(), INPUT, emsCtx());
    expect(CreateWaybillOutput.parse(a)).toEqual({ waybillNo: 'E1CN', orderId: 'wf-1_waybill', filterResult: null, reused: false });
    expect(b).toEqual({ ...a, reused: true });
    expect(bodies[0]).toEqual({
      orderId: 'wf-1_waybill',
      sender: { ...INPUT.sender, country: 'CN' },
      receiver: { ...INPUT.receiver, country: 'CN' },
      cargo: [{ name: '饮水机', count: 1 }],
      parcelQty: 1,
      remark: 'Gift: water fountain filter x1',
      serviceType: null,
      remoteArea: true,
    });
  });

  it('not_serviceable (422) is rejected, a bad input never sent', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, () => HttpResponse.json({ code: 'not_serviceable' }, { status: 422 })));
    const err: unknown = await createWaybill(emsTransport(), INPUT, emsCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['not_serviceable', false]);
    const bad: unknown = await createWaybill(emsTransport(), { ...INPUT, receiver: { ...INPUT.receiver, mobile: undefined } }, emsCtx()).catch((e: unknown) => e);
    expect(bad instanceof AdapterError && bad.code).toBe('invalid_input');
  });

  it('a 200 without a waybill number is rejected as a contract breach', async () => {
    server.use(http.post(`${EMS_TEST.baseUrl}${EMS_PATH.CREATE}`, () => HttpResponse.json({ orderId: 'wf-1_waybill', status: 'created' })));
    const err: unknown = await createWaybill(emsTransport(), INPUT, emsCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['bad_response', false]);
  });
});
