import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSfGateway } from '../msw-gateway.test-helper.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { sfFail, sfOk, testCtx, testTransport } from '../testing.js';
import { UpdateWaybillOutput, updateWaybill } from './update-waybill.js';

const { server, seen, reply } = useSfGateway();

const RECEIVER = { name: '~NAME~0~', mobile: '$139****0000$0$', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路1号 12楼1203' };

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('waybill.update (EXP_RECE_UPDATE_ORDER dealType 1, address overwrite)', () => {
  it('sends dealType 1 with the new receiver and returns the waybill', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', resStatus: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: 'SF001' }] })));
    const out = await updateWaybill(testTransport(), { orderId: 'wf-1_waybill', waybillNo: 'SF001', receiver: RECEIVER }, testCtx());
    expect(UpdateWaybillOutput.parse(out)).toEqual({ orderId: 'wf-1_waybill', waybillNo: 'SF001', updated: true });
    expect(seen[0]?.serviceCode).toBe('EXP_RECE_UPDATE_ORDER');
    expect(seen[0]?.msgData).toEqual({
      language: 'zh-CN',
      orderId: 'wf-1_waybill',
      dealType: 1,
      waybillNoInfoList: [{ waybillType: 1, waybillNo: 'SF001' }],
      destContactInfo: { contactType: 2, contact: '~NAME~0~', mobile: '$139****0000$0$', country: 'CN', province: '广东省', city: '深圳市', county: '南山区', address: '科技园路1号 12楼1203' },
    });
    // The space in the address travels through the digest as '+': SF would refuse it otherwise.
    expect(seen[0]?.digestOk).toBe(true);
  });

  it('resStatus 1 (orderId and waybill do not match) is rejected', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', resStatus: 1 })));
    const err = await failure(updateWaybill(testTransport(), { orderId: 'wf-1_waybill', waybillNo: 'SF999', receiver: RECEIVER }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['order_waybill_mismatch', false]);
  });

  it('an SF business error is rejected, a busy one retried', async () => {
    reply(() => HttpResponse.json(sfFail('8018', '未获取到订单信息')));
    const err = await failure(updateWaybill(testTransport(), { orderId: 'nope', receiver: RECEIVER }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['sf_8018', false]);
    server.resetHandlers();
    reply(() => HttpResponse.json(sfFail('S0003', '系统繁忙')));
    const busy = await failure(updateWaybill(testTransport(), { orderId: 'x', receiver: RECEIVER }, testCtx()));
    expect(busy.retryable).toBe(true);
  });

  it('refuses an input without the receiver', async () => {
    const err = await failure(updateWaybill(testTransport(), { orderId: 'wf-1_waybill' }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['invalid_input', false]);
  });
});
