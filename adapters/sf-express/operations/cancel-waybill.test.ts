import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSfGateway } from '../msw-gateway.test-helper.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { sfEnvelope, sfFail, sfOk, testCtx, testTransport } from '../testing.js';
import { CancelWaybillOutput, cancelWaybill } from './cancel-waybill.js';

const { seen, reply } = useSfGateway();

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('waybill.cancel (EXP_RECE_UPDATE_ORDER dealType 2)', () => {
  it('sends dealType 2 for the order and its waybill', async () => {
    reply(() => HttpResponse.json(sfOk({ orderId: 'wf-1_waybill', resStatus: 2 })));
    const out = await cancelWaybill(testTransport(), { orderId: 'wf-1_waybill', waybillNo: 'SF001' }, testCtx());
    expect(CancelWaybillOutput.parse(out)).toEqual({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: false });
    expect(seen[0]?.msgData).toEqual({ language: 'zh-CN', orderId: 'wf-1_waybill', dealType: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: 'SF001' }] });
  });

  it('8037 (already cancelled) on a retried cancel is success', async () => {
    reply(() => HttpResponse.json(sfFail('8037', '已消单')));
    expect(await cancelWaybill(testTransport(), { orderId: 'wf-1_waybill' }, testCtx())).toEqual({ orderId: 'wf-1_waybill', cancelled: true, alreadyCancelled: true });
  });

  it('other business errors are rejected (picked-up parcels cannot be cancelled)', async () => {
    reply(() => HttpResponse.json(sfFail('8252', '订单已揽收，不能取消')));
    const err = await failure(cancelWaybill(testTransport(), { orderId: 'wf-1_waybill' }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['sf_8252', false]);
  });

  it('a gateway failure stays retryable', async () => {
    reply(() => HttpResponse.json(sfEnvelope(undefined, 'A1009', '目标服务异常或不可达')));
    const err = await failure(cancelWaybill(testTransport(), { orderId: 'wf-1_waybill' }, testCtx()));
    expect([err.code, err.retryable]).toEqual(['sf_A1009', true]);
  });
});
