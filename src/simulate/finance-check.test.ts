import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinanceConfig } from '../finance/config.js';
import { exportMonth } from '../finance/export.js';
import { JsonLinesOrderSource } from '../finance/source.js';
import type { PlatformBooks } from '../sandbox/platform-books.js';
import { compareFinance, monthsOf, parseDetailCsv, type DetailLine, type PlatformSide } from './finance-check.js';

// The reconciliation's own fixture (see reconcile.test.ts for every order's figures).
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'finance', '__fixtures__', 'orders.jsonl');
const config = FinanceConfig.parse({});
let dir = '';
let november: DetailLine[] = [];
let novemberCsv = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'finance-check-'));
  const out = await exportMonth(new JsonLinesOrderSource(FIXTURE), { month: '2026-11', config, outDir: dir });
  novemberCsv = await readFile(out.detailFile, 'utf8');
  november = parseDetailCsv(novemberCsv);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the platforms' books say of the fixture's orders: the same money, in their own terms. */
function books(): PlatformSide[] {
  const b = (sales: PlatformBooks['sales'], refunds: PlatformBooks['refunds']): PlatformBooks => ({ sales, refunds, unpricedRefunds: [] });
  return [
    {
      platform: 'taobao',
      channel: 'tb-main',
      books: b(
        [
          { orderId: 'T1', currency: 'CNY', paidAt: '2026-10-31T16:10:00.000Z', received: 18000 },
          { orderId: 'T2', currency: 'CNY', paidAt: '2026-11-30T16:05:00.000Z', received: 3000 },
          { orderId: 'T3', currency: 'CNY', paidAt: '2026-11-01T02:00:00.000Z', received: 5000 },
        ],
        [
          { orderId: 'T1', lineId: 'x', currency: 'CNY', amount: 1000, refundedAt: '2026-11-01T12:00:00.000Z' },
        ],
      ),
    },
    { platform: 'pinduoduo', channel: 'pdd-main', books: b([{ orderId: 'P1', currency: 'CNY', paidAt: '2026-11-15T02:00:00.000Z', received: 9500 }], [{ orderId: 'P1', lineId: null, currency: 'CNY', amount: 2000, refundedAt: '2026-11-20T01:00:00.000Z' }]) },
    {
      platform: 'douyin',
      channel: 'dy-main',
      books: b(
        [
          { orderId: 'D1', currency: 'CNY', paidAt: '2026-10-28T04:00:00.000Z', received: 6000 },
          { orderId: 'D2', currency: 'CNY', paidAt: '2026-11-30T15:30:00.000Z', received: 4700 },
        ],
        [
          { orderId: 'D1', lineId: 'a', currency: 'CNY', amount: 3000, refundedAt: '2026-11-02T00:00:00.000Z' },
          { orderId: 'D2', lineId: 'b', currency: 'CNY', amount: 1000, refundedAt: '2026-11-30T16:30:00.000Z' },
        ],
      ),
    },
    { platform: 'shopify', channel: 'shopify-us', books: b([{ orderId: 'S1', currency: 'USD', paidAt: '2026-11-10T14:00:00.000Z', received: 5899 }], [{ orderId: 'S1', lineId: 'c', currency: 'USD', amount: 1000, refundedAt: '2026-11-12T15:00:00.000Z' }]) },
  ];
}

/** T3's refund on Taobao's books: the hub's order says closed_by_refund but carries no amount, so its file flags it. */
const T3_REFUND = { orderId: 'T3', lineId: 'y', currency: 'CNY', amount: 5000, refundedAt: '2026-11-01T05:00:00.000Z' };

const compare = (sides: PlatformSide[]) => compareFinance({ months: ['2026-11'], utcOffset: '+08:00', sides, hub: new Map([['2026-11', november]]) });

