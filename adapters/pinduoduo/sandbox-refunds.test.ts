import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/load.js';
import { pinduoduoPulledCase } from '../../src/after-sales/platforms/pinduoduo.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import pinduoduo from './index.js';
import { sandbox, type PddSandbox } from './sandbox.js';
import { PDD_AFTER_SALES_STATUS, PDD_AFTER_SALES_TYPE } from './sandbox-refunds.js';

/** The real PDD adapter's aftersales.pull against the sandbox's refund book, and the rows through the case translation. */
const T0 = new Date(Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const SN = '261205-452750051000001';
let sb: PddSandbox;
let a: AdapterInstance;

beforeAll(async () => {
  sb = await sandbox.start();
  a = await pinduoduo.create(pinduoduo.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2 }), testDeps(new Date()));
  sb.placeOrder({ id: SN, status: 2, lines: [{ sku: 'FT-1KG', qty: 2, price: 2995 }, { sku: 'TEA-250', qty: 1, price: 4800 }], modifiedAt: at(0) });
});
afterAll(async () => {
  await sb?.close();
});

async function pullAll(start: Date, end: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  let page: number | undefined;
  for (;;) {
    const r = (await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { refunds: unknown[]; nextPage: number | null };
    out.push(...r.refunds);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
}

describe('pinduoduo sandbox after-sales', () => {
  it('opened and moved refunds are listed by update window; the order follows; the rows translate to one case key each', async () => {
    const one = sb.openRefund({ orderSn: SN, sku: 'TEA-250', type: PDD_AFTER_SALES_TYPE.RETURN_AND_REFUND, modifiedAt: at(5) });
    const two = sb.openRefund({ orderSn: SN, sku: 'FT-1KG', type: PDD_AFTER_SALES_TYPE.REFUND_ONLY, amount: 1000, modifiedAt: at(6) });
    sb.openRefund({ orderSn: SN, modifiedAt: at(7) });
    expect(sb.state().orders[0]?.refundStatus).toBe(2);
    const first = await pullAll(at(0), at(10));
    expect(first.map((r) => (r as { id: number }).id)).toHaveLength(3);
    expect(first).toContainEqual(one);
    expect(one).toMatchObject({ order_sn: SN, after_sales_type: 3, after_sales_status: 3, refund_amount: '48.00', goods_number: 1 });
    expect(two).toMatchObject({ after_sales_type: 2, after_sales_status: 2, refund_amount: '10.00' });

    sb.updateRefund(Number(one['id']), { status: PDD_AFTER_SALES_STATUS.REFUNDED, modifiedAt: at(20) });
    const later = await pullAll(at(15), at(25));
    expect(later).toEqual([expect.objectContaining({ id: one['id'], after_sales_status: 10 })]);
    expect(sb.state().orders[0]?.refundStatus).toBe(4);

    const r = parseConfig({ connectors: [{ id: 'p', adapter: 'pinduoduo' }], channels: [{ id: 'pdd', adapter: 'pinduoduo', shop: 's', connector: 'p', mapping: 'pinduoduo/order.v1' }] }, {});
    if (!r.ok || !r.config.channels[0]) throw new Error('channel');
    const ch = r.config.channels[0];
    const cases = [...first, ...later].map((record) => pinduoduoPulledCase({ channel: ch, record }));
    expect(new Set(cases.map((c) => (c instanceof Error ? c.message : c.caseKey))).size).toBe(3);
    expect(cases[cases.length - 1]).toMatchObject({ caseKey: `after-sales:pinduoduo:${String(one['id'])}`, first: { status: 'refunded', refund: { minor: 4800 } } });
  });

  it('refuses a window over 30 minutes before calling; bad world input names its field', async () => {
    expect(() => sb.openRefund({ orderSn: '261205-452750059999999' })).toThrow(/orderSn: no order/);
    expect(() => sb.updateRefund(1, { status: 10 })).toThrow(/id: no refund 1/);
    const err = await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: at(0).toISOString(), end: at(31).toISOString() } }, testContext()).catch((e: unknown) => e);
    expect(String(err)).toMatch(/window/);
  });

  it('a fresh load of the sandbox (another test file or simulate process on the same Temporal server) never hands out after-sales ids an earlier load did', async () => {
    // Each load's ids name after-sales cases (after-sales:pinduoduo:<id>) on a server that outlives it:
    // a repeated id reaches an earlier day's ended case and is never recorded.
    const first = await refundIdsOfFreshLoad();
    const second = await refundIdsOfFreshLoad();
    expect([first.length, second.length]).toEqual([2, 2]);
    for (const id of [...first, ...second]) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(new Set([...first, ...second]).size).toBe(4);
  });
});

const RefundId = z.looseObject({ id: z.number() });

/** The ids of two after-sales opened in a newly loaded copy of the sandbox module, as vitest loads one per test file. */
async function refundIdsOfFreshLoad(): Promise<number[]> {
  vi.resetModules();
  const fresh = await import('./sandbox.js');
  const s = await fresh.sandbox.start();
  try {
    const sn = '261205-452750051009001';
    s.placeOrder({ id: sn, status: 1, lines: [{ sku: 'FT-1KG', qty: 1, price: 5900 }, { sku: 'TEA-250', qty: 1, price: 4800 }] });
    return ['FT-1KG', 'TEA-250'].map((sku) => RefundId.parse(s.openRefund({ orderSn: sn, sku })).id);
  } finally {
    await s.close();
  }
}
