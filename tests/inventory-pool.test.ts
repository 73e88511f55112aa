import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { InventoryPool } from '../src/inventory/pool.js';

// The real redis-server from globalSetup. Each test gets its own key prefix, so tests never see
// each other's stock.
const CONNECTIONS = 4;
let conns: Redis[] = [];

beforeAll(async () => {
  conns = Array.from({ length: CONNECTIONS }, () => new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 3 }));
  await Promise.all(conns.map((c) => c.connect()));
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.quit()));
});

function freshPools(): InventoryPool[] {
  const prefix = `t${randomUUID().slice(0, 8)}:`;
  return conns.map((c) => new InventoryPool(c, prefix));
}
/** Element i of a list that the test built non-empty; throws instead of asserting non-null. */
function at<T>(list: T[], i: number): T {
  const v = list[i % list.length];
  if (v === undefined) throw new Error('empty list');
  return v;
}
const one = (sku: string, qty = 1, lineId = 'l1') => [{ lineId, sku, qty }];

describe('InventoryPool on a real Redis', () => {
  it('locks exactly 100 of 1,000 concurrent single-unit orders against 100 units (zero oversell)', async () => {
    const pools = freshPools();
    const [pool] = pools;
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'HOT', 100);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => at(pools, i).lock({ orderKey: `o${i}`, warehouse: 'WH1', lines: one('HOT') })),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(100);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(900);
    for (const r of refused) expect(r).toMatchObject({ ok: false, reason: 'insufficient', shortages: [{ sku: 'HOT', requested: 1, available: 0 }] });
    expect(await pool.get('WH1', 'HOT')).toEqual({ known: true, onHand: 100, locked: 100, available: 0 });
    expect(await pool.snapshot('WH1')).toEqual([{ sku: 'HOT', onHand: 100, locked: 100, available: 0 }]);
  });

  it('locks a retried call once and returns the same result, also under concurrent retries', async () => {
    const [pool, other] = freshPools();
    if (!pool || !other) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    const req = { orderKey: 'o1', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 3 }], expiresAt: Date.now() + 60_000 };
    expect(await pool.hold('WH1', 'o1')).toBeNull();
    const before = Date.now();
    const first = await pool.lock(req);
    expect(first.ok).toBe(true);
    // Redis's clock stamps the moment stock was taken (same machine, so comparable to ours).
    const held = await pool.hold('WH1', 'o1');
    expect(held?.state).toBe('locked');
    expect(held?.lockedAt).toBeGreaterThanOrEqual(before - 5);
    expect(held?.lockedAt).toBeLessThanOrEqual(Date.now() + 5);
    await new Promise((r) => setTimeout(r, 20));
    const retries = await Promise.all([pool.lock(req), other.lock(req), pool.lock(req)]);
    for (const r of retries) expect(r).toEqual(first);
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 3, available: 7 });

    // A later call adding a line locks only the new line; the same lineId with another qty is a conflict.
    const more = await pool.lock({ ...req, lines: [...req.lines, { lineId: 'l2', sku: 'A', qty: 2 }] });
    expect(more).toMatchObject({ ok: true, expiresAt: first.ok ? first.expiresAt : -1 });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 5, available: 5 });
    const conflict = await pool.lock({ ...req, lines: [{ lineId: 'l1', sku: 'A', qty: 4 }] });
    expect(conflict).toEqual({ ok: false, reason: 'conflict', conflicts: [{ lineId: 'l1', heldSku: 'A', heldQty: 3, sku: 'A', qty: 4 }] });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 5 });
    // Retries and added lines never move the first lock's time.
    expect(await pool.hold('WH1', 'o1')).toEqual(held);
  });

  it('locks all lines or none when one SKU is short, and sums lines of the same SKU', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    await pool.setOnHand('WH1', 'B', 1);
    const r = await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 2 }, { lineId: 'l2', sku: 'B', qty: 2 }] });
    expect(r).toEqual({ ok: false, reason: 'insufficient', shortages: [{ sku: 'B', requested: 2, available: 1 }] });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 0, available: 10 });
    expect(await pool.get('WH1', 'B')).toMatchObject({ locked: 0, available: 1 });

    // Two lines of one SKU, each fitting alone (6 <= 10) but not together (12 > 10).
    const split = await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 6 }, { lineId: 'l2', sku: 'A', qty: 6 }] });
    expect(split).toEqual({ ok: false, reason: 'insufficient', shortages: [{ sku: 'A', requested: 12, available: 10 }] });
    const fits = await pool.lock({ orderKey: 'o3', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 4 }, { lineId: 'l2', sku: 'A', qty: 6 }] });
    expect(fits.ok).toBe(true);
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 10, locked: 10, available: 0 });
  });

  it('releases a cancelled order at once, so another order can lock the stock; release twice is a no-op', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 1);
    expect((await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A') })).ok).toBe(true);
    expect(await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A') })).toMatchObject({ ok: false, reason: 'insufficient' });

    const lockedAt = (await pool.hold('WH1', 'o1'))?.lockedAt;
    const rel = await pool.release('o1', 'cancelled');
    expect(await pool.hold('WH1', 'o1')).toEqual({ state: 'released', lockedAt });
    expect(rel).toEqual({ holds: [{ warehouse: 'WH1', previous: 'locked', state: 'released' }], lines: [{ warehouse: 'WH1', lineId: 'l1', sku: 'A', qty: 1 }] });
    // Immediately available: no sweep, no delay.
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 1, locked: 0, available: 1 });
    expect(await pool.release('o1', 'cancelled')).toEqual({ holds: [{ warehouse: 'WH1', previous: 'released', state: 'released' }], lines: [] });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 0, available: 1 });

    expect((await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A') })).ok).toBe(true);
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 1, available: 0 });
  });

  it('refuses a lock retry that lands after its order was released (no leaked lock)', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 5);
    const req = { orderKey: 'o1', warehouse: 'WH1', lines: one('A', 2) };
    expect((await pool.lock(req)).ok).toBe(true);
    await pool.release('o1', 'cancelled');
    expect(await pool.lock(req)).toEqual({ ok: false, reason: 'closed', state: 'released' });
    // Also when the release came first and the order never held anything.
    await pool.release('o9', 'cancelled');
    expect(await pool.lock({ ...req, orderKey: 'o9' })).toEqual({ ok: false, reason: 'closed', state: 'released' });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 0, available: 5 });
  });

  it('commits on shipment: on hand and locked both drop, once', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    await pool.setOnHand('WH1', 'B', 4);
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 3 }, { lineId: 'l2', sku: 'B', qty: 1 }] });
    await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A', 2) });
    const c = await pool.commit('o1');
    expect(c.holds).toEqual([{ warehouse: 'WH1', previous: 'locked', state: 'committed' }]);
    expect(c.lines).toHaveLength(2);
    expect(await pool.commit('o1')).toEqual({ holds: [{ warehouse: 'WH1', previous: 'committed', state: 'committed' }], lines: [] });
    // A release after shipment changes nothing either.
    expect((await pool.release('o1', 'late cancel')).lines).toEqual([]);
    expect(await pool.snapshot('WH1')).toEqual([
      { sku: 'A', onHand: 7, locked: 2, available: 5 },
      { sku: 'B', onHand: 3, locked: 0, available: 3 },
    ]);
  });

  it('expires an unpaid lock but not one confirmed as paid', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    const t0 = 1_800_000_000_000;
    await pool.lock({ orderKey: 'unpaid', warehouse: 'WH1', lines: one('A', 2), expiresAt: t0 + 30_000 });
    await pool.lock({ orderKey: 'paid', warehouse: 'WH1', lines: one('A', 3), expiresAt: t0 + 30_000 });
    await pool.lock({ orderKey: 'later', warehouse: 'WH1', lines: one('A', 1), expiresAt: t0 + 90_000 });
    expect(await pool.confirmPaid('paid')).toEqual({ confirmed: true, holds: [{ warehouse: 'WH1', state: 'locked' }] });
    // A retry of the paid order's lock must not put the countdown back.
    expect(await pool.lock({ orderKey: 'paid', warehouse: 'WH1', lines: one('A', 3), expiresAt: t0 + 30_000 })).toMatchObject({ ok: true, expiresAt: null });

    expect(await pool.releaseExpired(t0 + 29_999, 100)).toEqual([]);
    const due = await pool.releaseExpired(t0 + 30_000, 100);
    expect(due).toEqual([{ warehouse: 'WH1', orderKey: 'unpaid', lines: [{ lineId: 'l1', sku: 'A', qty: 2 }] }]);
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 4, available: 6 });
    expect(await pool.releaseExpired(t0 + 30_000, 100)).toEqual([]);

    // Payment arriving after the countdown released the stock is reported, not silently accepted.
    expect(await pool.confirmPaid('unpaid')).toEqual({ confirmed: false, holds: [{ warehouse: 'WH1', state: 'released' }] });
    expect(await pool.lock({ orderKey: 'unpaid', warehouse: 'WH1', lines: one('A', 2) })).toEqual({ ok: false, reason: 'closed', state: 'released' });

    // The limit caps one call; the rest comes on the next.
    await pool.lock({ orderKey: 'later2', warehouse: 'WH1', lines: one('A', 1), expiresAt: t0 + 90_000 });
    expect(await pool.releaseExpired(t0 + 90_000, 1)).toHaveLength(1);
    expect(await pool.releaseExpired(t0 + 90_000, 1)).toHaveLength(1);
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 10, locked: 3, available: 7 });
  });

  it('refuses an unknown SKU without locking the known lines', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    expect(await pool.knownSku('WH1', 'A')).toBe(true);
    expect(await pool.knownSku('WH1', 'GHOST')).toBe(false);
    const r = await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'A', qty: 1 }, { lineId: 'l2', sku: 'GHOST', qty: 1 }] });
    expect(r).toEqual({ ok: false, reason: 'unknown_sku', shortages: [{ sku: 'GHOST', requested: 1, available: 0 }] });
    expect(await pool.get('WH1', 'A')).toMatchObject({ locked: 0 });
    expect(await pool.get('WH1', 'GHOST')).toEqual({ known: false, onHand: 0, locked: 0, available: 0 });
  });

  it('keeps locks when the WMS reports less than is locked, and says so; drops out-of-order reports', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10, 1000);
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 8) });
    expect(await pool.setOnHand('WH1', 'A', 5, 2000)).toEqual({ applied: true, known: true, onHand: 5, locked: 8, available: -3, overcommitted: 3 });
    expect(await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A') })).toMatchObject({ ok: false, shortages: [{ available: -3 }] });
    // An older reading arriving late does not overwrite a newer one.
    expect(await pool.setOnHand('WH1', 'A', 50, 1500)).toMatchObject({ applied: false, onHand: 5 });
    expect(await pool.setOnHand('WH1', 'A', 12, 3000)).toMatchObject({ applied: true, available: 4, overcommitted: 0 });
  });

  it('hands a pushed order to the WMS once: its units leave locked and on hand, pickup changes nothing more, an intercept waits for the WMS to give them back', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 3) });
    const [h] = await pool.handOver('o1');
    expect(h).toEqual({ warehouse: 'WH1', previous: 'locked', lines: [{ lineId: 'l1', sku: 'A', qty: 3 }] });
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 7, locked: 0, available: 7 });
    expect((await pool.hold('WH1', 'o1'))?.state).toBe('handed');
    expect(await pool.handOver('o1')).toEqual([{ warehouse: 'WH1', previous: 'handed', lines: [] }]);
    expect(await pool.confirmPaid('o1')).toMatchObject({ confirmed: true });
    // A retried lock of the same lines is still the same hold, not a second one.
    expect(await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 3) })).toMatchObject({ ok: true });
    await pool.commit('o1');
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 7, locked: 0, available: 7 });
    await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A', 2) });
    await pool.handOver('o2');
    // Intercepted at the WMS: nothing comes back until the WMS says so, however often it is released.
    await pool.release('o2', 'cancelled');
    await pool.release('o2', 'cancelled');
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 5, locked: 0, available: 5 });
    expect((await pool.hold('WH1', 'o2'))?.state).toBe('released');
    // An available-to-send reading from before both hand-overs (the WMS still had all 10 free):
    // both hand-overs are taken off; whether o2's units are back is for a later reading to say.
    expect(await pool.setOnHand('WH1', 'A', 10, Date.now() - 60_000, 'unpromised')).toMatchObject({ applied: true, onHand: 5, available: 5 });
  });

  it('an intercept the WMS accepted after it had shipped gives nothing back: the units are gone, as its next reading says', async () => {
    // Wangdiantong takes a refund re-push of a shipped trade (interceptedAfterShipping): the
    // parcel left before the hub heard of the pickup. The hub cannot tell that apart from a real
    // intercept, so it must not put the units on sale again on its own word.
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10, Date.now() - 1_000, 'unpromised');
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 2) });
    await pool.handOver('o1');
    await pool.release('o1', 'cancelled');
    expect(await pool.get('WH1', 'A')).toEqual({ known: true, onHand: 8, locked: 0, available: 8 });
    // The WMS shipped it: its available-to-send after the release is 8, and that is what stays.
    expect(await pool.setOnHand('WH1', 'A', 8, Date.now() + 1, 'unpromised')).toMatchObject({ applied: true, onHand: 8, available: 8 });
  });

  it('an intercept that kept the parcel on the shelf gives the units back with the WMS reading that shows them', async () => {
    const [pool, phys] = freshPools();
    if (!pool || !phys) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10, Date.now() - 1_000, 'unpromised');
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 2) });
    await pool.handOver('o1');
    await pool.release('o1', 'cancelled');
    expect((await pool.get('WH1', 'A')).available).toBe(8);
    // Blocked in time: the WMS counts the 2 units as free again.
    expect(await pool.setOnHand('WH1', 'A', 10, Date.now() + 1, 'unpromised')).toMatchObject({ applied: true, onHand: 10, available: 10 });
    // The same with a physical reading: the shelves hold 10 and nothing is outstanding any more.
    await phys.setOnHand('WH2', 'B', 10);
    await phys.lock({ orderKey: 'o2', warehouse: 'WH2', lines: one('B', 2) });
    await phys.handOver('o2');
    await phys.release('o2', 'cancelled');
    expect((await phys.get('WH2', 'B')).available).toBe(8);
    expect(await phys.setOnHand('WH2', 'B', 10, Date.now() + 1)).toMatchObject({ applied: true, onHand: 10, available: 10 });
    // ...and 8 if the parcel had left after all.
    expect(await phys.setOnHand('WH2', 'B', 8, Date.now() + 2)).toMatchObject({ applied: true, onHand: 8, available: 8 });
  });

  it('reconciles WMS readings with what was handed to it: physical less units outstanding, available-to-send less hand-overs after the reading', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 10);
    await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 3) });
    await pool.handOver('o1');
    await pool.lock({ orderKey: 'o2', warehouse: 'WH1', lines: one('A', 1) });

    // Physical, trade not yet shipped: the shelves still hold its 3 units.
    expect(await pool.setOnHand('WH1', 'A', 10, Date.now())).toMatchObject({ applied: true, onHand: 7, locked: 1, available: 6 });
    // Available-to-send read before the hand-over: the WMS did not yet count the trade, so it is taken off.
    const [, fresh] = freshPools();
    if (!fresh) throw new Error('no pool');
    await fresh.setOnHand('WH1', 'A', 10);
    await fresh.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A', 3) });
    const t0 = Date.now() - 5;
    await new Promise((r) => setTimeout(r, 10));
    await fresh.handOver('o1');
    expect(await fresh.setOnHand('WH1', 'A', 10, t0, 'unpromised')).toMatchObject({ applied: true, onHand: 7, available: 7 });
    // Read after the hand-over (and after shipping): the WMS's 7 already excludes the trade.
    expect(await fresh.setOnHand('WH1', 'A', 7, Date.now() + 1, 'unpromised')).toMatchObject({ applied: true, onHand: 7, available: 7 });
    // Picked up: physical readings no longer subtract the parcel.
    await fresh.commit('o1');
    expect(await fresh.setOnHand('WH1', 'A', 7, Date.now() + 2)).toMatchObject({ applied: true, onHand: 7, available: 7 });
    // A reading older than the hand-over log reaches back cannot be reconciled: dropped.
    const [, , old] = freshPools();
    if (!old) throw new Error('no pool');
    expect(await old.setOnHand('WH1', 'A', 5, Date.now() - 25 * 3600_000, 'unpromised')).toMatchObject({ applied: false });
  });

  it('survives a flushed script cache (EVALSHA falls back to EVAL)', async () => {
    const [pool] = freshPools();
    if (!pool) throw new Error('no pool');
    await pool.setOnHand('WH1', 'A', 1);
    await at(conns, 0).script('FLUSH');
    expect((await pool.lock({ orderKey: 'o1', warehouse: 'WH1', lines: one('A') })).ok).toBe(true);
  });
});