describe('FINANCE_AGREES: the reconciliation CSV against the platforms own books', () => {
  it('agrees when every order, payment and refund matches', () => {
    const { result, notes } = compare(books());
    expect(result).toMatchObject({ id: 'FINANCE_AGREES', checked: 12, violated: 0, examples: [] });
    // Each platform's figures, both sides, for the report.
    expect(notes).toContain('FINANCE_AGREES: taobao 2026-11 CNY (minor units): hub 2 orders, received 23000, refunds 1000; platform 2 orders, received 23000, refunds 1000');
    expect(notes).toContain('FINANCE_AGREES: shopify 2026-11 USD (minor units): hub 1 orders, received 5899, refunds 1000; platform 1 orders, received 5899, refunds 1000');
  });

  it('counts a Taobao refund paid out that the hub only flags as lacking its amount: its after-sales case gives the amount', () => {
    const sides = books();
    sides[0]?.books.refunds.push(T3_REFUND);
    const { result } = compare(sides);
    expect(result.violated).toBe(1);
    expect(result.examples[0]).toEqual({ key: 'taobao 2026-11 CNY', detail: 'refunds: hub 1000 vs taobao 6000 CNY minor units; 1 order(s) differ: tb-main:T3 hub 0 / platform 5000' });
  });

  it('lets a flagged refund agree on a platform whose after-sales are not pulled, and lists it', () => {
    const sides = books();
    const taobao = sides[0];
    if (taobao) taobao.platform = 'youzan';
    taobao?.books.refunds.push(T3_REFUND);
    const { result, notes } = compare(sides);
    expect(result).toMatchObject({ checked: 12, violated: 0, examples: [] });
    expect(notes.join('\n')).toContain('youzan 2026-11: 1 refund(s) of 5000 CNY minor units paid out by the platform are not in the hub');
    expect(notes.join('\n')).toContain('tb-main:T3');
  });

  it('names the platform, the figure, both sums and the order when a payment differs', () => {
    const sides = books();
    const sale = sides[0]?.books.sales[0];
    if (sale) sale.received = 17000;
    const { result } = compare(sides);
    expect(result.violated).toBe(1);
    expect(result.examples[0]).toEqual({ key: 'taobao 2026-11 CNY', detail: expect.stringMatching(/^received: hub 23000 vs taobao 22000 CNY minor units; 1 order\(s\) differ: tb-main:T1 hub 18000 \/ platform 17000$/) as unknown as string });
  });

  it('counts an order the platform was paid for that the hub never shows, and a refund it neither counts nor flags', () => {
    const sides = books();
    sides[1]?.books.sales.push({ orderId: 'P2', currency: 'CNY', paidAt: '2026-11-16T02:00:00.000Z', received: 1200 });
    sides[1]?.books.refunds.push({ orderId: 'P1', lineId: null, currency: 'CNY', amount: 500, refundedAt: '2026-11-21T01:00:00.000Z' });
    const { result } = compare(sides);
    expect(result.violated).toBe(3);
    const details = result.examples.map((e) => `${e.key} ${e.detail}`);
    expect(details).toContain('pinduoduo 2026-11 CNY orders: hub 1 vs pinduoduo 2; 1 order(s) differ: pdd-main:P2 hub 0 / platform 1');
    expect(details).toContain('pinduoduo 2026-11 CNY received: hub 9500 vs pinduoduo 10700 CNY minor units; 1 order(s) differ: pdd-main:P2 hub 0 / platform 1200');
    expect(details).toContain('pinduoduo 2026-11 CNY refunds: hub 2000 vs pinduoduo 2500 CNY minor units; 1 order(s) differ: pdd-main:P1 hub 2000 / platform 2500');
  });

  it('finds what the hub counts that the platform never booked (a refund in the wrong month)', () => {
    const sides = books();
    const late = sides[2]?.books.refunds[0];
    if (late) late.refundedAt = '2026-12-02T00:00:00.000Z';
    const { result } = compare(sides);
    expect(result.violated).toBe(1);
    expect(result.examples[0]?.detail).toBe('refunds: hub 3000 vs douyin 0 CNY minor units; 1 order(s) differ: dy-main:D1 hub 3000 / platform 0');
  });

  it('refuses a detail file that was cut off before its totals rows', () => {
    const cut = novemberCsv.split('\r\n').filter((l) => !l.startsWith('合计 total')).join('\r\n');
    expect(() => parseDetailCsv(cut)).toThrow(/no totals rows/);
    expect(november.length).toBeGreaterThan(0);
  });

  it('takes the months of the instants at the accounting offset', () => {
    expect(monthsOf(['2026-11-30T15:59:59Z', '2026-11-30T16:00:00Z', '2026-11-02T00:00:00Z'], '+08:00')).toEqual(['2026-11', '2026-12']);
  });
});
