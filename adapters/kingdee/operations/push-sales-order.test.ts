import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { billNumber } from '../bill-no.js';
import { config, failed, fakeKingdee, sampleOrder } from '../testing.js';
import { KingdeeTransport } from '../transport.js';
import { pushSalesOrder } from './push-sales-order.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const KEY = 'wf-order-youzan-main:E1:sales-order.push';
const BILL = billNumber('ZS', KEY);
const beats: unknown[] = [];
const ctx = { signal: new AbortController().signal, idempotencyKey: KEY, heartbeat: (d?: unknown) => void beats.push(d) };

function setup(patch: Parameters<typeof config>[0] = {}) {
  const fake = fakeKingdee();
  server.use(...fake.handlers);
  const cfg = config(patch);
  return { fake, cfg, t: new KingdeeTransport(cfg, { fetch: globalThis.fetch }) };
}
const steps = (calls: { service: string }[]) => calls.map((c) => c.service.split('.').at(-1));

describe('sales-order.push', () => {
  it('queries the idempotent number, then Save (documented model, exact decimals), Submit and Audit with Numbers', async () => {
    const { fake, cfg, t } = setup();
    const out = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(out).toEqual({ billNo: BILL, fid: '100001', outcome: 'created', steps: ['save', 'submit', 'audit'] });
    expect(steps(fake.state.calls)).toEqual(['LoginByAppSecret', 'ExecuteBillQuery', 'Save', 'Submit', 'Audit']);

    const [, query, save, submit, audit] = fake.state.calls;
    expect(JSON.parse(String(query?.parameters[0]))).toMatchObject({ FormId: 'SAL_SaleOrder', FieldKeys: 'FID,FBillNo,FDocumentStatus', FilterString: `FBillNo='${BILL}'` });
    expect(save?.parameters[0]).toBe('SAL_SaleOrder');
    const saveData = z.object({ Model: z.record(z.string(), z.unknown()) }).passthrough().parse(JSON.parse(String(save?.parameters[1])));
    expect(saveData).toMatchObject({ IsDeleteEntry: true, IsVerifyBaseDataField: true });
    expect(saveData.Model).toEqual({
      FID: 0,
      FBillTypeID: { FNUMBER: 'XSDD01_SYS' },
      FBillNo: BILL,
      FDate: '2024-05-02',
      FSaleOrgId: { FNumber: '100' },
      FCustId: { FNumber: 'CUST-ONLINE' },
      FNote: 'hub order youzan-main:E1',
      FSaleOrderFinance: { FSettleCurrId: { FNumber: 'PRE001' }, FIsIncludedTax: true },
      FSaleOrderEntry: [
        { FMaterialId: { FNumber: '1.01.001' }, FUnitID: { FNumber: 'Pcs' }, FQty: '1', FTaxPrice: '299.00', FEntryTaxRate: '13', FIsFree: false, FEntryNote: '', FDiscount: '10.00' },
        { FMaterialId: { FNumber: '1.02.009' }, FUnitID: { FNumber: 'Pcs' }, FQty: '1', FTaxPrice: '0.00', FEntryTaxRate: '13', FIsFree: true, FEntryNote: 'Gift (label: top right of the waybill)' },
      ],
    });
    expect(JSON.stringify(saveData)).not.toContain('13800138000');
    expect(JSON.parse(String(submit?.parameters[1]))).toEqual({ Numbers: [BILL] });
    expect(JSON.parse(String(audit?.parameters[1]))).toEqual({ Numbers: [BILL] });
    expect(fake.state.bills.get(BILL)?.status).toBe('C');
  });

  it('a retry of the same step finds the audited bill and books nothing twice', async () => {
    const { fake, cfg, t } = setup();
    await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    const again = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(again).toEqual({ billNo: BILL, fid: '100001', outcome: 'already-audited', steps: [] });
    expect(fake.state.bills.size).toBe(1);
    expect(fake.state.bills.get(BILL)?.saves).toBe(1);
  });

  it('resumes after a failure between Save and Submit by overwriting the same bill (FID kept)', async () => {
    const { fake, cfg, t } = setup();
    fake.state.failNext('Submit', failed([{ Message: '网控冲突' }]));
    await expect(pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx)).rejects.toBeInstanceOf(AdapterError);
    expect(fake.state.bills.get(BILL)?.status).toBe('A');
    const out = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(out).toMatchObject({ outcome: 'updated', fid: '100001', steps: ['save', 'submit', 'audit'] });
    expect(fake.state.bills.size).toBe(1);
    expect(fake.state.bills.get(BILL)).toMatchObject({ saves: 2, status: 'C', model: expect.objectContaining({ FID: 100001 }) });
  });

  it('resumes a submitted bill with the audit only', async () => {
    const { fake, cfg, t } = setup();
    fake.state.failNext('Audit', failed([{ Message: '审核失败' }]));
    await expect(pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx)).rejects.toMatchObject({ retryable: false });
    const out = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(out).toMatchObject({ outcome: 'audit-only', steps: ['audit'] });
    expect(fake.state.bills.get(BILL)?.saves).toBe(1);
  });

  it('an unknown SKU is rejected naming the SKU, before any call to the ERP', async () => {
    const { fake, cfg, t } = setup({ materials: { 'ZP-2026-01': '1.01.001' } });
    const err = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'unknown_sku', retryable: false });
    expect(String(err)).toContain('FP-001');
    expect(fake.state.calls).toHaveLength(0);
  });

  it('IsSuccess false on Save is rejected with every Kingdee error listed', async () => {
    const { fake, cfg, t } = setup();
    fake.state.failNext(
      'Save',
      failed([
        { FieldName: 'FCustId', Message: '字段“客户”是必填项' },
        { FieldName: 'FMaterialId', Message: '物料 1.01.001 未审核' },
      ]),
    );
    const err = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'kingdee_11', retryable: false });
    expect(String(err)).toContain('FCustId: 字段“客户”是必填项; FMaterialId: 物料 1.01.001 未审核');
  });

  it('the session expiring mid-flow is absorbed by one re-login', async () => {
    const { fake, cfg, t } = setup();
    await t.billQuery({ FormId: 'SAL_SaleOrder', FieldKeys: 'FID', FilterString: "FBillNo='none'" }, ctx.signal);
    fake.state.expireSession(1);
    const out = await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(out.outcome).toBe('created');
    expect(fake.state.logins).toBe(2);
    expect(fake.state.bills.size).toBe(1);
  });

  it('the channel’s own customer is used when configured', async () => {
    const { fake, cfg, t } = setup({ customerByChannel: { 'youzan-main': 'CUST-YZ' } });
    await pushSalesOrder(t, cfg, { order: sampleOrder() }, ctx);
    expect(fake.state.bills.get(BILL)?.model['FCustId']).toEqual({ FNumber: 'CUST-YZ' });
  });
});
