import { z } from 'zod';
import type { SandboxLog } from '../../src/sandbox/core.js';
import { idSequence } from '../../src/sandbox/platform-ids.js';
import { parseSandboxInput, SandboxTime, yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8 } from '../_shared/signing.js';
import { PDD_REFUND_STATUS, type PddOrder } from './sandbox-orders.js';
import type { PddMethod, PddOutcome } from './sandbox-methods.js';

/**
 * The sandbox's after-sales (售后单) in PDD's words (WIRE-FORMATS §3, pdd.refund.list.increment.get):
 * after_sales_type 2 仅退款, 3 退货退款, 4 换货, 5 缺货补寄; after_sales_status 2/3 待商家处理,
 * 4 商家同意·退款中, 7 待用户发货, 10 退款成功, 11 买家撤销 (the ones the sandbox plays; any
 * other listed code may be set by a test). The order's own refund_status follows them.
 */
export const PDD_AFTER_SALES_TYPE = { REFUND_ONLY: 2, RETURN_AND_REFUND: 3, EXCHANGE: 4, REISSUE: 5 } as const;
export const PDD_AFTER_SALES_STATUS = {
  WAIT_SELLER_REFUND: 2,
  WAIT_SELLER_RETURN: 3,
  AGREED_REFUNDING: 4,
  WAIT_BUYER_SEND: 7,
  PLATFORM_REFUSED: 9,
  REFUNDED: 10,
  BUYER_CANCELLED: 11,
} as const;
const ENDED: ReadonlySet<number> = new Set([PDD_AFTER_SALES_STATUS.PLATFORM_REFUSED, PDD_AFTER_SALES_STATUS.BUYER_CANCELLED, 12, 13]);

