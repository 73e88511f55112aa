import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { offsetMinutes } from '../finance/config.js';
import { TOTAL_LABEL } from '../finance/csv.js';
import { parseMinor } from '../finance/money.js';
import { localDay, monthRange, NOTE } from '../finance/reconcile.js';
import type { PlatformBooks } from '../sandbox/platform-books.js';
import { CASE_FROM_PULL } from '../after-sales/platforms/pulled-index.js';
import { WORLD, WORLD_PLATFORMS, type SandboxWorld } from '../sandbox/world.js';
import { errorMessage } from '../util/errors.js';
import { INVARIANT, type InvariantResult } from './invariants.js';

/**
 * FINANCE_AGREES: the month's reconciliation as finance downloads it (GET
 * /api/finance/reconciliation, CSV, detail view) against each sandbox platform's own books, per
 * platform, month and currency: how many orders were paid, what was received, what was refunded.
 * Both sides follow the reconciliation's rules (src/finance/reconcile.ts): a sale counts in the
 * month it was paid (at the accounting offset), a refund in the month the money went back; an
 * order never paid is on neither side.
 */

export const FINANCE_FIGURE = { ORDERS: 'orders', RECEIVED: 'received', REFUNDS: 'refunds' } as const;
type Figure = (typeof FINANCE_FIGURE)[keyof typeof FINANCE_FIGURE];

/** One platform: its books and the hub channel its orders arrive on. */
export interface PlatformSide {
  platform: string;
  channel: string;
  books: PlatformBooks;
}

/** The detail file's columns the check reads (src/finance/csv.ts headers). */
const DetailRecord = z.looseObject({
  '日期 date': z.string(),
  '渠道 channel': z.string(),
  '平台订单号 platform_order_id': z.string(),
  '币种 currency': z.string(),
  '订单数 orders': z.string().regex(/^\d+$/, 'a whole number of orders'),
  '实收金额 received': z.string(),
  '退款总额 refunds': z.string(),
  '备注 note': z.string(),
});

/** One detail row: one order's contribution to one day. */
export interface DetailLine {
  channel: string;
  orderId: string;
  currency: string;
  orders: number;
  received: bigint;
  refunds: bigint;
  note: string;
}

/** safeText (csv.ts) quotes a text cell that Excel would run as a formula: undo it. */
const unquote = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/**
 * The detail CSV back as rows. A file with order rows but no totals rows was cut off mid-stream
 * (the route can only end the body early once headers are out): refused, not compared.
 */
export function parseDetailCsv(text: string): DetailLine[] {
  const records: unknown = parse(text, { bom: true, columns: true, skip_empty_lines: true });
  const list = z.array(z.unknown()).parse(records);
  const out: DetailLine[] = [];
  let totals = 0;
  list.forEach((raw, i) => {
    const r = DetailRecord.safeParse(raw);
    if (!r.success) throw new Error(`reconciliation detail row ${i + 2}: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'unreadable'}`);
    const d = r.data;
    if (d['日期 date'] === TOTAL_LABEL) {
      totals++;
      return;
    }
    const currency = d['币种 currency'];
    out.push({ channel: unquote(d['渠道 channel']), orderId: unquote(d['平台订单号 platform_order_id']), currency, orders: Number(d['订单数 orders']), received: parseMinor(d['实收金额 received'], currency), refunds: parseMinor(d['退款总额 refunds'], currency), note: d['备注 note'] });
  });
  if (out.length > 0 && totals === 0) throw new Error('reconciliation detail: order rows but no totals rows (the file was cut off)');
  return out;
}

/** The months (YYYY-MM at the accounting offset) an instant list touches. */
export function monthsOf(instants: readonly string[], utcOffset: string): string[] {
  const ms = offsetMinutes(utcOffset) * 60_000;
  return [...new Set(instants.map((i) => localDay(i, ms).slice(0, 7)))].sort();
}

interface OrderFigures {
  orders: number;
  received: bigint;
  refunds: bigint;
}

const zero = (): OrderFigures => ({ orders: 0, received: 0n, refunds: 0n });
const MAX_EXAMPLES = 5;
const MAX_KEYS = 5;

export interface FinanceComparison {
  result: InvariantResult;
  /** What the check saw but does not count as a violation (refunds the hub flagged as missing their amounts, on platforms whose after-sales are not pulled). */
  notes: string[];
}

/**
 * Compares per month, platform and currency. On a platform whose after-sales the hub does not
 * pull, a refund the platform paid out counts as agreeing when the hub's file flags its order
 * `refund_status_without_amounts` (the reconciliation's own statement that the figure lacks it,
 * README "Finance reconciliation"); each such gap is listed in the notes with its amount. Where
 * after-sales are pulled (Taobao, Pinduoduo, ...), the case records the amount for the
 * reconciliation, so a refund missing from the hub's figures is a violation, flagged or not.
 */
