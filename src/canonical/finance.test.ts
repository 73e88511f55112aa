import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CanonicalOrder } from './order.js';
import { parseJsonSafe } from '../util/json.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'finance', '__fixtures__', 'orders.jsonl');

async function fixtureOrder(id: string): Promise<Record<string, unknown>> {
  for (const line of (await readFile(FIXTURE, 'utf8')).split('\n')) {
    if (!line) continue;
    const o = parseJsonSafe(line);
    if (typeof o === 'object' && o !== null && JSON.stringify(o).includes(`"platformOrderId":"${id}"`)) return { ...o };
  }
  throw new Error(`no fixture order ${id}`);
}

function issues(o: unknown): string[] {
  const r = CanonicalOrder.safeParse(o);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('finance fields of the canonical order', () => {
  it('are optional: an order without them (T1) and one with them (D2) both parse', async () => {
    expect(issues(await fixtureOrder('T1'))).toEqual([]);
    const d2 = await fixtureOrder('D2');
    expect(issues(d2)).toEqual([]);
    expect(CanonicalOrder.parse(d2).finance?.fees?.map((f) => f.kind)).toEqual(['commission', 'affiliate']);
  });

  it('a discount split that does not add up to totals.discount is refused, naming the field', async () => {
    const p1 = await fixtureOrder('P1');
    const bad = { ...p1, finance: { discountFunding: { seller: { minor: 500, currency: 'CNY' }, platform: { minor: 900, currency: 'CNY' } } } };
    expect(issues(bad)).toEqual(['finance.discountFunding: seller 500 + platform 900 differs from totals.discount 1500']);
  });

  it('a refund must be positive, in the order currency, with an offset time', async () => {
    const s1 = await fixtureOrder('S1');
    const line = { lineId: 'L', merchantSku: null, title: 't', quantity: 1, unitPrice: { minor: 4999, currency: 'USD' }, lineTotal: { minor: 4999, currency: 'USD' }, discount: { minor: 0, currency: 'USD' }, refundStatus: 'refunded' };
    const withRefunds = (refunds: unknown[]) => ({ ...s1, lines: [{ ...line, refunds }] });
    expect(issues(withRefunds([{ amount: { minor: 0, currency: 'USD' }, refundedAt: '2026-11-12T10:00:00-05:00' }]))).toEqual(['lines.0.refunds.0.amount.minor: a refund amount must be positive']);
    expect(issues(withRefunds([{ amount: { minor: 100, currency: 'CNY' }, refundedAt: '2026-11-12T10:00:00-05:00' }]))).toEqual(['lines.0.refunds.0.amount.currency: currency CNY differs from order currency USD']);
    expect(issues(withRefunds([{ amount: { minor: 100, currency: 'USD' }, refundedAt: '2026-11-12 10:00:00' }]))[0]).toMatch(/^lines\.0\.refunds\.0\.refundedAt: /);
  });

  it('a fee kind outside the list is refused', async () => {
    const d2 = await fixtureOrder('D2');
    expect(issues({ ...d2, finance: { fees: [{ kind: 'tip', amount: { minor: 1, currency: 'CNY' }, source: 'order' }] } })[0]).toMatch(/^finance\.fees\.0\.kind: /);
  });
});
