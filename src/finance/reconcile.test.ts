import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../canonical/order.js';
import { FinanceConfig } from './config.js';
import { detailJson, summaryCsv, summaryJson } from './csv.js';
import { exportMonth } from './export.js';
import { monthRange, reconcile, type DetailRow } from './reconcile.js';
import { JsonLinesOrderSource, type FinanceOrderSource } from './source.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'orders.jsonl');
// Taobao: 5 % of what the buyer paid for the goods; no rate for Pinduoduo, Douyin or Shopify.
const config = FinanceConfig.parse({ commission: { taobao: { rateBasisPoints: 500 } } });
const source = new JsonLinesOrderSource(FIXTURE);

async function run(month: string, src: FinanceOrderSource = source) {
  const details: DetailRow[] = [];
  const summary = await reconcile(src, { month, config }, (r) => {
    details.push(r);
  });
  return { summary, details };
}

/*
 * The fixture (src/finance/__fixtures__/orders.jsonl), amounts in fen, times at +08:00 unless said:
 *  T1 taobao tb-shop  paid 11-01 00:10 (= 10-31 UTC): goods 20000, freight 1000, discount 3000 (no
 *     funding reported -> all seller), paid 18000; refund 1000 on 11-01 20:00 (same day).
 *     commission estimated 5 % x (18000 - 1000) = 850. net = 18000 - 850 - 1000 = 16150.
 *  T3 taobao tb-shop  paid 11-01 10:00: goods 5000, paid 5000, closed_by_refund with no refund
 *     amounts (noted, not counted). commission 5 % x 5000 = 250. net = 4750.
 *  D1 douyin dy-shop  paid 10-28 (October): goods 6000, paid 6000, reported commission 300;
 *     refund 3000 on 11-02 08:00 -> a November refund of an October order.
 *  S1 shopify us-shop USD paid 11-10 09:00-05:00 (= 11-10 22:00 +08:00): goods 4999, freight 500,
 *     tax 400, paid 5899; refund 1000 on 11-12 10:00-05:00 (= 11-12 23:00 +08:00). No rate: 0.
 *  P1 pinduoduo pdd-shop paid 11-15: goods 10000, discount 1500 = seller 500 + platform 1000,
 *     paid 8500 -> received 8500 + 1000 = 9500; no rate: commission 0; refund 2000 on 11-20.
 *  D2 douyin dy-shop  paid 11-30 23:30: goods 5000, discount 800 = seller 300 + platform 500,
 *     paid 4200 -> received 4700; reported commission 210 + affiliate 100 = 310; net 4390;
 *     refund 1000 on 12-01 00:30 -> December.
 *  T2 taobao tb-shop  paid 12-01 00:05 (= 11-30 16:05 UTC) -> December: 3000, commission 150.
 *  T4 never paid: not in any month.
 */
