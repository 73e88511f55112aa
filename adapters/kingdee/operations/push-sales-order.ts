import { z } from 'zod';
import { CanonicalOrder, orderKey, type OrderLine } from '../../../src/canonical/order.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { billNumber } from '../bill-no.js';
import type { KingdeeConfig } from '../config.js';
import { gmt8Date, kingdeeDecimal } from '../format.js';
import { ADAPTER_ID, SERVICE, type KingdeeTransport } from '../transport.js';

export const FORM_ID = 'SAL_SaleOrder';

/** sales-order.push input: the canonical order. */
export const PushSalesOrderInput = z.object({ order: CanonicalOrder }).strict();
export type PushSalesOrderInput = z.output<typeof PushSalesOrderInput>;

/** What this call found and did, so a retry's outcome is visible in the history. */
export const OUTCOME = {
  CREATED: 'created',
  /** A bill with this number existed unsubmitted (an earlier attempt stopped): overwritten. */
  UPDATED: 'updated',
  /** It was already submitted: only the audit was left. */
  AUDIT_ONLY: 'audit-only',
  /** It was already audited: nothing to do. */
  ALREADY_AUDITED: 'already-audited',
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

export interface PushSalesOrderOutput {
  billNo: string;
  fid: string | null;
  outcome: Outcome;
  steps: ('save' | 'submit' | 'audit')[];
}

/**
 * FDocumentStatus: Z 暂存 (draft), A 创建 (created), B 审核中 (submitted), C 已审核 (audited),
 * D 重新审核 (back for re-audit). Z/A/D can still be saved over; B only audited; C is done.
 */
const SAVABLE = new Set(['Z', 'A', 'D']);

const ExistingRow = z.tuple([z.union([z.number(), z.string()]).transform(String), z.string(), z.string()]).rest(z.unknown());

function materialFor(config: KingdeeConfig, line: OrderLine): { number: string; unit: string } | null {
  const m = line.merchantSku ? config.materials[line.merchantSku] : undefined;
  if (m === undefined) return null;
  return typeof m === 'string' ? { number: m, unit: config.defaultUnit } : { number: m.number, unit: m.unit ?? config.defaultUnit };
}

/** Builds the Save model; every SKU is resolved first, so an unknown one fails before any call. */
export function saleOrderModel(config: KingdeeConfig, order: CanonicalOrder, billNo: string, fid: string | null): Record<string, unknown> {
  const unknown = order.lines.filter((l) => materialFor(config, l) === null).map((l) => l.merchantSku ?? `(line ${l.lineId} has no SKU)`);
  if (unknown.length) {
    throw AdapterError.rejected(ADAPTER_ID, 'unknown_sku', `no Kingdee material is configured for SKU ${unknown.join(', ')}; add it to the connector's materials table`);
  }
  const key = orderKey(order.source.channel, order.source.platformOrderId);
  return {
    // FID 0 creates; the existing FID overwrites the same bill (with IsDeleteEntry, its lines too).
    FID: fid === null ? 0 : /^\d{1,15}$/.test(fid) ? Number(fid) : fid,
    FBillTypeID: { FNUMBER: config.billTypeNumber },
    FBillNo: billNo,
    FDate: gmt8Date(order.paidAt ?? order.createdAt),
    FSaleOrgId: { FNumber: config.saleOrgNumber },
    FCustId: { FNumber: config.customerByChannel[order.source.channel] ?? config.customerNumber },
    // The order key lets a person find the platform order; no buyer data goes into the ERP note.
    FNote: `hub order ${key}`,
    FSaleOrderFinance: { FSettleCurrId: { FNumber: config.currencyNumber }, FIsIncludedTax: true },
    FSaleOrderEntry: order.lines.map((l) => {
      const m = materialFor(config, l) ?? { number: '', unit: '' };
      const entry: Record<string, unknown> = {
        FMaterialId: { FNumber: m.number },
        FUnitID: { FNumber: m.unit },
        FQty: String(l.quantity),
        FTaxPrice: kingdeeDecimal(l.unitPrice),
        FEntryTaxRate: config.taxRate,
        FIsFree: l.gift !== undefined,
        FEntryNote: l.gift ? `Gift${l.gift.labelPosition ? ` (label: ${l.gift.labelPosition})` : ''}` : '',
      };
      // 折扣额 (discount amount): field name UNVERIFIED against a live SAL_SaleOrder; sent only when non-zero.
      if (l.discount.minor !== 0) entry['FDiscount'] = kingdeeDecimal(l.discount);
      return entry;
    }),
  };
}

/**
 * Save -> Submit -> Audit of one SAL_SaleOrder whose FBillNo is derived from the idempotency key.
 *
 * Idempotency: before saving, ExecuteBillQuery looks the number up. Chosen over relying on Save
 * alone because Save with a duplicate FBillNo either fails ("单据编号已存在") or, with a coding rule
 * that ignores manual numbers, creates a second bill; neither is what a retry wants. The lookup
 * tells exactly how far an earlier attempt got (see SAVABLE) and resumes from there.
 * IsVerifyBaseDataField makes Save check that material, customer and org exist and are usable, so
 * a wrong table entry fails at Save with Kingdee's own message instead of leaving a broken bill.
 */
export async function pushSalesOrder(t: KingdeeTransport, config: KingdeeConfig, input: PushSalesOrderInput, ctx: Pick<InvokeContext, 'signal' | 'rateLimit' | 'idempotencyKey' | 'heartbeat'>): Promise<PushSalesOrderOutput> {
  const billNo = billNumber(config.billNoPrefix, ctx.idempotencyKey);
  // Validate SKUs before touching the ERP.
  saleOrderModel(config, input.order, billNo, null);

  const rows = await t.billQuery({ FormId: FORM_ID, FieldKeys: 'FID,FBillNo,FDocumentStatus', FilterString: `FBillNo='${billNo}'`, OrderString: '', TopRowCount: 0, StartRow: 0, Limit: 1 }, ctx);
  const found = rows.length ? ExistingRow.safeParse(rows[0]) : null;
  if (found && !found.success) throw AdapterError.retryable(ADAPTER_ID, 'bad_envelope', 'ExecuteBillQuery: unexpected row shape');
  const existing = found?.success ? { fid: found.data[0], status: found.data[2] } : null;
  ctx.heartbeat({ step: 'query', billNo, status: existing?.status ?? null });

  if (existing?.status === 'C') return { billNo, fid: existing.fid, outcome: OUTCOME.ALREADY_AUDITED, steps: [] };

  const steps: PushSalesOrderOutput['steps'] = [];
  let fid = existing?.fid ?? null;
  let outcome: Outcome = existing ? OUTCOME.UPDATED : OUTCOME.CREATED;
  if (existing && !SAVABLE.has(existing.status)) {
    if (existing.status !== 'B') throw AdapterError.rejected(ADAPTER_ID, 'unexpected_status', `bill ${billNo} is in status ${existing.status}; a person must look at it`);
    outcome = OUTCOME.AUDIT_ONLY;
  } else {
    const saved = await t.operation(
      SERVICE.SAVE,
      FORM_ID,
      { IsDeleteEntry: true, IsVerifyBaseDataField: true, NeedReturnFields: ['FID', 'FBillNo'], Model: saleOrderModel(config, input.order, billNo, fid) },
      ctx,
    );
    const id = saved.SuccessEntitys?.[0]?.Id;
    fid = id === null || id === undefined ? fid : String(id);
    steps.push('save');
    ctx.heartbeat({ step: 'save', billNo });
    await t.operation(SERVICE.SUBMIT, FORM_ID, { Numbers: [billNo] }, ctx);
    steps.push('submit');
    ctx.heartbeat({ step: 'submit', billNo });
  }
  await t.operation(SERVICE.AUDIT, FORM_ID, { Numbers: [billNo] }, ctx);
  steps.push('audit');
  return { billNo, fid, outcome, steps };
}
