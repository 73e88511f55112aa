import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/load.js';
import { taobaoPulledCase } from '../../src/after-sales/platforms/taobao-pulled.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import taobao from './index.js';
import { sandbox, type TaobaoSandbox } from './sandbox.js';

/** The real Taobao adapter's aftersales.pull against the sandbox: refunds follow the lines' refund status. */
const T0 = new Date(Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
let sb: TaobaoSandbox;
let a: AdapterInstance;

beforeAll(async () => {
  sb = await sandbox.start();
  a = await taobao.create(taobao.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2 }), testDeps(new Date()));
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

describe('taobao sandbox refunds', () => {
  it("a line's refund is listed in its modified window with one refund_id through every status; SUCCESS translates to the refund done", async () => {
    const tid = '4012345678901230001';
    const placed = sb.placeOrder({ id: tid, status: 'WAIT_BUYER_CONFIRM_GOODS', lines: [{ sku: 'FT-1KG', qty: 1, price: 5900 }, { sku: 'TEA-250', qty: 1, price: 4800 }], modifiedAt: at(0) });
    const oid = placed.lines[1]?.oid ?? '';
    sb.updateOrder(tid, { refund: { lineId: oid, status: 'WAIT_SELLER_AGREE' }, modifiedAt: at(5) });
    const first = await pullAll(at(0), at(10));
    expect(first).toEqual([expect.objectContaining({ tid, oid, status: 'WAIT_SELLER_AGREE', refund_fee: '48.00', has_good_return: false })]);
    const id = (first[0] as { refund_id: string }).refund_id;
    expect(id).toMatch(/^7\d{18}$/);
    sb.updateOrder(tid, { refund: { lineId: oid, status: 'WAIT_BUYER_RETURN_GOODS' }, modifiedAt: at(12) });
    sb.updateOrder(tid, { refund: { lineId: oid, status: 'SUCCESS' }, modifiedAt: at(20) });
    expect(await pullAll(at(11), at(13))).toEqual([]);
    const last = await pullAll(at(15), at(25));
    expect(last).toEqual([expect.objectContaining({ refund_id: id, status: 'SUCCESS', has_good_return: true })]);
    const r = parseConfig({ connectors: [{ id: 't', adapter: 'taobao' }], channels: [{ id: 'tb', adapter: 'taobao', shop: 's', connector: 't', mapping: 'taobao/order.v1' }] }, {});
    if (!r.ok || !r.config.channels[0]) throw new Error('channel');
    expect(taobaoPulledCase({ channel: r.config.channels[0], record: last[0] })).toMatchObject({ caseKey: `after-sales:taobao:${id}`, orderKey: `tb:${tid}`, type: 'return_and_refund', lines: [{ lineId: oid }], first: { status: 'refunded', refund: { minor: 4800 } } });
    expect(sb.state().refunds).toHaveLength(1);
  });

  it('a fresh load of the sandbox (another test file or simulate process on the same Temporal server) never hands out refund ids an earlier load did', async () => {
    // Each load's ids name after-sales cases (after-sales:taobao:<refund_id>) on a server that outlives it:
    // a repeated id reaches an earlier day's ended case and is never recorded.
    const first = await refundIdsOfFreshLoad();
    const second = await refundIdsOfFreshLoad();
    expect([first.length, second.length]).toEqual([2, 2]);
    for (const id of [...first, ...second]) expect(id).toMatch(/^7\d{18}$/);
    expect(new Set([...first, ...second]).size).toBe(4);
  });
});

const RefundIds = z.array(z.looseObject({ refund_id: z.string() }));

/** The refund ids of two lines refunded in a newly loaded copy of the sandbox module, as vitest loads one per test file. */
async function refundIdsOfFreshLoad(): Promise<string[]> {
  vi.resetModules();
  const fresh = await import('./sandbox.js');
  const s = await fresh.sandbox.start();
  try {
    const tid = '4012345678901239001';
    s.placeOrder({ id: tid, lines: [{ sku: 'FT-1KG', qty: 1, price: 5900 }, { sku: 'TEA-250', qty: 1, price: 4800 }] });
    for (const sku of ['FT-1KG', 'TEA-250']) s.updateOrder(tid, { refund: { sku, status: 'SUCCESS' } });
    return RefundIds.parse(s.state().refunds).map((r) => r.refund_id);
  } finally {
    await s.close();
  }
}
