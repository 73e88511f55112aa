import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSfGateway } from '../msw-gateway.test-helper.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { capturingLogger, sfFail, sfOk, testCtx, testTransport } from '../testing.js';
import { CreateWaybillOutput, createWaybill, type CreateWaybillInput } from './create-waybill.js';

const { server, seen, reply } = useSfGateway();

// Receiver values as a Pinduoduo order gives them: ciphertext and mask, never plaintext.
const INPUT: CreateWaybillInput = {
  orderId: 'PDD-240601-000123',
  sender: { name: '杭州仓', mobile: '0571-88886666', province: '浙江省', city: '杭州市', district: '余杭区', detail: '仓前街道文一西路1号' },
  receiver: { name: '~RECVNAMECIPHER~0~', mobile: '$138****5678$0$', province: '河南省', city: null, district: '济源市', detail: '~ADDRCIPHER~0~' },
  cargo: [{ name: '饮水机', count: 1 }, { name: '滤芯', count: 2, unit: '个' }],
  remark: 'Gift: water fountain filter x1',
};
const DEFAULTS = { monthlyCard: '7551234567', expressTypeId: 1 };

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('waybill.create (EXP_RECE_CREATE_ORDER)', () => {
  it('sends the documented order with orderId = the idempotency key, and returns the master waybill', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', filterResult: 2, waybillNoInfoList: [{ waybillType: 2, waybillNo: 'SF002' }, { waybillType: 1, waybillNo: 'SF001' }] })));
    const out = await createWaybill(testTransport(), DEFAULTS, INPUT, testCtx());
    expect(CreateWaybillOutput.parse(out)).toEqual({ waybillNo: 'SF001', orderId: 'wf-1_waybill', filterResult: 2, reused: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.serviceCode).toBe('EXP_RECE_CREATE_ORDER');
    expect(seen[0]?.digestOk).toBe(true);
    expect(seen[0]?.msgData).toEqual({
      language: 'zh-CN',
      orderId: 'wf-1_waybill',
      monthlyCard: '7551234567',
      payMethod: 1,
      expressTypeId: 1,
      parcelQty: 1,
      remark: 'Gift: water fountain filter x1',
      cargoDetails: [{ name: '饮水机', count: 1 }, { name: '滤芯', count: 2, unit: '个' }],
      contactInfoList: [
        { contactType: 1, contact: '杭州仓', mobile: '0571-88886666', country: 'CN', province: '浙江省', city: '杭州市', county: '余杭区', address: '仓前街道文一西路1号' },
        // 济源 has no prefecture city: the unit itself goes in `city`; ciphertext passes untouched.
        { contactType: 2, contact: '~RECVNAMECIPHER~0~', mobile: '$138****5678$0$', country: 'CN', province: '河南省', city: '济源市', county: '济源市', address: '~ADDRCIPHER~0~' },
      ],
    });
  });

  it('the same idempotency key sends the same SF orderId on every attempt', async () => {
    reply((req) => HttpResponse.json(sfOk({ orderId: req.msgData['orderId'], filterResult: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: 'SF001' }] })));
    const ctx = testCtx({ idempotencyKey: 'order:TB-9/waybill#1' });
    await createWaybill(testTransport(), DEFAULTS, INPUT, ctx);
    await createWaybill(testTransport(), DEFAULTS, INPUT, ctx);
    // printf '%s' 'order:TB-9/waybill#1' | sha256sum | cut -c1-40
    expect(seen.map((r) => r.msgData['orderId'])).toEqual(['ZS853654365a675cf308427ec9f966d0fad9581041', 'ZS853654365a675cf308427ec9f966d0fad9581041']);
    expect(seen[0]?.requestID).not.toBe(seen[1]?.requestID);
  });

  it('8016 (duplicate orderId) returns the existing waybill found by EXP_RECE_SEARCH_ORDER_RESP', async () => {
    reply((req) =>
      req.serviceCode === 'EXP_RECE_CREATE_ORDER'
        ? HttpResponse.json(sfFail('8016', '重复下单'))
        : HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', filterResult: '2', waybillNoInfoList: [{ waybillType: '1', waybillNo: 'SF777' }] })),
    );
    const out = await createWaybill(testTransport(), DEFAULTS, INPUT, testCtx());
    expect(out).toEqual({ waybillNo: 'SF777', orderId: 'wf-1_waybill', filterResult: 2, reused: true });
    expect(seen.map((r) => [r.serviceCode, r.msgData])).toEqual([
      ['EXP_RECE_CREATE_ORDER', expect.objectContaining({ orderId: 'wf-1_waybill' })],
      ['EXP_RECE_SEARCH_ORDER_RESP', { orderId: 'wf-1_waybill', searchType: '1', language: 'zh-CN' }],
    ]);
  });

  it('filterResult 3 (not serviceable) is rejected', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', filterResult: 3, waybillNoInfoList: [] })));
    const err = await failure(createWaybill(testTransport(), DEFAULTS, INPUT, testCtx()));
    expect([err.code, err.retryable]).toEqual(['not_serviceable', false]);
  });

  it('manual review without a number yet is retryable (the retry lands on the same orderId)', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', filterResult: 1 })));
    const err = await failure(createWaybill(testTransport(), DEFAULTS, INPUT, testCtx()));
    expect([err.code, err.retryable]).toEqual(['no_waybill_yet', true]);
  });

  it('success:false is rejected unless SF is busy', async () => {
    reply(() => HttpResponse.json(sfFail('20052', '月结卡号不匹配')));
    const rejected = await failure(createWaybill(testTransport(), DEFAULTS, INPUT, testCtx()));
    expect([rejected.code, rejected.retryable]).toEqual(['sf_20052', false]);
    server.resetHandlers();
    reply(() => HttpResponse.json(sfFail('S0003', '系统繁忙')));
    const busy = await failure(createWaybill(testTransport(), DEFAULTS, INPUT, testCtx()));
    expect([busy.code, busy.retryable]).toEqual(['sf_S0003', true]);
  });

  it('A1000 with msgData of an unexpected shape is rejected with the path, not retried', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'x', waybillNoInfoList: 'SF1' })));
    const err = await failure(createWaybill(testTransport(), DEFAULTS, INPUT, testCtx()));
    expect([err.code, err.retryable]).toEqual(['bad_response', false]);
    expect(err.message).toContain('waybillNoInfoList');
  });

  it('an invalid input is rejected before anything is sent', async () => {
    const err = await failure(createWaybill(testTransport(), DEFAULTS, { ...INPUT, cargo: [] }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['invalid_input', false]);
    expect(seen).toHaveLength(0);
  });

  it('never logs the buyer’s name, phone or address', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', filterResult: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: 'SF001' }] })));
    const { logger, lines } = capturingLogger();
    await createWaybill(testTransport({ logger }), DEFAULTS, INPUT, testCtx({ logger }));
    const all = lines.join('\n');
    expect(all).toContain('SF001');
    for (const pii of ['RECVNAMECIPHER', '138****5678', 'ADDRCIPHER']) expect(all).not.toContain(pii);
  });
});