describe('monthly reconciliation from the JSON-lines fixture', () => {
  it('November: per platform, shop and day, refunds on the day they were paid out, totals per currency', async () => {
    const { summary } = await run('2026-11');
    const s = summaryJson(summary);
    expect(s.from).toBe('2026-10-31T16:00:00.000Z');
    expect(s.to).toBe('2026-11-30T16:00:00.000Z');
    expect(s.rows).toEqual([
      // T1 + T3: orders 2, goods 200.00 + 50.00, freight 10.00, seller 30.00, received 180.00 + 50.00,
      // commission 8.50 + 2.50 (both estimated), refunds 10.00 (T1 same day), net 161.50 + 47.50.
      { day: '2026-11-01', platform: 'taobao', shop: 'tb-shop', currency: 'CNY', orders: 2, goods: '250.00', freight: '10.00', sellerDiscount: '30.00', platformDiscount: '0.00', received: '230.00', commission: '11.00', commissionEstimated: '11.00', refunds: '10.00', net: '209.00' },
      // D1's refund: an October order refunded in November.
      { day: '2026-11-02', platform: 'douyin', shop: 'dy-shop', currency: 'CNY', orders: 0, goods: '0.00', freight: '0.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '0.00', commission: '0.00', commissionEstimated: '0.00', refunds: '30.00', net: '-30.00' },
      { day: '2026-11-10', platform: 'shopify', shop: 'us-shop', currency: 'USD', orders: 1, goods: '49.99', freight: '5.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '58.99', commission: '0.00', commissionEstimated: '0.00', refunds: '0.00', net: '58.99' },
      { day: '2026-11-12', platform: 'shopify', shop: 'us-shop', currency: 'USD', orders: 0, goods: '0.00', freight: '0.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '0.00', commission: '0.00', commissionEstimated: '0.00', refunds: '10.00', net: '-10.00' },
      { day: '2026-11-15', platform: 'pinduoduo', shop: 'pdd-shop', currency: 'CNY', orders: 1, goods: '100.00', freight: '0.00', sellerDiscount: '5.00', platformDiscount: '10.00', received: '95.00', commission: '0.00', commissionEstimated: '0.00', refunds: '0.00', net: '95.00' },
      { day: '2026-11-20', platform: 'pinduoduo', shop: 'pdd-shop', currency: 'CNY', orders: 0, goods: '0.00', freight: '0.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '0.00', commission: '0.00', commissionEstimated: '0.00', refunds: '20.00', net: '-20.00' },
      { day: '2026-11-30', platform: 'douyin', shop: 'dy-shop', currency: 'CNY', orders: 1, goods: '50.00', freight: '0.00', sellerDiscount: '3.00', platformDiscount: '5.00', received: '47.00', commission: '3.10', commissionEstimated: '0.00', refunds: '0.00', net: '43.90' },
    ]);
    // CNY: orders 2 + 1 + 1 = 4; goods 25000 + 10000 + 5000 = 40000; seller 3000 + 500 + 300 = 3800;
    // platform 1000 + 500 = 1500; received 23000 + 9500 + 4700 = 37200; commission 1100 + 310 = 1410
    // (1100 estimated); refunds 1000 + 3000 + 2000 = 6000; net 37200 - 1410 - 6000 = 29790.
    // USD: 1 order, 4999 goods, 500 freight, received 5899, refunds 1000, net 4899.
    expect(s.totals).toEqual([
      { currency: 'CNY', orders: 4, goods: '400.00', freight: '10.00', sellerDiscount: '38.00', platformDiscount: '15.00', received: '372.00', commission: '14.10', commissionEstimated: '11.00', refunds: '60.00', net: '297.90' },
      { currency: 'USD', orders: 1, goods: '49.99', freight: '5.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '58.99', commission: '0.00', commissionEstimated: '0.00', refunds: '10.00', net: '48.99' },
    ]);
    expect(s.refundsWithoutAmounts).toBe(1); // T3
  });

  it('October keeps D1 sale without its November refund; December gets D2 refund and T2 (paid 11-30 UTC, 12-01 local)', async () => {
    const oct = summaryJson((await run('2026-10')).summary);
    // D1: received 6000, reported commission 300, refunds 0 in October, net 5700.
    expect(oct.totals).toEqual([{ currency: 'CNY', orders: 1, goods: '60.00', freight: '0.00', sellerDiscount: '0.00', platformDiscount: '0.00', received: '60.00', commission: '3.00', commissionEstimated: '0.00', refunds: '0.00', net: '57.00' }]);
    const dec = summaryJson((await run('2026-12')).summary);
    // D2 refund 1000 (12-01 00:30); T2 3000 with 5 % = 150 estimated: net 2850 - 1000 = 1850.
    expect(dec.rows.map((r) => [r.day, r.platform, r.orders, r.received, r.commission, r.refunds, r.net])).toEqual([
      ['2026-12-01', 'douyin', 0, '0.00', '0.00', '10.00', '-10.00'],
      ['2026-12-01', 'taobao', 1, '30.00', '1.50', '0.00', '28.50'],
    ]);
    expect(dec.totals[0]?.net).toBe('18.50');
  });

  it('detail rows: one per order and day, and they add up to the summary', async () => {
    const { summary, details } = await run('2026-11');
    // T1, T3, D1 (refund only), S1 sale, S1 refund, P1 sale, P1 refund, D2 = 8 rows.
    expect(details.map((d) => `${d.platformOrderId}@${d.day}`).sort()).toEqual(['D1@2026-11-02', 'D2@2026-11-30', 'P1@2026-11-15', 'P1@2026-11-20', 'S1@2026-11-10', 'S1@2026-11-12', 'T1@2026-11-01', 'T3@2026-11-01']);
    const t1 = details.find((d) => d.platformOrderId === 'T1');
    expect(t1 && detailJson(t1)).toMatchObject({ commission: '8.50', commissionBasis: 'estimated', discountFunding: 'assumed_seller', refunds: '10.00', net: '161.50' });
    const t3 = details.find((d) => d.platformOrderId === 'T3');
    expect(t3?.note).toBe('refund_status_without_amounts');
    const d1 = details.find((d) => d.platformOrderId === 'D1');
    expect(d1 && detailJson(d1)).toMatchObject({ orders: 0, commissionBasis: '', paidAt: '2026-10-28T12:00:00+08:00', refunds: '30.00', net: '-30.00' });
    const net = details.filter((d) => d.currency === 'CNY').reduce((s, d) => s + d.net, 0n);
    expect(net).toBe(summary.totals.find((t) => t.currency === 'CNY')?.net);
  });

  it('CSV: BOM, header, one line per row and a totals row per currency', async () => {
    const csv = summaryCsv((await run('2026-11')).summary);
    expect(csv.startsWith('\uFEFF日期 date,平台 platform,店铺 shop,币种 currency,订单数 orders,商品金额 goods')).toBe(true);
    const lines = csv.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 7 + 2);
    expect(lines[1]).toBe('2026-11-01,taobao,tb-shop,CNY,2,250.00,10.00,30.00,0.00,230.00,11.00,11.00,10.00,209.00');
    expect(lines.slice(-2)).toEqual(['合计 total,,,CNY,4,400.00,10.00,38.00,15.00,372.00,14.10,11.00,60.00,297.90', '合计 total,,,USD,1,49.99,5.00,0.00,0.00,58.99,0.00,0.00,10.00,48.99']);
  });
});

describe('exportMonth', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the summary and the detail file (BOM, totals rows) and nothing half-written on a bad line', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zs-finance-'));
    const r = await exportMonth(source, { month: '2026-11', config, outDir: dir });
    expect(r.detailRows).toBe(8);
    const detail = await readFile(r.detailFile, 'utf8');
    expect(detail.charCodeAt(0)).toBe(0xfeff);
    const lines = detail.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 8 + 2);
    expect(lines[lines.length - 2]).toBe('合计 total,,,,,,CNY,4,400.00,10.00,38.00,15.00,372.00,14.10,11.00,60.00,297.90,,,');
    expect(await readFile(r.summaryFile, 'utf8')).toBe(summaryCsv(r.summary));

    const bad = path.join(dir, 'bad.jsonl');
    const good = (await readFile(FIXTURE, 'utf8')).split('\n')[0] ?? '';
    await writeFile(bad, `${good}\n{"schemaVersion":1}\n`);
    const out = path.join(dir, 'out');
    await expect(exportMonth(new JsonLinesOrderSource(bad), { month: '2026-11', config, outDir: out })).rejects.toThrow(/bad\.jsonl:2: source: /);
    await expect(readFile(path.join(out, 'reconciliation-2026-11-detail.csv'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(path.join(out, 'reconciliation-2026-11-detail.csv.part'))).rejects.toThrow(/ENOENT/);
  });
});

