import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { TEST_URL, readSfRequest, sfEnvelope, sfFail, sfOk, testCtx, testTransport, type SfWireRequest } from '../testing.js';
import { CancelWaybillOutput, cancelWaybill } from './cancel-waybill.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const seen: SfWireRequest[] = [];
afterEach(() => {
  seen.length = 0;
});
function reply(fn: (req: SfWireRequest) => Response) {
  server.use(
    http.post(TEST_URL, async ({ request }) => {
      const req = await readSfRequest(request);
      seen.push(req);
      return fn(req);
    }),
  );
}

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