export function compareFinance(i: { months: readonly string[]; utcOffset: string; sides: readonly PlatformSide[]; hub: ReadonlyMap<string, readonly DetailLine[]> }): FinanceComparison {
  let checked = 0;
  let violated = 0;
  const examples: InvariantResult['examples'] = [];
  const notes: string[] = [];
  const flagged = new Set<string>();
  for (const rows of i.hub.values()) for (const r of rows) if (r.note.split(';').includes(NOTE.REFUND_WITHOUT_AMOUNT)) flagged.add(`${r.channel}:${r.orderId}`);

  for (const month of i.months) {
    const range = monthRange(month, i.utcOffset);
    const within = (iso: string) => {
      const t = Date.parse(iso);
      return t >= range.from.getTime() && t < range.to.getTime();
    };
    for (const side of i.sides) {
      const pulled = Object.hasOwn(CASE_FROM_PULL, side.platform);
      // Per currency, per order key: what the hub's file says and what the platform's books say.
      const hub = new Map<string, Map<string, OrderFigures>>();
      const book = new Map<string, Map<string, OrderFigures>>();
      const at = (m: Map<string, Map<string, OrderFigures>>, currency: string, key: string): OrderFigures => {
        let c = m.get(currency);
        if (!c) m.set(currency, (c = new Map()));
        let f = c.get(key);
        if (!f) c.set(key, (f = zero()));
        return f;
      };
      for (const r of i.hub.get(month) ?? []) {
        if (r.channel !== side.channel) continue;
        const f = at(hub, r.currency, `${r.channel}:${r.orderId}`);
        f.orders += r.orders;
        f.received += r.received;
        f.refunds += r.refunds;
      }
      const missing = new Map<string, bigint>();
      for (const s of side.books.sales) {
        if (!within(s.paidAt)) continue;
        const f = at(book, s.currency, `${side.channel}:${s.orderId}`);
        f.orders++;
        f.received += BigInt(s.received);
      }
      for (const r of side.books.refunds) {
        if (!within(r.refundedAt)) continue;
        const key = `${side.channel}:${r.orderId}`;
        at(book, r.currency, key).refunds += BigInt(r.amount);
      }
      for (const [currency, orders] of book) {
        for (const [key, f] of orders) {
          const h = hub.get(currency)?.get(key);
          if (!pulled && f.refunds > 0n && (h?.refunds ?? 0n) === 0n && flagged.has(key)) missing.set(`${currency} ${key}`, f.refunds);
        }
      }
      for (const key of side.books.unpricedRefunds) notes.push(`FINANCE_AGREES: ${side.platform} order ${side.channel}:${key} had a refund done that the sandbox gives no amount for (not compared)`);

      for (const currency of [...new Set([...hub.keys(), ...book.keys()])].sort()) {
        const h = hub.get(currency) ?? new Map<string, OrderFigures>();
        const b = book.get(currency) ?? new Map<string, OrderFigures>();
        const gap = [...missing].filter(([k]) => k.startsWith(`${currency} `));
        const gapSum = gap.reduce((a, [, v]) => a + v, 0n);
        if (gap.length) notes.push(`FINANCE_AGREES: ${side.platform} ${month}: ${gap.length} refund(s) of ${gapSum} ${currency} minor units paid out by the platform are not in the hub's refunds; the hub flags their orders ${NOTE.REFUND_WITHOUT_AMOUNT} (${gap.slice(0, MAX_KEYS).map(([k]) => k.slice(currency.length + 1)).join(', ')})`);
        const keys = [...new Set([...h.keys(), ...b.keys()])].sort();
        const figure = (name: Figure, of: (f: OrderFigures) => bigint, allowance: (key: string) => bigint) => {
          checked++;
          const hubSum = keys.reduce((a, k) => a + of(h.get(k) ?? zero()), 0n);
          const bookSum = keys.reduce((a, k) => a + of(b.get(k) ?? zero()), 0n);
          const allowed = keys.reduce((a, k) => a + allowance(k), 0n);
          if (hubSum + allowed === bookSum) return;
          violated++;
          const differ = keys.filter((k) => of(h.get(k) ?? zero()) + allowance(k) !== of(b.get(k) ?? zero()));
          if (examples.length < MAX_EXAMPLES) {
            const list = differ.slice(0, MAX_KEYS).map((k) => `${k} hub ${of(h.get(k) ?? zero())} / platform ${of(b.get(k) ?? zero())}`);
            const unit = name === FINANCE_FIGURE.ORDERS ? '' : ` ${currency} minor units`;
            const excused = allowed ? ` (+${allowed} flagged ${NOTE.REFUND_WITHOUT_AMOUNT})` : '';
            examples.push({ key: `${side.platform} ${month} ${currency}`, detail: `${name}: hub ${hubSum}${excused} vs ${side.platform} ${bookSum}${unit}; ${differ.length} order(s) differ: ${list.join(', ')}${differ.length > MAX_KEYS ? ', ...' : ''}` });
          }
        };
        figure(FINANCE_FIGURE.ORDERS, (f) => BigInt(f.orders), () => 0n);
        figure(FINANCE_FIGURE.RECEIVED, (f) => f.received, () => 0n);
        figure(FINANCE_FIGURE.REFUNDS, (f) => f.refunds, (k) => missing.get(`${currency} ${k}`) ?? 0n);
        const sums = (m: Map<string, OrderFigures>) => [...m.values()].reduce((a, f) => ({ orders: a.orders + f.orders, received: a.received + f.received, refunds: a.refunds + f.refunds }), zero());
        const [hs, bs] = [sums(h), sums(b)];
        notes.push(`FINANCE_AGREES: ${side.platform} ${month} ${currency} (minor units): hub ${hs.orders} orders, received ${hs.received}, refunds ${hs.refunds}; platform ${bs.orders} orders, received ${bs.received}, refunds ${bs.refunds}`);
      }
    }
  }
  return { result: { id: 'FINANCE_AGREES', description: INVARIANT.FINANCE_AGREES, checked, violated, examples }, notes };
}

