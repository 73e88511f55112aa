import { stringify, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { formatMinor } from './money.js';
import { AMOUNT_KEYS, type Amounts, type DetailRow, type Summary } from './reconcile.js';

/** Header names: Chinese for the finance team, English for scripts reading the same file. */
const AMOUNT_HEADERS: Record<(typeof AMOUNT_KEYS)[number], string> = {
  goods: '商品金额 goods',
  freight: '运费 freight',
  sellerDiscount: '商家优惠 seller_discount',
  platformDiscount: '平台优惠 platform_discount',
  received: '实收金额 received',
  commission: '平台佣金 commission',
  commissionEstimated: '其中估算佣金 commission_estimated',
  refunds: '退款总额 refunds',
  net: '净额 net',
};

export const TOTAL_LABEL = '合计 total';

const SUMMARY_HEADER = ['日期 date', '平台 platform', '店铺 shop', '币种 currency', '订单数 orders', ...AMOUNT_KEYS.map((k) => AMOUNT_HEADERS[k])];
const DETAIL_HEADER = [
  '日期 date',
  '平台 platform',
  '店铺 shop',
  '渠道 channel',
  '平台订单号 platform_order_id',
  '付款时间 paid_at',
  '币种 currency',
  '订单数 orders',
  ...AMOUNT_KEYS.map((k) => AMOUNT_HEADERS[k]),
  '佣金依据 commission_basis',
  '优惠出资依据 discount_funding',
  '备注 note',
];

// RFC 4180 line ends and a BOM, so Excel opens the UTF-8 file with the Chinese intact.
const CSV_OPTIONS = { bom: true, record_delimiter: 'windows' } as const;

/** A text cell Excel would run as a formula (=, +, -, @ first) gets a leading quote. */
export function safeText(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function amountCells(a: Amounts, currency: string): string[] {
  return [String(a.orders), ...AMOUNT_KEYS.map((k) => formatMinor(a[k], currency))];
}

/** The per platform/shop/day sheet with one totals row per currency, as one CSV text (small: days x shops). */
export function summaryCsv(s: Summary): string {
  const records = s.rows.map((r) => [r.day, r.platform, safeText(r.shop), r.currency, ...amountCells(r, r.currency)]);
  for (const t of s.totals) records.push([TOTAL_LABEL, '', '', t.currency, ...amountCells(t, t.currency)]);
  return stringifySync([SUMMARY_HEADER, ...records], CSV_OPTIONS);
}

/** The closing rows of the order-level file: its sums per currency (a cut-off file has none). */
export function detailTotalRecords(s: Summary): string[][] {
  return s.totals.map((t) => [TOTAL_LABEL, '', '', '', '', '', t.currency, ...amountCells(t, t.currency), '', '', '']);
}

export function detailRecord(r: DetailRow): string[] {
  return [r.day, r.platform, safeText(r.shop), safeText(r.channel), safeText(r.platformOrderId), r.paidAt, r.currency, ...amountCells(r, r.currency), r.commissionBasis, r.discountFunding, r.note];
}

/** A streaming writer of the order-level file: write detailRecord(row)s, pipe it to a file or response. */
export function detailCsvStream(): Stringifier {
  const s = stringify(CSV_OPTIONS);
  s.write(DETAIL_HEADER);
  return s;
}

/** Money as decimal strings in major units (never floats), for JSON answers. */
export function printAmounts(a: Amounts, currency: string): { orders: number } & Record<(typeof AMOUNT_KEYS)[number], string> {
  return {
    orders: a.orders,
    goods: formatMinor(a.goods, currency),
    freight: formatMinor(a.freight, currency),
    sellerDiscount: formatMinor(a.sellerDiscount, currency),
    platformDiscount: formatMinor(a.platformDiscount, currency),
    received: formatMinor(a.received, currency),
    commission: formatMinor(a.commission, currency),
    commissionEstimated: formatMinor(a.commissionEstimated, currency),
    refunds: formatMinor(a.refunds, currency),
    net: formatMinor(a.net, currency),
  };
}

/** The summary as JSON-ready data. */
export function summaryJson(s: Summary) {
  return {
    month: s.month,
    utcOffset: s.utcOffset,
    from: s.from,
    to: s.to,
    rows: s.rows.map((r) => ({ day: r.day, platform: r.platform, shop: r.shop, currency: r.currency, ...printAmounts(r, r.currency) })),
    totals: s.totals.map((t) => ({ currency: t.currency, ...printAmounts(t, t.currency) })),
    skippedUnpaid: s.skippedUnpaid,
    refundsWithoutAmounts: s.refundsWithoutAmounts,
  };
}

export function detailJson(r: DetailRow) {
  return {
    day: r.day,
    platform: r.platform,
    shop: r.shop,
    channel: r.channel,
    platformOrderId: r.platformOrderId,
    paidAt: r.paidAt,
    currency: r.currency,
    ...printAmounts(r, r.currency),
    commissionBasis: r.commissionBasis,
    discountFunding: r.discountFunding,
    note: r.note,
  };
}