describe('bad input', () => {
  const fromArray = (orders: CanonicalOrder[]): FinanceOrderSource => ({
    async *orders() {
      yield* orders;
    },
  });

  it('names a month that is not YYYY-MM', async () => {
    await expect(run('2026-13')).rejects.toThrow('month: expected YYYY-MM (e.g. 2026-11), got "2026-13"');
    expect(() => monthRange('2026-1', '+08:00')).toThrow(/month/);
  });

  it('refuses an order given twice, and counts unpaid orders a source gives as skipped', async () => {
    const lines = (await readFile(FIXTURE, 'utf8')).split('\n').filter(Boolean);
    const all: CanonicalOrder[] = [];
    for await (const o of new JsonLinesOrderSource(FIXTURE).orders({ from: new Date(0), to: new Date('2100-01-01') })) all.push(o);
    expect(all).toHaveLength(lines.length - 1); // T4 pays and refunds nothing in any range
    const t1 = all[0];
    if (!t1) throw new Error('fixture has no orders');
    await expect(run('2026-11', fromArray([t1, t1]))).rejects.toThrow('order tb-main:T1: given twice by the source');
    const unpaid: CanonicalOrder = { ...t1, source: { ...t1.source, platformOrderId: 'U1' }, paidAt: null, status: 'awaiting_payment' };
    const { summary } = await run('2026-11', fromArray([t1, unpaid]));
    expect(summary.skippedUnpaid).toBe(1);
    expect(summary.totals[0]?.orders).toBe(1);
  });
});