/**
 * Runs the check after a simulated day: the months the day touched (its start and end, and every
 * sale and refund the sandboxes booked), each read through the hub's finance route as CSV.
 * `request` is the hub's HTTP app; `authorization` a finance role's key. A refund of a platform
 * whose after-sales are pulled reaches the reconciliation through its case, which may still be
 * on its way when the orders settled (the order heard of the refund before the next after-sales
 * pull): while only such refunds disagree, `whileWaiting` (a poll of those shops, as the hub's
 * schedules would run) is called and the check reads again, for at most `catchUpMs`.
 */
export async function checkFinance(d: { world: SandboxWorld; request: (path: string, init: RequestInit) => Response | Promise<Response>; authorization: string; utcOffset: string; dayStartedAt: Date; catchUpMs?: number; whileWaiting?: () => Promise<void> }): Promise<FinanceComparison> {
  const end = Date.now() + (d.catchUpMs ?? 0);
  for (;;) {
    const out = await readAndCompare(d);
    if (Date.now() >= end || !out.result.examples.some(awaitsCase)) return out;
    await d.whileWaiting?.();
    await new Promise((r) => setTimeout(r, CATCH_UP_PAUSE_MS));
  }
}

const CATCH_UP_PAUSE_MS = 1_000;

/** A refunds disagreement on a platform whose after-sales are pulled: its case may not have recorded it yet. */
function awaitsCase(e: InvariantResult['examples'][number]): boolean {
  const platform = e.key.split(' ')[0] ?? '';
  return Object.hasOwn(CASE_FROM_PULL, platform) && e.detail.startsWith(`${FINANCE_FIGURE.REFUNDS}:`);
}

async function readAndCompare(d: { world: SandboxWorld; request: (path: string, init: RequestInit) => Response | Promise<Response>; authorization: string; utcOffset: string; dayStartedAt: Date }): Promise<FinanceComparison> {
  const sides: PlatformSide[] = WORLD_PLATFORMS.map((p) => ({ platform: p, channel: WORLD.channels[p], books: d.world[p].books() }));
  const instants = [d.dayStartedAt.toISOString(), new Date().toISOString(), ...sides.flatMap((s) => [...s.books.sales.map((x) => x.paidAt), ...s.books.refunds.map((x) => x.refundedAt)])];
  const months = monthsOf(instants, d.utcOffset);
  const hub = new Map<string, DetailLine[]>();
  const unread: InvariantResult['examples'] = [];
  for (const month of months) {
    try {
      const res = await d.request(`/api/finance/reconciliation?month=${month}&format=csv&view=detail`, { headers: { authorization: d.authorization } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${text.slice(0, 200)}`);
      hub.set(month, parseDetailCsv(text));
    } catch (err) {
      unread.push({ key: `reconciliation ${month}`, detail: `could not be read: ${errorMessage(err)}` });
    }
  }
  const out = compareFinance({ months: months.filter((m) => hub.has(m)), utcOffset: d.utcOffset, sides, hub });
  // A month the hub could not give is a finding of its own, not a month skipped.
  out.result.checked += unread.length;
  out.result.violated += unread.length;
  out.result.examples.unshift(...unread);
  out.result.examples.splice(MAX_EXAMPLES);
  return out;
}

/** A day without an order store has no reconciliation to compare: listed, not checked. */
export function financeNotChecked(): FinanceComparison {
  return { result: { id: 'FINANCE_AGREES', description: INVARIANT.FINANCE_AGREES, checked: 0, violated: 0, examples: [] }, notes: [] };
}
