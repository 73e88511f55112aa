import { z } from 'zod';
import type { SandboxLog } from '../../src/sandbox/core.js';
import { idSequence } from '../../src/sandbox/platform-ids.js';
import { parseSandboxInput, SandboxTime } from '../../src/sandbox/platform-kit.js';
import { formatGmt8, parseGmt8 } from '../_shared/signing.js';
import { JD_ASC_EXPECT, JD_ASC_EXPECTS, JD_ASC_MAX_PAGE_SIZE, JD_ASC_METHOD, JD_ASC_STATUS, JD_ASC_STATUSES } from './aftersales-codes.js';
import type { JdMethod, JdOutcome } from './sandbox-methods.js';
import type { JdOrder } from './sandbox-orders.js';

/**
 * The sandbox's after-sales service orders (售后服务单), listed by `jingdong.asc.query.list` in
 * the shape aftersales-codes.ts describes (UNVERIFIED against a live account, as that file says).
 */
export const JdAfterSaleInput = z
  .object({
    orderId: z.string().min(1),
    /** The line's merchant SKU (JD names the skuId); default the first line. */
    sku: z.string().min(1).optional(),
    expect: z.literal(JD_ASC_EXPECTS).default(JD_ASC_EXPECT.RETURN),
    qty: z.number().int().positive().optional(),
    modifiedAt: SandboxTime.optional(),
  })
  .strict();
export type JdAfterSaleInput = z.input<typeof JdAfterSaleInput>;

export const JdAfterSalePatch = z.object({ status: z.literal(JD_ASC_STATUSES), modifiedAt: SandboxTime.optional() }).strict();
export type JdAfterSalePatch = z.input<typeof JdAfterSalePatch>;

interface JdService {
  serviceId: number;
  orderId: string;
  skuId: string;
  qty: number;
  expect: number;
  status: number;
  applied: Date;
  modified: Date;
}

export function renderService(s: JdService): Record<string, unknown> {
  return { serviceId: s.serviceId, orderId: s.orderId, skuId: s.skuId, serviceCount: s.qty, customerExpect: s.expect, serviceStatus: s.status, applyTime: formatGmt8(s.applied), updateTime: formatGmt8(s.modified) };
}

/** JOS accepts a window of at most one month for its searches; a month is taken as 31 days. */
const MAX_WINDOW_MS = 31 * 24 * 3600_000;
const PARAM_ERROR = { code: '61', zh_desc: '参数错误', en_desc: 'Invalid parameter' };
const bad = (why: string): JdOutcome => ({ error: PARAM_ERROR, why });
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function jdAfterSales(d: { orders: Map<string, JdOrder>; log: SandboxLog; clock: () => Date }) {
  const services = new Map<number, JdService>();
  // JD ids are Java longs the SDKs send as JSON numbers: kept below 2^53. They never repeat
  // across sandboxes (src/sandbox/platform-ids.ts): each id names a case on a server that outlives this one.
  const next = idSequence({ first: 1_900_000_001n, blocks: 2 ** 32, blockSize: 2n ** 20n });
  const list: JdMethod = (b) => {
    const start = parseGmt8(text(b['updateTimeBegin']) ?? '');
    const end = parseGmt8(text(b['updateTimeEnd']) ?? '');
    if (!start || !end) return bad('updateTimeBegin and updateTimeEnd must be yyyy-MM-dd HH:mm:ss');
    if (end.getTime() < start.getTime()) return bad('updateTimeEnd before updateTimeBegin');
    if (end.getTime() - start.getTime() > MAX_WINDOW_MS) return bad('the window may span one month at most');
    const page = Number(b['pageNumber'] ?? 1);
    const size = Number(b['pageSize'] ?? 10);
    if (!Number.isInteger(page) || page < 1) return bad('pageNumber must be a positive integer');
    if (!Number.isInteger(size) || size < 1 || size > JD_ASC_MAX_PAGE_SIZE) return bad(`pageSize must be 1..${JD_ASC_MAX_PAGE_SIZE}`);
    const hits = [...services.values()].filter((s) => s.modified.getTime() >= start.getTime() && s.modified.getTime() <= end.getTime()).sort((x, y) => x.modified.getTime() - y.modified.getTime() || x.serviceId - y.serviceId);
    d.log.record(JD_ASC_METHOD, null, { start: start.toISOString(), end: end.toISOString(), page, size, total: hits.length });
    return { ok: { pageResult: { totalCount: hits.length, pageNumber: page, pageSize: size, data: hits.slice((page - 1) * size, page * size).map(renderService) } } };
  };
  return {
    methods: { [JD_ASC_METHOD]: list } as Record<string, JdMethod>,
    open(raw: JdAfterSaleInput): Record<string, unknown> {
      const i = parseSandboxInput(JdAfterSaleInput, raw, 'jd sandbox openAfterSale');
      const o = d.orders.get(i.orderId);
      if (!o) throw new Error(`jd sandbox openAfterSale: orderId: no order ${i.orderId}`);
      const line = i.sku ? o.lines.find((l) => l.outerSkuId === i.sku) : o.lines[0];
      if (!line) throw new Error(`jd sandbox openAfterSale: sku: order ${i.orderId} has no line ${i.sku ?? ''}`);
      const at = i.modifiedAt ?? d.clock();
      const s: JdService = { serviceId: Number(next()), orderId: o.orderId, skuId: line.skuId, qty: i.qty ?? line.qty, expect: i.expect, status: JD_ASC_STATUS.APPLIED, applied: at, modified: at };
      services.set(s.serviceId, s);
      d.log.record('aftersale.opened', String(s.serviceId), { orderId: s.orderId, expect: s.expect });
      return renderService(s);
    },
    update(serviceId: number, raw: JdAfterSalePatch): Record<string, unknown> {
      const patch = parseSandboxInput(JdAfterSalePatch, raw, 'jd sandbox updateAfterSale');
      const s = services.get(serviceId);
      if (!s) throw new Error(`jd sandbox updateAfterSale: serviceId: no service ${serviceId}`);
      s.status = patch.status;
      s.modified = patch.modifiedAt ?? d.clock();
      d.log.record('aftersale.updated', String(serviceId), { status: s.status });
      return renderService(s);
    },
    all: () => [...services.values()].map(renderService),
  };
}