export const PddRefundInput = z
  .object({
    orderSn: z.string().min(1),
    type: z.literal(Object.values(PDD_AFTER_SALES_TYPE)).default(PDD_AFTER_SALES_TYPE.RETURN_AND_REFUND),
    /** Fen; default the whole order's goods. */
    amount: z.number().int().nonnegative().optional(),
    /** The line's merchant SKU (PDD names the sku_id); default the first line. */
    sku: z.string().min(1).optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type PddRefundInput = z.input<typeof PddRefundInput>;

export const PddRefundPatch = z
  .object({ status: z.number().int().min(1).max(31), trackingNumber: z.string().min(1).optional(), modifiedAt: SandboxTime.optional() })
  .strict();
export type PddRefundPatch = z.input<typeof PddRefundPatch>;

export interface PddRefund {
  id: number;
  orderSn: string;
  type: number;
  status: number;
  amount: number;
  skuId: string;
  sku: string;
  qty: number;
  trackingNumber: string | undefined;
  modified: Date;
  /** When it first reached 10 (退款成功): the money went back then. */
  refunded: Date | undefined;
}

const param = (name: string, why: string): PddOutcome => ({ error: { error_code: 10000, error_msg: '参数错误', sub_code: '10000', sub_msg: `${name}: ${why}` } });
const intOf = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
const MAX_WINDOW_S = 30 * 60;

export function renderRefund(r: PddRefund): Record<string, unknown> {
  return {
    id: r.id,
    order_sn: r.orderSn,
    after_sales_type: r.type,
    after_sales_status: r.status,
    refund_amount: yuan(r.amount),
    sku_id: r.skuId,
    goods_number: r.qty,
    ...(r.trackingNumber ? { tracking_number: r.trackingNumber } : {}),
    updated_time: formatGmt8(r.modified),
  };
}

/**
 * Ids never repeat, across every sandbox of the process and beyond it, as PDD's (see the Taobao
 * sandbox's refund ids): safe integers from 9,100,000,001, in blocks of 2^20 after-sales.
 */
const nextRefund = idSequence({ first: 9_100_000_001n, blocks: 2 ** 32, blockSize: 2n ** 20n });

/** The refund book of a PDD sandbox: the world opens and moves refunds, the router lists them. */
export function pddRefunds(d: { orders: Map<string, PddOrder>; log: SandboxLog; clock: () => Date }) {
  const refunds = new Map<number, PddRefund>();
  const syncOrder = (r: PddRefund) => {
    const o = d.orders.get(r.orderSn);
    if (!o) return;
    o.refundStatus = r.status === PDD_AFTER_SALES_STATUS.REFUNDED ? PDD_REFUND_STATUS.REFUNDED : ENDED.has(r.status) ? PDD_REFUND_STATUS.NONE : PDD_REFUND_STATUS.AFTER_SALES;
    o.modified = r.modified;
    if (r.status === PDD_AFTER_SALES_STATUS.REFUNDED) {
      r.refunded ??= r.modified;
      o.refundedAt ??= r.modified;
    }
  };
  const method: PddMethod = (p) => {
    const start = intOf(p['start_updated_at']);
    const end = intOf(p['end_updated_at']);
    if (start === null) return param('start_updated_at', 'unix seconds required');
    if (end === null) return param('end_updated_at', 'unix seconds required');
    if (end < start || end - start > MAX_WINDOW_S) return param('end_updated_at', 'the window must be at most 30 minutes');
    const type = intOf(p['after_sales_type']);
    const status = intOf(p['after_sales_status']);
    if (type === null || type < 1 || type > 5) return param('after_sales_type', '1 (all) .. 5');
    if (status === null || status < 1) return param('after_sales_status', '1 (all) or a status code');
    const page = intOf(p['page'] ?? '1');
    const size = intOf(p['page_size'] ?? '100');
    if (page === null || page < 1) return param('page', 'from 1');
    if (size === null || size < 1 || size > 100) return param('page_size', '1..100');
    const secs = (r: PddRefund) => Math.floor(r.modified.getTime() / 1000);
    const rows = [...refunds.values()]
      .filter((r) => secs(r) >= start && secs(r) <= end && (type === 1 || r.type === type) && (status === 1 || r.status === status))
      .sort((a, b) => a.modified.getTime() - b.modified.getTime() || a.id - b.id);
    d.log.record('pdd.refund.list.increment.get', null, { start, end, page, size, total: rows.length });
    return { ok: { refund_increment_get_response: { total_count: rows.length, refund_list: rows.slice((page - 1) * size, page * size).map(renderRefund) } } };
  };
  return {
    methods: { 'pdd.refund.list.increment.get': method } as Record<string, PddMethod>,
    open(raw: PddRefundInput): ReturnType<typeof renderRefund> {
      const i = parseSandboxInput(PddRefundInput, raw, 'pinduoduo sandbox openRefund');
      const o = d.orders.get(i.orderSn);
      if (!o) throw new Error(`pinduoduo sandbox openRefund: orderSn: no order ${i.orderSn}`);
      const line = i.sku ? o.lines.find((l) => l.sku === i.sku) : o.lines[0];
      if (!line) throw new Error(`pinduoduo sandbox openRefund: sku: order ${i.orderSn} has no line ${i.sku ?? ''}`);
      const r: PddRefund = {
        id: Number(nextRefund()),
        orderSn: o.sn,
        type: i.type,
        status: i.type === PDD_AFTER_SALES_TYPE.REFUND_ONLY ? PDD_AFTER_SALES_STATUS.WAIT_SELLER_REFUND : PDD_AFTER_SALES_STATUS.WAIT_SELLER_RETURN,
        amount: i.amount ?? line.price * line.qty,
        skuId: line.skuId,
        sku: line.sku,
        qty: line.qty,
        trackingNumber: undefined,
        modified: i.modifiedAt ?? d.clock(),
        refunded: undefined,
      };
      refunds.set(r.id, r);
      syncOrder(r);
      d.log.record('refund.opened', String(r.id), { orderSn: r.orderSn, type: r.type });
      return renderRefund(r);
    },
    update(id: number, raw: PddRefundPatch): ReturnType<typeof renderRefund> {
      const patch = parseSandboxInput(PddRefundPatch, raw, 'pinduoduo sandbox updateRefund');
      const r = refunds.get(id);
      if (!r) throw new Error(`pinduoduo sandbox updateRefund: id: no refund ${id}`);
      r.status = patch.status;
      if (patch.trackingNumber) r.trackingNumber = patch.trackingNumber;
      r.modified = patch.modifiedAt ?? d.clock();
      syncOrder(r);
      d.log.record('refund.updated', String(id), { status: r.status });
      return renderRefund(r);
    },
    all: () => [...refunds.values()].map(renderRefund),
    /** After-sales that reached 退款成功, with their amount and when. */
    paidOut: () => [...refunds.values()].flatMap((r) => (r.refunded ? [{ orderSn: r.orderSn, sku: r.sku, amount: r.amount, at: r.refunded }] : [])),
  };
}
